#include "plugin/user_class_check.hpp"

#include <accurate/sdk/errors.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace accurate::plugin {
namespace {

/// Throws the ConfigError for @p spec with @p reason.
struct Refuse {
  const std::string& plugin;      ///< plugin name for the message
  const sdk::UserClassSpec& spec; ///< the class being checked

  [[noreturn]] void operator()(const std::string& reason) const {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': user class '{}': {}", plugin, spec.name, reason));
  }
};

bool validWeight(double weight) { return std::isfinite(weight) && weight >= 0; }

bool anyPositive(const std::vector<sdk::TaskSpec>& tasks) {
  return std::any_of(tasks.begin(), tasks.end(), [](const sdk::TaskSpec& t) { return t.weight > 0; });
}

void checkTasks(const std::vector<sdk::TaskSpec>& tasks, const Refuse& refuse, unsigned depth) {
  if (depth > 32) {
    refuse("task groups are nested more than 32 levels deep");
  }
  for (const auto& task : tasks) {
    if (task.name.empty()) {
      refuse("a task has an empty name");
    }
    if (!validWeight(task.weight)) {
      refuse(fmt::format("task '{}' has weight {}, expected a number >= 0", task.name, task.weight));
    }
    if (task.run && !task.children.empty()) {
      refuse(fmt::format("task '{}' has both a function and children (a node is a task or a group)", task.name));
    }
    if (!task.run && task.children.empty()) {
      refuse(fmt::format("group '{}' is empty (and has no function)", task.name));
    }
    if (!task.children.empty()) {
      checkTasks(task.children, refuse, depth + 1);
      if (task.weight > 0 && !anyPositive(task.children)) {
        refuse(fmt::format("group '{}' has no member with a positive weight", task.name));
      }
    }
  }
}

void checkWait(const sdk::WaitTime& wait, const Refuse& refuse) {
  using Kind = sdk::WaitTime::Kind;
  if (wait.min.count() < 0 || wait.max.count() < 0) {
    refuse("wait time is negative");
  }
  switch (wait.kind) {
    case Kind::kBetween:
      if (wait.min > wait.max) {
        refuse(fmt::format("wait between {} and {} µs: the minimum exceeds the maximum", wait.min.count(),
                           wait.max.count()));
      }
      break;
    case Kind::kPacing:
      if (wait.min.count() <= 0) {
        refuse("pacing period must be positive");
      }
      break;
    case Kind::kThroughput:
      if (!std::isfinite(wait.per_second) || wait.per_second <= 0) {
        refuse(fmt::format("throughput {} per second must be a positive number", wait.per_second));
      }
      break;
    case Kind::kNone:
    case Kind::kConstant:
      break;
  }
}

void bindTasks(const LibraryPtr& library, std::vector<sdk::TaskSpec>& tasks) {
  for (auto& task : tasks) {
    task.run = bindToLibrary(library, std::move(task.run));
    bindTasks(library, task.children);
  }
}

}  // namespace

void checkUserClass(const std::string& plugin, const sdk::UserClassSpec& spec) {
  const Refuse refuse{plugin, spec};
  if (spec.name.empty()) {
    throw sdk::ConfigError({}, fmt::format("plugin '{}': a user class has an empty name", plugin));
  }
  if (!validWeight(spec.weight)) {
    refuse(fmt::format("weight {} must be a number >= 0", spec.weight));
  }
  checkWait(spec.wait, refuse);
  if (!spec.make_tasks) {
    refuse("make_tasks is not set");
  }
  if (spec.tasks.empty()) {
    refuse("has no tasks");
  }
  checkTasks(spec.tasks, refuse, 0);
  if (!anyPositive(spec.tasks)) {
    refuse("has no task with a positive weight");
  }
}

void bindUserClass(const LibraryPtr& library, sdk::UserClassSpec& spec) {
  spec.make_tasks = bindToLibrary(library, std::move(spec.make_tasks));
  bindTasks(library, spec.tasks);
}

}  // namespace accurate::plugin
