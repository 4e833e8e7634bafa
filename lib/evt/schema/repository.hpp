#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "evt/schema/compatibility.hpp"
#include "evt/schema/report.hpp"

namespace evt::schema {

// A breaking change a team decided to ship: findings with this rule and
// location (and version, when given) are reported as ignored.
struct IgnoreEntry {
  std::string rule;
  std::string location;
  std::string version;  // "v3.json" or "v3"; empty = any version
  std::string reason;
};

// A subject's settings, from the optional `subject.json` in its folder.
struct SubjectSettings {
  CompatMode mode = CompatMode::backward;
  Policy policy = Policy::strict;
  SchemaFormat format = SchemaFormat::auto_detect;
  std::vector<IgnoreEntry> ignores;
};

// How to check a schema repository.
struct RepositoryOptions {
  CompatMode default_mode = CompatMode::backward;  // for subjects without a setting
  Policy default_policy = Policy::strict;
  SchemaFormat format = SchemaFormat::auto_detect;
  std::string against;  // git revision; empty = check every version in order
};

// The name of the per-subject settings file.
inline constexpr const char* k_subject_settings_file = "subject.json";

// Parses a subject.json document; throws evt::Error (exit 2) naming `origin`.
SubjectSettings parse_subject_settings(const nlohmann::json& doc, const std::string& origin,
                                       const RepositoryOptions& defaults);

// Version files of a subject folder (v1.json, v2.avsc, …) in numeric order.
std::vector<std::filesystem::path> version_files(const std::filesystem::path& subject_dir);

// True when `dir` looks like a schema repository (has subject folders with
// version files) rather than a single subject or a schema file.
bool is_schema_repository(const std::filesystem::path& dir);

// Checks every subject under `dir` (one folder per subject). With
// `against`, only versions new since that git revision are checked, and
// edited or deleted published versions and deleted subjects are reported.
// Throws evt::Error (exit 2) when `dir` or the revision cannot be used.
CheckReport check_repository(const std::filesystem::path& dir, const RepositoryOptions& options);

}  // namespace evt::schema
