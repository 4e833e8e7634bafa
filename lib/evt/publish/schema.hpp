#pragma once
// Which JSON Schema `evt publish` checks an event against: one file for
// every event (--schema FILE), or, in a schema repository (--schema-dir
// DIR, one folder per subject holding v1.json, v2.json, …), the latest
// version of the subject named after the event type.

#include "evt/schema/fast_validate.hpp"
#include "evt/schema/validate.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace evt::publish {

// One schema, compiled twice: a pass/fail check over RapidJSON for the
// hot path, and the nlohmann-based validator that names what is wrong.
struct SchemaCheck {
  schema::EventValidator full;
  schema::FastEventValidator fast;
  static SchemaCheck from_file(const std::filesystem::path& file);
};

// Finds and caches the validator for an event type.
class SchemaSelector {
 public:
  // One schema for every event; throws evt::Error (exit 2) when unusable.
  static SchemaSelector from_file(const std::filesystem::path& file);
  // A schema repository; throws UsageError when `dir` is not a directory.
  static SchemaSelector from_directory(const std::filesystem::path& dir);

  // The validator for events of `type` (ignored for a single file), or
  // nullptr with `why` set when there is none: no type, no such subject,
  // or a latest version that is not a JSON Schema. Throws evt::Error
  // (exit 2) when a schema file exists but cannot be used.
  const SchemaCheck* find(const std::string& type, std::string& why);

  // The schema file a type resolves to (for messages and checks up front).
  std::optional<std::filesystem::path> schema_file_for(const std::string& type) const;

 private:
  std::optional<SchemaCheck> m_single;
  std::filesystem::path m_dir;
  std::map<std::string, std::unique_ptr<SchemaCheck>> m_cache;  // null: none
  std::map<std::string, std::string> m_missing;                 // type → why
};

}  // namespace evt::publish
