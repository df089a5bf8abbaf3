#pragma once
/// @file locust_fixture.hpp
/// Reads the captures tests/fixtures/locust/generate.py recorded from the real Locust 2.12.1 (one ZeroMQ
/// message per jsonl line).

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace accurate::cluster::testing {

/// One captured message.
struct CapturedMessage {
  std::string dir;                  ///< "W->M" or "M->W"
  std::string type;                 ///< the message type Python decoded
  std::vector<std::string> frames;  ///< raw frames as the capturing socket saw them (ROUTER: identity first)
  /// The msgpack payload (the last frame).
  const std::string& payload() const { return frames.back(); }
};

/// The bytes of hex text @p hex.
inline std::string fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::invalid_argument("bad hex digit");
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return out;
}

/// The text of fixture file tests/fixtures/locust/@p name.
inline std::string readLocustFixture(const std::string& name) {
  const std::string path = std::string(ACCURATE_TEST_FIXTURE_DIR) + "/locust/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open fixture " + path + " (run tests/fixtures/locust/generate.py)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Every message of capture @p name (worker_2_12_1.jsonl or master_2_12_1.jsonl).
inline std::vector<CapturedMessage> loadCapture(const std::string& name) {
  std::istringstream lines(readLocustFixture(name));
  std::vector<CapturedMessage> out;
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const boost::json::object o = boost::json::parse(line).as_object();
    CapturedMessage m;
    m.dir = std::string(o.at("dir").as_string());
    m.type = std::string(o.at("type").as_string());
    for (const auto& f : o.at("frames_hex").as_array()) m.frames.push_back(fromHex(f.as_string()));
    out.push_back(std::move(m));
  }
  return out;
}

/// The captured messages of type @p type going in direction @p dir.
inline std::vector<CapturedMessage> messagesOf(const std::vector<CapturedMessage>& all, std::string_view dir,
                                               std::string_view type) {
  std::vector<CapturedMessage> out;
  for (const auto& m : all) {
    if (m.dir == dir && m.type == type) out.push_back(m);
  }
  return out;
}

}  // namespace accurate::cluster::testing
