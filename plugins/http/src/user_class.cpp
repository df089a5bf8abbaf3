#include "user_class.hpp"

#include <fmt/format.h>

namespace accurate::http_plugin {
namespace {

// Clears HttpUserTasks::busy when the send ends, also on cancellation.
struct BusyGuard {
  bool& busy;  // the flag to clear
  ~BusyGuard() { busy = false; }
};

std::vector<sdk::TaskSpec> taskSpecs(const std::vector<TaskDef>& defs) {
  std::vector<sdk::TaskSpec> out;
  out.reserve(defs.size());
  for (const TaskDef& def : defs) {
    sdk::TaskSpec spec;
    spec.name = def.name;
    spec.weight = def.weight;
    if (def.request) {
      spec.run = [request = def.request](sdk::UserTasks& tasks, sdk::UserContext& context) {
        return runRequest(request, tasks, context);
      };
    } else {
      spec.children = taskSpecs(def.children);
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace

void buildRequest(const RequestDef& def, ExpandContext& context, sdk::HttpRequest& request) {
  request.method.assign(def.method);
  request.target.clear();
  def.target.appendTo(request.target, context);
  request.headers.resize(def.headers.size());
  for (std::size_t i = 0; i < def.headers.size(); ++i) {
    request.headers[i].first.assign(def.headers[i].first);
    request.headers[i].second.clear();
    def.headers[i].second.appendTo(request.headers[i].second, context);
  }
  request.body.clear();
  if (def.body) def.body->appendTo(request.body, context);
  request.name.assign(def.stats_name);
  request.expected_status.assign(def.expect_status.begin(), def.expect_status.end());
  if (def.expect_body_contains.empty()) {
    request.validate = nullptr;
  } else {
    request.validate = [needle = &def.expect_body_contains](const sdk::HttpResponse& response) -> std::string {
      if (response.body.find(*needle) != std::string::npos) return {};
      return fmt::format("body does not contain \"{}\"", *needle);
    };
  }
  request.timeout = def.timeout;
  request.keep_headers = false;
  request.keep_body = !def.expect_body_contains.empty();
  request.record = true;
}

boost::asio::awaitable<void> runRequest(std::shared_ptr<const RequestDef> def, sdk::UserTasks& tasks,
                                        sdk::UserContext& context) {
  auto& state = static_cast<HttpUserTasks&>(tasks);
  ExpandContext expand{context.rng(), context.userId(), ++state.counter};
  if (state.busy) {
    sdk::HttpRequest own;
    buildRequest(*def, expand, own);
    co_await context.http().send(own);
    co_return;
  }
  state.busy = true;
  const BusyGuard guard{state.busy};
  buildRequest(*def, expand, state.request);
  co_await context.http().send(state.request);
}

sdk::UserClassSpec makeUserClass(const UserClassDef& def) {
  sdk::UserClassSpec spec;
  spec.name = "http." + def.name;
  spec.weight = def.weight;
  spec.fixed_count = def.fixed_count;
  spec.wait = def.wait;
  spec.tasks = taskSpecs(def.tasks);
  spec.make_tasks = [](sdk::UserContext&) -> std::unique_ptr<sdk::UserTasks> { return std::make_unique<HttpUserTasks>(); };
  return spec;
}

}  // namespace accurate::http_plugin
