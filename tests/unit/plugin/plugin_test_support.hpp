#pragma once
/// @file plugin_test_support.hpp
/// Shared helpers of the plugin host tests: fixture locations, a temporary folder, and a UserContext whose
/// executor is an io_context the test owns.

#include <accurate/sdk/random.hpp>
#include "plugin/manifest.hpp"

#include <accurate/sdk/errors.hpp>
#include <accurate/sdk/host.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace accurate::plugin::testing {

/// Where tests/fixtures/plugins builds the fixture plugins.
inline std::filesystem::path fixtureDir() { return ACCURATE_TEST_PLUGIN_DIR; }

/// The manifest of fixture @p name.
inline PluginManifest fixtureManifest(const std::string& name) {
  return readManifest(fixtureDir() / (name + ".plugin.json"));
}

/// A fresh folder under the system temp folder, removed with its content on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("accurate-plugin-test-" + std::to_string(random()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  /// Writes @p text to @p name inside the folder (creating sub-folders) and returns the file's path.
  std::filesystem::path write(const std::filesystem::path& name, const std::string& text) const {
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

/// A manifest text for plugin @p name whose library is @p library.
inline std::string manifestText(const std::string& name, const std::string& library,
                                const std::string& version = "1.0.0") {
  return "{\"name\": \"" + name + "\", \"version\": \"" + version + "\", \"description\": \"d\", \"library\": \"" +
         library + "\", \"abi\": {\"major\": 1, \"minor\": 0}, \"provides\": [\"sinks\"]}";
}

/// Records what a task records.
class RecordingStats : public sdk::StatsRecorder {
 public:
  struct Recorded {
    std::string method;          ///< sample method
    std::string name;            ///< sample name
    std::uint64_t response_time_us;  ///< sample duration in µs
  };
  void record(const sdk::Sample& sample) override {
    samples.push_back({std::string(sample.method), std::string(sample.name), sample.response_time_us});
  }
  void recordException(std::string_view message) override { exceptions.emplace_back(message); }
  void count(std::string_view, std::uint64_t) override {}

  std::vector<Recorded> samples;        ///< samples in recording order
  std::vector<std::string> exceptions;  ///< recorded task crashes
};

/// An HTTP client the fixture tasks never use; sending fails loudly.
class UnusedHttpClient : public sdk::HttpClient {
 public:
  boost::asio::awaitable<sdk::HttpResponse> send(const sdk::HttpRequest&) override {
    throw sdk::Error("UnusedHttpClient::send called");
    co_return sdk::HttpResponse{};
  }
  void closeConnections() override {}
};

/// A UserContext on an io_context the test owns.
class TestUserContext : public sdk::UserContext {
 public:
  explicit TestUserContext(boost::asio::io_context& io) : io_(io) {}
  sdk::HttpClient& http() override { return http_; }
  sdk::StatsRecorder& stats() override { return stats_; }
  sdk::Rng& rng() override { return rng_; }
  std::uint64_t userId() const override { return 1; }
  const std::string& userClass() const override { return user_class_; }
  const sdk::RunSettings& settings() const override { return settings_; }
  boost::asio::any_io_executor executor() override { return io_.get_executor(); }
  bool stopping() const override { return false; }
  boost::asio::awaitable<void> sleep(std::chrono::microseconds duration) override {
    boost::asio::steady_timer timer(io_, duration);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  void spawnBackground(std::string, boost::asio::awaitable<void> work) override {
    boost::asio::co_spawn(io_, std::move(work), boost::asio::detached);
  }
  void publishChange(const sdk::DnsChange& change) override { changes.push_back(change); }

  std::vector<sdk::DnsChange> changes;  ///< every change published through this context

  RecordingStats& recorded() { return stats_; }

 private:
  boost::asio::io_context& io_;
  UnusedHttpClient http_;
  RecordingStats stats_;
  sdk::Rng rng_{42};
  std::string user_class_ = "test_good.ticker";
  sdk::RunSettings settings_;
};

}  // namespace accurate::plugin::testing
