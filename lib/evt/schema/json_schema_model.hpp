#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace evt::schema {

// The JSON Schema dialect a document declares with "$schema" (draft 7 if absent).
enum class JsonDraft { draft4, draft6, draft7, draft2019_09, draft2020_12 };

// What a schema node constrains, modelled the way Confluent's checker sees it
// (one kind per node; keywords of several kinds become a synthetic allOf).
enum class NodeKind {
  empty,         // {} or a schema with only annotations
  true_schema,   // the boolean schema `true`
  false_schema,  // the boolean schema `false`
  string,
  number,
  boolean,
  null,
  object,
  array,
  enum_values,
  const_value,
  combined,
  not_schema,
};

// allOf / anyOf / oneOf.
enum class Criterion { all_of, any_of, one_of };

// One schema node. Deliberately a flat record: each kind uses its own group
// of fields, and the comparison reads them directly.
// Hashes a JSON value so that values equal under nlohmann's == (1 and 1.0
// included) hash alike: enum members are looked up, never compared pairwise.
struct JsonValueHash {
  size_t operator()(const nlohmann::json& j) const {
    return j.is_number() ? std::hash<double>{}(j.get<double>()) : std::hash<nlohmann::json>{}(j);
  }
};

struct JsonNode {
  NodeKind kind = NodeKind::empty;
  std::string canonical;  // compact dump of the source, used to collapse duplicate subschemas

  std::optional<nlohmann::json> id, title, description, default_value;
  bool has_default() const { return default_value.has_value(); }

  // string
  std::optional<std::int64_t> min_length, max_length;
  std::optional<std::string> pattern;

  // number
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<nlohmann::json> multiple_of;
  bool requires_integer = false;

  // enum / const
  std::vector<nlohmann::json> values;

  // combined / not
  Criterion criterion = Criterion::all_of;
  std::vector<const JsonNode*> subschemas;
  const JsonNode* must_not = nullptr;

  // object
  std::map<std::string, const JsonNode*> properties;
  std::set<std::string> required;
  bool permits_additional_properties = true;
  const JsonNode* additional_properties = nullptr;
  const JsonNode* unevaluated_properties = nullptr;
  std::vector<std::pair<std::string, const JsonNode*>> pattern_properties;
  std::map<std::string, std::set<std::string>> property_dependencies;
  std::map<std::string, const JsonNode*> schema_dependencies;
  std::optional<std::int64_t> min_properties, max_properties;
  const JsonNode* property_names = nullptr;  // the schema every property name must match

  // array
  const JsonNode* all_items = nullptr;
  std::vector<const JsonNode*> item_schemas;
  bool permits_additional_items = true;
  const JsonNode* additional_items = nullptr;
  const JsonNode* unevaluated_items = nullptr;
  std::optional<std::int64_t> min_items, max_items, min_contains, max_contains;
  bool unique_items = false;
};

// Limits that keep hostile input from exhausting the stack or memory.
struct JsonSchemaLimits {
  std::size_t max_depth = 1000;               // nesting levels, $ref hops included
  std::uintmax_t max_file_bytes = 64u << 20;  // per document
  std::size_t max_documents = 256;            // sibling files reachable by $ref
};

// A loaded schema: the node graph (cyclic when $refs recurse) and the
// documents it came from. Nodes live as long as the graph.
class JsonSchemaGraph {
 public:
  const JsonNode* root() const { return m_root; }
  JsonDraft draft() const { return m_draft; }

 private:
  friend class JsonSchemaLoader;
  std::deque<JsonNode> m_nodes;
  std::deque<nlohmann::json> m_documents;
  const JsonNode* m_root = nullptr;
  JsonDraft m_draft = JsonDraft::draft7;
};

// Loads a schema from a file; $refs may point inside the document or to
// sibling files (relative paths), never to remote URLs. Throws evt::Error
// with exit code 2 on unreadable input, unresolvable or remote $refs, and
// nesting beyond the limits.
std::shared_ptr<JsonSchemaGraph> load_json_schema_file(const std::filesystem::path& file,
                                                       const JsonSchemaLimits& limits = {});

// Loads a schema from an in-memory document; `base_dir` anchors sibling-file
// $refs (empty: sibling refs are errors).
std::shared_ptr<JsonSchemaGraph> load_json_schema(const nlohmann::json& document,
                                                  const std::filesystem::path& base_dir = {},
                                                  const JsonSchemaLimits& limits = {});

// Nesting depth and size limits for the schema files validation reads.
inline constexpr std::size_t k_max_schema_depth = 1000;
inline constexpr std::uintmax_t k_max_schema_bytes = 64u << 20;

// The folder a schema file's sibling $refs are read from: its parent, or
// "." for a bare file name such as parent.json.
std::filesystem::path folder_of(const std::filesystem::path& file);

// Whether a local $ref may name a file outside the root schema's folder
// (--allow-ref-outside). Process-wide: the CLI sets it once, before any
// schema is loaded; off by default.
void set_ref_outside_allowed(bool allowed);

// Throws evt::Error (exit 2) unless `target` lies inside `root` (both made
// canonical) or refs outside are allowed. `ref` and `at` name the $ref.
void require_ref_inside(const std::filesystem::path& root, const std::filesystem::path& target,
                        const std::string& ref, const std::string& at);

// Escapes one JSON Pointer reference token (RFC 6901: "~" → "~0", "/" → "~1").
std::string escape_pointer_token(const std::string& token);

// Reads a JSON file with size and nesting limits; throws evt::Error (exit 2).
nlohmann::json read_json_file(const std::filesystem::path& file, std::uintmax_t max_bytes,
                              std::size_t max_depth);

// Parses JSON text with a nesting limit; throws evt::Error (exit 2) naming
// `origin` (never quoting the text: it may not be JSON at all) when the text
// is not one JSON value (trailing bytes, NULs included) or an object repeats
// a key (a schema whose meaning depends on the parser is not a contract).
nlohmann::json parse_json_text(const std::string& text, const std::string& origin, std::size_t max_depth);

// Detects the draft from a document's "$schema".
JsonDraft detect_draft(const nlohmann::json& document);

}  // namespace evt::schema
