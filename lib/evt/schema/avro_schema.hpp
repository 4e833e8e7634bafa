#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace evt::schema {

// Avro's types (logical types resolve to their underlying type).
enum class AvroType {
  null,
  boolean,
  int_,
  long_,
  float_,
  double_,
  bytes,
  string,
  record,
  enumeration,
  array,
  map,
  fixed,
  union_
};

struct AvroNode;

// A record field.
struct AvroField {
  std::string name;
  const AvroNode* type = nullptr;
  std::optional<nlohmann::json> default_value;
  std::vector<std::string> aliases;
  std::size_t position = 0;
};

// One Avro schema node; named types (record, enum, fixed) are shared by
// every reference to their name, so recursive records form cycles.
struct AvroNode {
  AvroType type = AvroType::null;
  std::string name;                  // unqualified
  std::string full_name;             // namespace.name
  std::vector<std::string> aliases;  // full names
  std::vector<AvroField> fields;
  std::vector<std::string> symbols;
  std::unordered_set<std::string> symbol_index;  // symbols, for lookups in constant time
  std::optional<std::string> enum_default;
  const AvroNode* items = nullptr;   // array
  const AvroNode* values = nullptr;  // map
  std::vector<const AvroNode*> branches;
  std::int64_t size = 0;  // fixed
};

// A parsed Avro schema; owns its nodes.
class AvroSchema {
 public:
  const AvroNode* root() const { return m_root; }

 private:
  friend class AvroParser;
  std::deque<AvroNode> m_nodes;
  const AvroNode* m_root = nullptr;
};

// Avro's name for a type ("int", "record", …), as its Java checker prints it in upper case.
std::string avro_type_name(AvroType type);

// Parses an Avro schema (JSON form). Throws evt::Error (exit 2) naming
// `origin` on unknown type names, malformed definitions or invalid defaults.
std::shared_ptr<AvroSchema> parse_avro_schema(const nlohmann::json& document,
                                              const std::string& origin = "schema",
                                              std::size_t max_depth = 1000);

// Reads and parses an .avsc file (same errors, plus unreadable files).
std::shared_ptr<AvroSchema> load_avro_schema_file(const std::filesystem::path& file);

// True when the document looks like Avro rather than JSON Schema.
bool looks_like_avro(const nlohmann::json& document);

}  // namespace evt::schema
