#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "evt/names.hpp"
#include "evt/schema/avro_schema.hpp"
#include "evt/schema/json_schema_compat.hpp"
#include "evt/schema/json_schema_model.hpp"

namespace evt::schema {

// The schema language of a file.
enum class SchemaFormat { auto_detect, json_schema, avro };

// Confluent Schema Registry's compatibility modes.
enum class CompatMode {
  none,
  backward,
  forward,
  full,
  backward_transitive,
  forward_transitive,
  full_transitive
};

// The names of --mode (Confluent's, matched case-insensitively), backward first.
inline constexpr auto k_compat_modes =
    make_name_table<CompatMode>({{"backward", CompatMode::backward},
                                 {"forward", CompatMode::forward},
                                 {"full", CompatMode::full},
                                 {"backward_transitive", CompatMode::backward_transitive},
                                 {"forward_transitive", CompatMode::forward_transitive},
                                 {"full_transitive", CompatMode::full_transitive},
                                 {"none", CompatMode::none}});

// The names of --format; "jsonschema" and friends are aliases of "json".
inline constexpr auto k_schema_formats =
    make_name_table<SchemaFormat>({{"auto", SchemaFormat::auto_detect},
                                   {"json", SchemaFormat::json_schema},
                                   {"avro", SchemaFormat::avro},
                                   {"jsonschema", SchemaFormat::json_schema, true},
                                   {"json-schema", SchemaFormat::json_schema, true},
                                   {"json_schema", SchemaFormat::json_schema, true}});

// The names of --policy.
inline constexpr auto k_policies =
    make_name_table<Policy>({{"strict", Policy::strict}, {"lenient", Policy::lenient}});

// Parses a name of k_compat_modes ("backward", "FULL_TRANSITIVE", …); nullopt if unknown.
std::optional<CompatMode> parse_compat_mode(const std::string& text);
std::string compat_mode_name(CompatMode mode);

// Parses a name of k_schema_formats; nullopt if unknown.
std::optional<SchemaFormat> parse_schema_format(const std::string& text);

// Parses a name of k_policies; nullopt if unknown.
std::optional<Policy> parse_policy(const std::string& text);

// A schema file, loaded in its own format.
struct LoadedSchema {
  std::filesystem::path file;
  SchemaFormat format = SchemaFormat::json_schema;
  std::shared_ptr<JsonSchemaGraph> json;
  std::shared_ptr<AvroSchema> avro;
};

// Loads a schema file; `format` auto decides by extension (.avsc → Avro)
// and content. Throws evt::Error (exit 2) when the file is unreadable.
LoadedSchema load_schema(const std::filesystem::path& file, SchemaFormat format = SchemaFormat::auto_detect);

// One incompatibility (or one ignored one) between two versions.
struct Finding {
  std::string file;       // the version being checked (the newer one)
  std::string against;    // the version it was checked against
  std::string direction;  // "backward" (new reads old) or "forward" (old reads new)
  std::string rule;       // Confluent difference type or Avro incompatibility type
  std::string location;   // JSON pointer
  std::string message;
  std::string hint;             // what to do about it, may be empty
  std::string ignored_because;  // non-empty when an ignore entry matched
};

// Every breaking change between `older` and `newer` in `direction`
// ("backward": newer must read data written with older; "forward": older
// must read data written with newer). Both must share a format.
std::vector<Finding> check_pair(const LoadedSchema& older, const LoadedSchema& newer,
                                const std::string& direction, Policy policy);

// Checks the last of `versions` (oldest first) against the earlier ones
// as `mode` requires: the latest only, or all of them for *_transitive.
std::vector<Finding> check_latest(const std::vector<LoadedSchema>& versions, CompatMode mode, Policy policy);

// A human explanation and a suggested fix for a rule, given the direction.
struct RuleAdvice {
  std::string message;
  std::string hint;
};
RuleAdvice advice_for(const std::string& rule, const std::string& direction);

}  // namespace evt::schema
