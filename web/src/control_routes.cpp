#include "api_json.hpp"
#include "responses.hpp"
#include "routes.hpp"
#include "swarm_request.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <memory>
#include <mutex>

namespace accurate::web {

namespace json = boost::json;

std::shared_ptr<const sdk::StatsSnapshot> snapshotOf(const RunControl& control) {
  std::shared_ptr<const sdk::StatsSnapshot> snapshot = control.snapshot();
  return snapshot ? snapshot : std::make_shared<const sdk::StatsSnapshot>();
}

namespace {

/// The /swarm input of @p request by its Content-Type.
Parsed<SwarmRequest> swarmInput(const httplib::Request& request) {
  std::string type = request.get_header_value("Content-Type");
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (type.starts_with("application/json")) return swarmFromJson(request.body);
  if (type.starts_with("application/x-www-form-urlencoded")) {
    Parsed<FormFields> fields = parseUrlEncoded(request.body);
    if (!fields) return fields.error();
    return swarmFromFields(*fields);
  }
  if (type.starts_with("multipart/form-data")) {
    FormFields fields;
    for (const auto& [name, part] : request.files) fields.emplace(name, part.content);
    return swarmFromFields(fields);
  }
  if (type.empty() && request.body.empty()) return swarmFromFields({});
  return std::string(
      "Content-Type: must be application/x-www-form-urlencoded, multipart/form-data or application/json");
}

void swarm(RunControl& control, const httplib::Request& request, httplib::Response& response) {
  Parsed<SwarmRequest> input = swarmInput(request);
  if (!input) {
    sendError(response, 400, input.error());
    return;
  }
  const ControlResult result = control.swarm(*input);
  const std::string host = input->host ? *input->host : control.info().host;
  if (!result.accepted) {
    json::object body = errorJson(result.message.empty() ? "refused" : result.message);
    body["host"] = host;
    sendJson(response, body, 409);
    return;
  }
  json::object body{{"success", true}, {"message", "Swarming started"}, {"host", host}};
  if (!result.message.empty()) body["detail"] = result.message;
  if (input->run_time) body["run_time"] = static_cast<double>(input->run_time->count()) / 1000.0;
  sendJson(response, body);
}

/// requestsSnapshotJson() of the latest snapshot asked for, kept until a newer snapshot is asked for.
/// Threading: get() from any request thread.
class SnapshotJsonCache {
 public:
  /// The rows of @p snapshot (a copy the caller may extend).
  json::object get(const std::shared_ptr<const sdk::StatsSnapshot>& snapshot) {
    std::lock_guard lock(mutex_);
    if (snapshot != snapshot_) {
      json_ = requestsSnapshotJson(*snapshot);
      snapshot_ = snapshot;
    }
    return json_;
  }

 private:
  std::mutex mutex_;                                   ///< guards the fields below
  std::shared_ptr<const sdk::StatsSnapshot> snapshot_; ///< the snapshot json_ was built from
  json::object json_;                                  ///< its rows, errors, rates and counters
};

}  // namespace

void addControlRoutes(Router& router, RouteContext& context) {
  RunControl& control = context.control;
  const UiInfo& ui = context.ui;

  router.add({"GET"}, "/info", [&ui](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
    sendJson(response, infoJson(ui));
  });

  router.add(
      {"POST"}, "/swarm",
      [&control](const httplib::Request& request, httplib::Response& response, const RouteCaptures&) {
        swarm(control, request, response);
      },
      RouteKind::state_changing);

  router.add(
      {"GET", "POST"}, "/stop",
      [&control](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
        const ControlResult result = control.stop();
        if (!result.accepted) {
          sendError(response, 409, result.message.empty() ? "refused" : result.message);
          return;
        }
        sendJson(response, json::object{{"success", true}, {"message", "Test stopped"}});
      },
      RouteKind::state_changing);

  router.add(
      {"GET", "POST"}, "/stats/reset",
      [&control](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
        const ControlResult result = control.resetStats();
        if (!result.accepted) {
          sendError(response, 409, result.message.empty() ? "refused" : result.message);
          return;
        }
        response.set_content("ok", "text/plain; charset=utf-8");
      },
      RouteKind::state_changing);

  router.add({"GET"}, "/status",
             [&control](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               sendJson(response, statusJson(control.info()));
             });

  // Every client polling /stats/requests gets the same rows until the next snapshot (about 1 s): their
  // percentiles are computed once per snapshot, not once per request.
  auto cache = std::make_shared<SnapshotJsonCache>();
  router.add({"GET"}, "/stats/requests",
             [&control, cache](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               const RunInfo run = control.info();
               const auto snapshot = snapshotOf(control);
               boost::json::object out = cache->get(snapshot);
               addRunFields(out, *snapshot, run);
               sendJson(response, out);
             });

  router.add({"GET"}, "/stats/history",
             [&control](const httplib::Request& request, httplib::Response& response, const RouteCaptures&) {
               std::optional<double> since;
               if (request.has_param("since")) {
                 const std::string text = request.get_param_value("since");
                 double value = 0;
                 const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
                 if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
                   sendError(response, 400, "since: must be a number (epoch seconds)");
                   return;
                 }
                 since = value;
               }
               sendJson(response, historyJson(*snapshotOf(control), since));
             });

  router.add({"GET"}, "/exceptions",
             [&control](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
               sendJson(response, exceptionsJson(*snapshotOf(control)));
             });
}

}  // namespace accurate::web
