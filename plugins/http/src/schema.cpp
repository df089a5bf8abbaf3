#include "schema.hpp"

#include <accurate/sdk/config.hpp>
#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace accurate::http_plugin {
namespace {

using boost::json::object;
using boost::json::value;
using std::chrono::microseconds;

constexpr std::size_t kMaxDepth = 16;

[[noreturn]] void refuse(const std::string& where, const std::string& reason) { throw sdk::ConfigError(where, reason); }

std::string at(const std::string& where, std::string_view key) { return fmt::format("{}.{}", where, key); }
std::string at(const std::string& where, std::size_t index) { return fmt::format("{}[{}]", where, index); }

bool tokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool sameHeader(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string method(const value& input, const std::string& where) {
  std::string text = sdk::requireString(input, where, false);
  for (char& c : text) {
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      refuse(where, fmt::format("expected an HTTP method such as \"GET\", got {}", sdk::describeJson(input)));
    }
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

Template path(const value& input, const std::string& where) {
  const std::string text = sdk::requireString(input, where, false);
  if (!text.starts_with("/") && !text.starts_with("http://") && !text.starts_with("https://")) {
    refuse(where, fmt::format("expected a path starting with / or an http(s):// URL, got {}", sdk::describeJson(input)));
  }
  return Template::parse(text, where);
}

// Headers of @p input (an object of strings) replacing same-named ones in @p headers.
void mergeHeaders(const value& input, const std::string& where, std::vector<std::pair<std::string, Template>>& headers) {
  for (const auto& entry : sdk::requireObject(input, where)) {
    const std::string name(entry.key());
    const std::string here = at(where, name);
    if (name.empty() || !std::all_of(name.begin(), name.end(), tokenChar)) {
      refuse(here, "invalid header name");
    }
    Template header_value = Template::parse(sdk::requireString(entry.value(), here), here);
    const auto same = std::find_if(headers.begin(), headers.end(), [&](const auto& h) { return sameHeader(h.first, name); });
    if (same != headers.end()) {
      same->second = std::move(header_value);
    } else {
      headers.emplace_back(name, std::move(header_value));
    }
  }
}

std::vector<unsigned> statuses(const value& input, const std::string& where) {
  std::vector<unsigned> out;
  if (input.is_array()) {
    const auto& items = input.get_array();
    if (items.empty()) refuse(where, "expected at least one status");
    for (std::size_t i = 0; i < items.size(); ++i) {
      out.push_back(static_cast<unsigned>(sdk::requireInteger(items[i], at(where, i), 100, 599)));
    }
  } else {
    out.push_back(static_cast<unsigned>(sdk::requireInteger(input, where, 100, 599)));
  }
  return out;
}

double weight(const object& node, const std::string& where) {
  const value* input = node.if_contains("weight");
  return input ? sdk::requireNumber(*input, at(where, "weight")) : 1.0;
}

std::vector<TaskDef> tasks(const value& input, const std::string& where,
                           const std::vector<std::pair<std::string, Template>>& class_headers, std::size_t depth);

TaskDef task(const value& input, const std::string& where,
             const std::vector<std::pair<std::string, Template>>& class_headers, std::size_t depth) {
  const object& node = sdk::requireObject(input, where);
  TaskDef def;
  def.weight = weight(node, where);
  if (node.contains("tasks")) {
    sdk::rejectUnknownKeys(node, where, {"name", "weight", "tasks"});
    if (!node.contains("name")) refuse(where, "a group needs a \"name\"");
    def.name = sdk::requireString(node.at("name"), at(where, "name"), false);
    if (depth >= kMaxDepth) refuse(where, fmt::format("groups are nested more than {} levels deep", kMaxDepth));
    def.children = tasks(node.at("tasks"), at(where, "tasks"), class_headers, depth + 1);
    return def;
  }
  sdk::rejectUnknownKeys(node, where, {"name", "weight", "method", "path", "headers", "body", "expect_status",
                                       "expect_body_contains", "stats_name", "timeout"});
  if (!node.contains("path")) refuse(where, "needs either \"path\" (a request) or \"tasks\" (a group)");
  auto request = std::make_shared<RequestDef>();
  if (const value* m = node.if_contains("method")) request->method = method(*m, at(where, "method"));
  request->target = path(node.at("path"), at(where, "path"));
  request->headers = class_headers;
  if (const value* h = node.if_contains("headers")) mergeHeaders(*h, at(where, "headers"), request->headers);
  if (const value* b = node.if_contains("body")) {
    request->body = Template::parse(sdk::requireString(*b, at(where, "body")), at(where, "body"));
  }
  if (const value* s = node.if_contains("expect_status")) request->expect_status = statuses(*s, at(where, "expect_status"));
  if (const value* c = node.if_contains("expect_body_contains")) {
    request->expect_body_contains = sdk::requireString(*c, at(where, "expect_body_contains"), false);
  }
  if (const value* n = node.if_contains("stats_name")) {
    request->stats_name = sdk::requireString(*n, at(where, "stats_name"), false);
  } else if (!request->target.constant()) {
    request->stats_name = request->target.source();  // one stats entry per template, not per expansion
  }
  if (const value* t = node.if_contains("timeout")) {
    request->timeout = sdk::requireDuration(*t, at(where, "timeout"));
    if (request->timeout->count() <= 0) refuse(at(where, "timeout"), "must be longer than 0ms");
  }
  def.name = node.contains("name") ? sdk::requireString(node.at("name"), at(where, "name"), false)
                                   : request->method + " " + request->target.source();
  def.request = std::move(request);
  return def;
}

std::vector<TaskDef> tasks(const value& input, const std::string& where,
                           const std::vector<std::pair<std::string, Template>>& class_headers, std::size_t depth) {
  const auto& items = sdk::requireArray(input, where);
  if (items.empty()) refuse(where, "expected at least one task");
  std::vector<TaskDef> out;
  for (std::size_t i = 0; i < items.size(); ++i) out.push_back(task(items[i], at(where, i), class_headers, depth));
  if (std::none_of(out.begin(), out.end(), [](const TaskDef& t) { return t.weight > 0; })) {
    refuse(where, "needs at least one task with a positive weight");
  }
  return out;
}

UserClassDef userClass(const value& input, const std::string& where) {
  const object& node = sdk::requireObject(input, where);
  sdk::rejectUnknownKeys(node, where, {"name", "weight", "fixed_count", "wait", "headers", "tasks"});
  UserClassDef def;
  if (!node.contains("name")) refuse(where, "a user class needs a \"name\"");
  def.name = sdk::requireString(node.at("name"), at(where, "name"), false);
  if (!std::all_of(def.name.begin(), def.name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; })) {
    refuse(at(where, "name"), fmt::format("expected letters, digits, '_', '-' or '.', got {}", sdk::describeJson(node.at("name"))));
  }
  def.weight = weight(node, where);
  if (const value* f = node.if_contains("fixed_count")) {
    def.fixed_count = static_cast<std::uint32_t>(
        sdk::requireInteger(*f, at(where, "fixed_count"), 0, std::numeric_limits<std::uint32_t>::max()));
  }
  if (const value* w = node.if_contains("wait")) def.wait = parseWait(*w, at(where, "wait"));
  std::vector<std::pair<std::string, Template>> headers;
  if (const value* h = node.if_contains("headers")) mergeHeaders(*h, at(where, "headers"), headers);
  if (!node.contains("tasks")) refuse(where, "a user class needs \"tasks\"");
  def.tasks = tasks(node.at("tasks"), at(where, "tasks"), headers, 0);
  return def;
}

microseconds micros(std::chrono::milliseconds ms) { return std::chrono::duration_cast<microseconds>(ms); }

}  // namespace

sdk::WaitTime parseWait(const value& input, const std::string& where) {
  static constexpr std::string_view kExpected =
      "expected \"none\", {\"between\": [MIN, MAX]}, {\"constant\": T}, {\"pacing\": T} or {\"throughput\": N}";
  if (input.is_string() && input.get_string() == "none") return {};
  if (!input.is_object() || input.get_object().size() != 1) {
    refuse(where, fmt::format("{}, got {}", kExpected, sdk::describeJson(input)));
  }
  const auto& [key, spec] = *input.get_object().begin();
  sdk::rejectUnknownKeys(input.get_object(), where, {"between", "constant", "pacing", "throughput"});
  const std::string here = at(where, key);
  if (key == "between") {
    const auto& bounds = sdk::requireArray(spec, here);
    if (bounds.size() != 2) refuse(here, fmt::format("expected [MIN, MAX], got {}", sdk::describeJson(spec)));
    const auto low = sdk::requireDuration(bounds[0], at(here, std::size_t{0}));
    const auto high = sdk::requireDuration(bounds[1], at(here, std::size_t{1}));
    if (low > high) refuse(here, "the minimum exceeds the maximum");
    return sdk::WaitTime::between(micros(low), micros(high));
  }
  if (key == "constant") return sdk::WaitTime::constant(micros(sdk::requireDuration(spec, here)));
  if (key == "pacing") {
    const auto period = sdk::requireDuration(spec, here);
    if (period.count() <= 0) refuse(here, "must be longer than 0ms");
    return sdk::WaitTime::pacing(micros(period));
  }
  return sdk::WaitTime::throughput(sdk::requireNumber(spec, here, 0, true));
}

std::vector<UserClassDef> parseSection(const object& section) {
  const std::string root = "$.http";
  sdk::rejectUnknownKeys(section, root, {"user_classes", "path"});
  const value* classes = section.if_contains("user_classes");
  const bool configured = classes != nullptr && !(classes->is_array() && classes->get_array().empty());
  if (!configured) {
    RequestDef request;
    const value* p = section.if_contains("path");
    request.target = p ? path(*p, at(root, "path")) : Template::parse("/", at(root, "path"));
    if (!request.target.constant()) request.stats_name = request.target.source();
    UserClassDef def;
    def.name = "get";
    def.tasks.push_back(TaskDef{"GET " + request.target.source(), 1, std::make_shared<RequestDef>(std::move(request)), {}});
    return {std::move(def)};
  }
  if (section.contains("path")) {
    refuse(at(root, "path"), "only applies to the default class (when no user_classes are configured)");
  }
  const std::string where = at(root, "user_classes");
  const auto& items = sdk::requireArray(*classes, where);
  std::vector<UserClassDef> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    UserClassDef def = userClass(items[i], at(where, i));
    const bool taken = std::any_of(out.begin(), out.end(), [&](const UserClassDef& c) { return c.name == def.name; });
    if (taken) refuse(at(at(where, i), "name"), fmt::format("user class \"{}\" is defined twice", def.name));
    out.push_back(std::move(def));
  }
  return out;
}

}  // namespace accurate::http_plugin
