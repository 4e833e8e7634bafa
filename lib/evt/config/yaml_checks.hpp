#pragma once
// Internal to config/: the checks every part of the config file uses, with
// messages naming file, line and column.

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <string>

namespace evt::config {

// Throws UsageError "<file>:<line>:<col>: <what>".
[[noreturn]] void invalid(const std::filesystem::path& path, const YAML::Node& node, const std::string& what);

// A scalar's text; `what` names it in the error.
std::string scalar(const std::filesystem::path& path, const YAML::Node& node, const std::string& what);

// A mapping key as text; complex keys are refused.
std::string key_of(const std::filesystem::path& path, const YAML::Node& key);

// Refuses a second occurrence of `name` (yaml-cpp would keep both).
void check_unique(const std::filesystem::path& path, std::set<std::string>& seen, const YAML::Node& key,
                  const std::string& name, const std::string& where);

}  // namespace evt::config
