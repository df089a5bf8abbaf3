#pragma once
/// @file schema.hpp
/// The `http` config section: user classes of weighted (possibly nested) request tasks, parsed and checked
/// once at configure time. Every error names the JSON path, e.g.
/// `$.http.user_classes[0].tasks[1].weight: expected a non-negative number, got -1`.

#include "template.hpp"

#include <accurate/sdk/task.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace accurate::http_plugin {

/// One HTTP request task, ready to expand.
struct RequestDef {
  std::string method = "GET";                             ///< request method, upper case
  Template target;                                        ///< path (or absolute URL) template
  std::vector<std::pair<std::string, Template>> headers;  ///< class headers overridden by task headers
  std::optional<Template> body;                           ///< body template, when the task has one
  std::vector<unsigned> expect_status;                    ///< accepted statuses; empty = any below 400
  std::string expect_body_contains;                       ///< text the body must contain; "" = no check
  std::string stats_name;                                 ///< stats entry name; "" = the expanded path
  std::optional<std::chrono::milliseconds> timeout;       ///< request timeout; none = the run's default
};

/// A node of a class's task tree: a request, or a weighted group.
struct TaskDef {
  std::string name;                          ///< task name (logs, reports)
  double weight = 1;                         ///< relative weight among siblings (>= 0)
  std::shared_ptr<const RequestDef> request; ///< the request of a leaf; null for a group
  std::vector<TaskDef> children;             ///< a group's members
};

/// One user class of the section.
struct UserClassDef {
  std::string name;                          ///< class name without the "http." prefix
  double weight = 1;                         ///< relative share of the users
  std::optional<std::uint32_t> fixed_count;  ///< exact user count, when set
  sdk::WaitTime wait;                        ///< wait between tasks
  std::vector<TaskDef> tasks;                ///< weighted top-level tasks
};

/// Parses the plugin's section. Without `user_classes` (or with an empty list) the result is the single
/// class "get" requesting `GET <path>` (section key `path`, default "/").
/// @throws sdk::ConfigError naming the JSON path under `$.http`.
std::vector<UserClassDef> parseSection(const boost::json::object& section);

/// Parses a wait specification: "none", {"between": [MIN, MAX]}, {"constant": T}, {"pacing": T} or
/// {"throughput": N}. @throws sdk::ConfigError naming @p where.
sdk::WaitTime parseWait(const boost::json::value& value, const std::string& where);

}  // namespace accurate::http_plugin
