#pragma once
// Shared helpers of the simulator core tests: a Simulator driven with an explicit clock, request shortcuts and
// JSON access.

#include "core/simulator.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accurate::designate_sim::testing {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

/// Options with fixed (not ranged) delays so timings are exact in tests.
inline SimOptions fixedOptions() {
  SimOptions options;
  options.active_delay = {5000ms, 5000ms};
  options.zone_delete_delay = {5000ms, 5000ms};
  options.import_delay = {500ms, 500ms};
  options.propagation_delay = 300ms;
  return options;
}

/// A simulator and a clock the test moves by hand.
class SimFixture : public ::testing::Test {
 protected:
  explicit SimFixture(SimOptions options = fixedOptions()) : options_(std::move(options)) { reset(); }

  void reset() { sim_ = std::make_unique<Simulator>(options_); }
  void reset(SimOptions options) {
    options_ = std::move(options);
    reset();
  }

  /// Moves the clock forward.
  void advance(std::chrono::milliseconds by) { now_ += by; }

  SimResponse request(std::string method, std::string target, std::string body = {}, Headers headers = {}) {
    SimRequest r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.body = std::move(body);
    r.headers = std::move(headers);
    bool has_host = false;
    for (const auto& [k, v] : r.headers) has_host = has_host || k == "Host";
    if (!has_host) r.headers.emplace_back("Host", "sim.test:9001");
    return sim_->handle(r, now_);
  }
  SimResponse get(std::string target, Headers headers = {}) {
    return request("GET", std::move(target), {}, std::move(headers));
  }
  SimResponse sendJson(std::string method, std::string target, std::string body, Headers headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    return request(std::move(method), std::move(target), std::move(body), std::move(headers));
  }
  SimResponse post(std::string target, std::string body, Headers headers = {}) {
    return sendJson("POST", std::move(target), std::move(body), std::move(headers));
  }
  SimResponse patch(std::string target, std::string body, Headers headers = {}) {
    return sendJson("PATCH", std::move(target), std::move(body), std::move(headers));
  }
  SimResponse put(std::string target, std::string body, Headers headers = {}) {
    return sendJson("PUT", std::move(target), std::move(body), std::move(headers));
  }
  SimResponse del(std::string target, Headers headers = {}) {
    return request("DELETE", std::move(target), {}, std::move(headers));
  }

  /// Creates zone @p name (202 expected) in @p project and returns its id.
  std::string createZone(const std::string& name, const std::string& project = "noauth-project",
                         int ttl = 3600) {
    const SimResponse r = post("/v2/zones",
                               R"({"name": ")" + name + R"(", "email": "admin@)" + name.substr(0, name.size() - 1) +
                                   R"(", "ttl": )" + std::to_string(ttl) + "}",
                               {{"X-Auth-Project-ID", project}});
    EXPECT_EQ(r.status, 202u) << r.body;
    return str(r, "id");
  }

  /// Creates an A recordset (202 expected) and returns its id.
  std::string createA(const std::string& zone_id, const std::string& name, const std::string& ip,
                      const std::string& project = "noauth-project") {
    const SimResponse r = post("/v2/zones/" + zone_id + "/recordsets",
                               R"({"name": ")" + name + R"(", "type": "A", "records": [")" + ip + R"("]})",
                               {{"X-Auth-Project-ID", project}});
    EXPECT_EQ(r.status, 202u) << r.body;
    return str(r, "id");
  }

  static boost::json::value json(const SimResponse& r) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    EXPECT_FALSE(ec) << "not JSON: " << r.body;
    return v;
  }
  static std::string str(const SimResponse& r, const char* key) {
    const auto v = json(r);
    if (!v.is_object() || !v.as_object().contains(key) || !v.as_object().at(key).is_string()) return {};
    return std::string(v.as_object().at(key).as_string());
  }
  static std::optional<std::string> header(const SimResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return std::nullopt;
  }
  /// The text of a JSON string value ("<not a string>" otherwise).
  static std::string text(const boost::json::value& v) {
    return v.is_string() ? std::string(v.get_string()) : std::string("<not a string: ") + boost::json::serialize(v) + ">";
  }
  /// The error type of an error body.
  static std::string errorType(const SimResponse& r) { return str(r, "type"); }
  static std::string errorMessage(const SimResponse& r) { return str(r, "message"); }

  SimOptions options_;
  std::unique_ptr<Simulator> sim_;
  TimePoint now_ = TimePoint(std::chrono::seconds(1795599773));  // 2026-11-25T09:42:53Z
};

}  // namespace accurate::designate_sim::testing
