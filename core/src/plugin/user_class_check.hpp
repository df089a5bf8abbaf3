#pragma once
/// @file user_class_check.hpp
/// Validation of a UserClassSpec a plugin registers, and binding of its functions to the plugin's library.

#include "plugin/library_binding.hpp"

#include <accurate/sdk/task.hpp>

#include <string>

namespace accurate::plugin {

/// Checks @p spec: a non-empty name; a finite class weight >= 0; a valid wait; a make_tasks function; every task
/// node named, with a finite weight >= 0, and either a leaf (a function, no children) or a non-empty group (no
/// function); at least one top-level task with a positive weight, and in every group of positive weight at
/// least one member with a positive weight. Throws sdk::ConfigError `plugin '<plugin>': user class '<name>':
/// <reason>`. Does not check uniqueness of the name.
ACCURATE_API void checkUserClass(const std::string& plugin, const sdk::UserClassSpec& spec);

/// Replaces every function of @p spec (make_tasks and each task's run) by one bound to @p library.
ACCURATE_API void bindUserClass(const LibraryPtr& library, sdk::UserClassSpec& spec);

}  // namespace accurate::plugin
