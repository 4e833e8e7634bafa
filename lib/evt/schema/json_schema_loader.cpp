// Turns JSON Schema documents into the node graph the compatibility checker
// walks. The shape follows how Confluent's checker (through the everit
// library) sees a schema, because agreeing with its verdicts is the goal:
// keywords of several kinds in one object become a synthetic allOf, a type
// list becomes an anyOf, and a $ref stands for the schema it points at.
#include "evt/schema/json_schema_model.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <unordered_set>

#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

UsageError unreadable(const std::string& what, std::string hint = {}) {
  return UsageError(what, std::move(hint));
}

// Counts bracket nesting without parsing, so a hostile document is refused
// before any recursive code sees it.
std::size_t nesting_depth(const std::string& text) {
  std::size_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      max_depth = std::max(max_depth, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::int64_t> as_int(const json& j) {
  if (j.is_number_integer()) {
    return j.get<std::int64_t>();
  }
  if (j.is_number_float()) {
    double d = j.get<double>();
    if (d == static_cast<double>(static_cast<std::int64_t>(d))) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> int_keyword(const json& o, const char* key) {
  auto it = o.find(key);
  return it == o.end() ? std::nullopt : as_int(*it);
}

std::optional<double> number_keyword(const json& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end() || !it->is_number()) {
    return std::nullopt;
  }
  return it->get<double>();
}

bool has_any(const json& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (o.contains(k)) {
      return true;
    }
  }
  return false;
}

bool is_modern(JsonDraft d) {
  return d == JsonDraft::draft2019_09 || d == JsonDraft::draft2020_12;
}

}  // namespace

std::string escape_pointer_token(const std::string& token) {
  std::string out;
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

JsonDraft detect_draft(const json& document) {
  if (!document.is_object()) {
    return JsonDraft::draft7;
  }
  auto it = document.find("$schema");
  if (it == document.end() || !it->is_string()) {
    return JsonDraft::draft7;
  }
  const std::string s = it->get<std::string>();
  if (s.find("draft-04") != std::string::npos) {
    return JsonDraft::draft4;
  }
  if (s.find("draft-06") != std::string::npos) {
    return JsonDraft::draft6;
  }
  if (s.find("2019-09") != std::string::npos) {
    return JsonDraft::draft2019_09;
  }
  if (s.find("2020-12") != std::string::npos) {
    return JsonDraft::draft2020_12;
  }
  return JsonDraft::draft7;
}

namespace {

bool g_ref_outside_allowed = false;

// nlohmann's parse errors end with "; last read: '<text>'": a $ref to a
// file that is not JSON (/etc/shadow) must not echo what it holds.
std::string parse_error_without_content(const json::parse_error& e) {
  std::string what = e.what();
  if (auto cut = what.find("; last read:"); cut != std::string::npos) {
    what.resize(cut);
  }
  if (auto cut = what.find("] "); cut != std::string::npos) {
    what.erase(0, cut + 2);
  }
  return what;
}

}  // namespace

fs::path folder_of(const fs::path& file) {
  fs::path dir = file.parent_path();
  return dir.empty() ? fs::path(".") : dir;
}

void set_ref_outside_allowed(bool allowed) {
  g_ref_outside_allowed = allowed;
}

void require_ref_inside(const fs::path& root, const fs::path& target, const std::string& ref,
                        const std::string& at) {
  if (g_ref_outside_allowed) {
    return;
  }
  std::error_code ec;
  const fs::path r = fs::weakly_canonical(root, ec);
  const fs::path t = fs::weakly_canonical(target, ec);
  const auto mismatch = std::mismatch(r.begin(), r.end(), t.begin(), t.end());
  if (mismatch.first != r.end()) {
    throw unreadable(at + ": $ref \"" + ref + "\" leaves the schema's folder " + r.string(),
                     "keep referenced schemas inside that folder, or pass --allow-ref-outside");
  }
}

json parse_json_text(const std::string& text, const std::string& origin, std::size_t max_depth) {
  if (nesting_depth(text) > max_depth) {
    throw unreadable(origin + ": JSON nests deeper than " + std::to_string(max_depth) + " levels",
                     "flatten the schema; evt refuses documents this deep to stay safe");
  }
  // nlohmann's lexer takes a NUL for the end of the input, so
  // {"type":"string"}\0garbage would parse; JSON text never holds a raw NUL.
  if (auto nul = text.find('\0'); nul != std::string::npos) {
    throw unreadable(origin + ": not valid JSON: a NUL byte at offset " + std::to_string(nul) +
                     " (only one JSON value, with nothing after it, is allowed)");
  }
  // One set of keys per open object: a repeated key is an error, not last-wins.
  std::vector<std::unordered_set<std::string>> open_objects;
  std::string duplicate;
  const json::parser_callback_t on_event = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      open_objects.emplace_back();
    } else if (event == json::parse_event_t::object_end) {
      open_objects.pop_back();
    } else if (event == json::parse_event_t::key && !open_objects.empty() &&
               !open_objects.back().insert(parsed.get<std::string>()).second && duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  json doc;
  try {
    doc = json::parse(text, on_event);
  } catch (const json::parse_error& e) {
    throw unreadable(origin + ": not valid JSON: " + parse_error_without_content(e));
  }
  if (!duplicate.empty()) {
    throw unreadable(origin + ": duplicate key \"" + duplicate + "\" in an object",
                     "JSON parsers disagree on which of two equal keys wins; keep one");
  }
  return doc;
}

json read_json_file(const fs::path& file, std::uintmax_t max_bytes, std::size_t max_depth) {
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  if (ec) {
    throw unreadable("cannot read " + file.string() + ": " + ec.message());
  }
  if (size > max_bytes) {
    throw unreadable(file.string() + ": file is " + std::to_string(size) + " bytes, over the limit of " +
                     std::to_string(max_bytes));
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw unreadable("cannot read " + file.string());
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return parse_json_text(buf.str(), file.string(), max_depth);
}

// Builds a JsonSchemaGraph; one instance per load.
class JsonSchemaLoader {
 public:
  JsonSchemaLoader(JsonSchemaGraph& graph, const JsonSchemaLimits& limits)
      : m_graph(graph), m_limits(limits) {}

  void load_root(json document, const fs::path& file, const fs::path& base_dir) {
    m_graph.m_documents.push_back(std::move(document));
    const json& doc = m_graph.m_documents.back();
    m_graph.m_draft = detect_draft(doc);
    m_docs.push_back({&doc, file, base_dir, {}, false});
    m_root_dir = base_dir.empty() && !file.empty() ? folder_of(file) : base_dir;
    if (!file.empty()) {
      m_doc_by_path[canonical(file)] = 0;
    }
    m_graph.m_root = load(0, doc, "");
  }

 private:
  struct Doc {
    const json* doc;
    fs::path file;
    fs::path dir;
    std::map<std::string, std::string> ids;  // $id / $anchor -> pointer
    bool ids_indexed = false;
  };

  struct DepthGuard {
    std::size_t& depth;
    DepthGuard(std::size_t& d, std::size_t limit, const std::string& where) : depth(d) {
      if (++depth > limit) {
        throw unreadable(
            where + ": schema nests deeper than " + std::to_string(limit) + " levels (counting $ref hops)",
            "flatten the schema or break the $ref chain");
      }
    }
    ~DepthGuard() { --depth; }
  };

  static std::string canonical(const fs::path& p) {
    std::error_code ec;
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal().string() : c.string();
  }

  std::string where(std::size_t doc, const std::string& ptr) const {
    const auto& f = m_docs[doc].file;
    return (f.empty() ? std::string("schema") : f.string()) + "#" + ptr;
  }

  JsonNode& new_node() { return m_graph.m_nodes.emplace_back(); }

  const JsonNode* load(std::size_t doc, const json& j, const std::string& ptr) {
    DepthGuard guard(m_depth, m_limits.max_depth, where(doc, ptr));
    auto key = std::make_pair(doc, ptr);
    if (auto it = m_memo.find(key); it != m_memo.end()) {
      return it->second;
    }

    if (j.is_boolean()) {
      JsonNode& n = new_node();
      n.kind = j.get<bool>() ? NodeKind::true_schema : NodeKind::false_schema;
      n.canonical = j.dump();
      m_memo[key] = &n;
      return &n;
    }
    if (!j.is_object()) {
      throw unreadable(where(doc, ptr) + ": a schema must be an object or a boolean");
    }

    if (auto ref = j.find("$ref"); ref != j.end() && ref->is_string()) {
      if (!m_refs_in_flight.insert(key).second) {
        throw unreadable(where(doc, ptr) + ": $ref \"" + ref->get<std::string>() +
                         "\" refers to itself without any schema in between (circular $ref)");
      }
      auto [tdoc, tptr, target] = resolve(doc, ptr, ref->get<std::string>());
      const JsonNode* node = load(tdoc, *target, tptr);
      m_refs_in_flight.erase(key);
      m_memo[key] = node;
      return node;
    }

    JsonNode& node = new_node();
    m_memo[key] = &node;
    fill(node, doc, j, ptr);
    return &node;
  }

  // Everit builds one schema per kind of keyword it finds; several become a
  // synthetic allOf that carries the annotations.
  void fill(JsonNode& node, std::size_t doc, const json& j, const std::string& ptr) {
    std::vector<JsonNode> parts;
    const JsonDraft draft = m_graph.m_draft;

    if (auto it = j.find("enum"); it != j.end() && it->is_array()) {
      JsonNode& n = parts.emplace_back();
      n.kind = NodeKind::enum_values;
      // Hashed: an enum of 80,000 members de-duplicated pairwise took minutes.
      std::unordered_set<json, JsonValueHash> seen;
      for (const auto& v : *it) {
        if (seen.insert(v).second) {
          n.values.push_back(v);
        }
      }
    }
    static const std::pair<const char*, Criterion> k_combiners[] = {
        {"allOf", Criterion::all_of}, {"anyOf", Criterion::any_of}, {"oneOf", Criterion::one_of}};
    for (const auto& [key, criterion] : k_combiners) {
      auto it = j.find(key);
      if (it == j.end() || !it->is_array()) {
        continue;
      }
      JsonNode& n = parts.emplace_back();
      n.kind = NodeKind::combined;
      n.criterion = criterion;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const JsonNode* sub = load(doc, (*it)[i], ptr + "/" + key + "/" + std::to_string(i));
        // Confluent collapses duplicate subschemas by their text; keep it to do the same.
        if (sub->canonical.empty()) {
          const_cast<JsonNode*>(sub)->canonical = (*it)[i].dump();
        }
        n.subschemas.push_back(sub);
      }
    }
    if (auto it = j.find("not"); it != j.end()) {
      JsonNode& n = parts.emplace_back();
      n.kind = NodeKind::not_schema;
      n.must_not = load(doc, *it, ptr + "/not");
    }
    if (auto it = j.find("const"); it != j.end()) {
      JsonNode& n = parts.emplace_back();
      n.kind = NodeKind::const_value;
      n.values.push_back(*it);
    }
    if (auto it = j.find("type"); it != j.end()) {
      if (it->is_string()) {
        parts.push_back(typed(it->get<std::string>(), doc, j, ptr));
      } else if (it->is_array()) {
        JsonNode& n = parts.emplace_back();
        n.kind = NodeKind::combined;
        n.criterion = Criterion::any_of;
        for (const auto& t : *it) {
          if (!t.is_string()) {
            throw unreadable(where(doc, ptr) + ": \"type\" must list strings");
          }
          JsonNode& sub = new_node();
          sub = typed(t.get<std::string>(), doc, j, ptr);
          sub.canonical = "type:" + t.get<std::string>();
          n.subschemas.push_back(&sub);
        }
      } else {
        throw unreadable(where(doc, ptr) + ": \"type\" must be a string or an array");
      }
    } else {
      bool object_keywords = has_any(j, {"required", "minProperties", "maxProperties", "dependencies",
                                         "dependentRequired", "dependentSchemas", "patternProperties",
                                         "additionalProperties", "unevaluatedProperties", "propertyNames"});
      if (auto p = j.find("properties");
          p != j.end() && !(is_modern(draft) && p->is_object() && p->empty())) {
        object_keywords = true;
      }
      if (object_keywords) {
        parts.push_back(typed("object", doc, j, ptr, false));
      }
      if (has_any(j, {"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains",
                      "prefixItems", "unevaluatedItems", "minContains", "maxContains"})) {
        parts.push_back(typed("array", doc, j, ptr, false));
      }
      if (has_any(j, {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"})) {
        parts.push_back(typed("number", doc, j, ptr, false));
      }
      if (has_any(j, {"minLength", "maxLength", "pattern", "format"})) {
        parts.push_back(typed("string", doc, j, ptr, false));
      }
    }

    if (parts.size() == 1) {
      node = std::move(parts.front());
    } else if (parts.size() > 1) {
      node.kind = NodeKind::combined;
      node.criterion = Criterion::all_of;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        JsonNode& sub = new_node();
        sub = std::move(parts[i]);
        if (sub.canonical.empty()) {
          sub.canonical = "part:" + std::to_string(i);
        }
        node.subschemas.push_back(&sub);
      }
    }

    const char* id_key = draft == JsonDraft::draft4 ? "id" : "$id";
    if (!is_modern(draft)) {
      if (auto it = j.find(id_key); it != j.end()) {
        node.id = *it;
      }
    }
    if (auto it = j.find("title"); it != j.end()) {
      node.title = *it;
    }
    if (auto it = j.find("description"); it != j.end()) {
      node.description = *it;
    }
    if (auto it = j.find("default"); it != j.end()) {
      node.default_value = *it;
    }
  }

  JsonNode typed(const std::string& type, std::size_t doc, const json& j, const std::string& ptr,
                 bool explicit_type = true) {
    JsonNode n;
    if (type == "string") {
      n.kind = NodeKind::string;
      n.min_length = int_keyword(j, "minLength");
      n.max_length = int_keyword(j, "maxLength");
      if (auto it = j.find("pattern"); it != j.end() && it->is_string()) {
        n.pattern = it->get<std::string>();
      }
    } else if (type == "number" || type == "integer") {
      n.kind = NodeKind::number;
      n.requires_integer = type == "integer";
      n.minimum = number_keyword(j, "minimum");
      n.maximum = number_keyword(j, "maximum");
      n.exclusive_minimum = number_keyword(j, "exclusiveMinimum");
      n.exclusive_maximum = number_keyword(j, "exclusiveMaximum");
      if (auto it = j.find("multipleOf"); it != j.end() && it->is_number()) {
        n.multiple_of = *it;
      }
    } else if (type == "boolean") {
      n.kind = NodeKind::boolean;
    } else if (type == "null") {
      n.kind = NodeKind::null;
    } else if (type == "object") {
      n.kind = NodeKind::object;
      fill_object(n, doc, j, ptr);
    } else if (type == "array") {
      n.kind = NodeKind::array;
      fill_array(n, doc, j, ptr);
    } else {
      throw unreadable(where(doc, ptr) + ": unknown type \"" + type + "\"");
    }
    (void)explicit_type;
    return n;
  }

  void fill_object(JsonNode& n, std::size_t doc, const json& j, const std::string& ptr) {
    if (auto it = j.find("properties"); it != j.end() && it->is_object()) {
      for (const auto& [k, v] : it->items()) {
        n.properties[k] = load(doc, v, ptr + "/properties/" + escape_pointer_token(k));
      }
    }
    if (auto it = j.find("required"); it != j.end() && it->is_array()) {
      for (const auto& r : *it) {
        if (r.is_string()) {
          n.required.insert(r.get<std::string>());
        }
      }
    }
    if (auto it = j.find("additionalProperties"); it != j.end()) {
      if (it->is_boolean()) {
        n.permits_additional_properties = it->get<bool>();
      } else {
        n.additional_properties = load(doc, *it, ptr + "/additionalProperties");
      }
    }
    if (auto it = j.find("unevaluatedProperties"); it != j.end()) {
      n.unevaluated_properties = load(doc, *it, ptr + "/unevaluatedProperties");
    }
    if (auto it = j.find("patternProperties"); it != j.end() && it->is_object()) {
      for (const auto& [k, v] : it->items()) {
        n.pattern_properties.emplace_back(
            k, load(doc, v, ptr + "/patternProperties/" + escape_pointer_token(k)));
      }
    }
    for (const char* key : {"dependencies", "dependentRequired", "dependentSchemas"}) {
      auto it = j.find(key);
      if (it == j.end() || !it->is_object()) {
        continue;
      }
      for (const auto& [k, v] : it->items()) {
        if (v.is_array()) {
          auto& deps = n.property_dependencies[k];
          for (const auto& d : v) {
            if (d.is_string()) {
              deps.insert(d.get<std::string>());
            }
          }
        } else {
          n.schema_dependencies[k] = load(doc, v, ptr + "/" + key + "/" + escape_pointer_token(k));
        }
      }
    }
    if (auto it = j.find("propertyNames"); it != j.end()) {
      n.property_names = load(doc, *it, ptr + "/propertyNames");
    }
    n.min_properties = int_keyword(j, "minProperties");
    n.max_properties = int_keyword(j, "maxProperties");
  }

  void fill_array(JsonNode& n, std::size_t doc, const json& j, const std::string& ptr) {
    const bool modern_items = m_graph.m_draft == JsonDraft::draft2020_12;
    auto items = j.find("items");
    auto prefix = j.find("prefixItems");
    if (modern_items && prefix != j.end() && prefix->is_array()) {
      for (std::size_t i = 0; i < prefix->size(); ++i) {
        n.item_schemas.push_back(load(doc, (*prefix)[i], ptr + "/prefixItems/" + std::to_string(i)));
      }
    }
    if (items != j.end()) {
      if (items->is_array()) {
        for (std::size_t i = 0; i < items->size(); ++i) {
          n.item_schemas.push_back(load(doc, (*items)[i], ptr + "/items/" + std::to_string(i)));
        }
      } else if (modern_items && items->is_boolean()) {
        // 2020-12 "items" after prefixItems is what additionalItems used to be.
        n.permits_additional_items = items->get<bool>();
      } else if (modern_items && prefix != j.end()) {
        n.additional_items = load(doc, *items, ptr + "/items");
      } else {
        n.all_items = load(doc, *items, ptr + "/items");
      }
    }
    if (auto it = j.find("additionalItems"); it != j.end()) {
      if (it->is_boolean()) {
        n.permits_additional_items = it->get<bool>();
      } else {
        n.additional_items = load(doc, *it, ptr + "/additionalItems");
      }
    }
    if (auto it = j.find("unevaluatedItems"); it != j.end()) {
      n.unevaluated_items = load(doc, *it, ptr + "/unevaluatedItems");
    }
    n.min_items = int_keyword(j, "minItems");
    n.max_items = int_keyword(j, "maxItems");
    if (auto it = j.find("uniqueItems"); it != j.end() && it->is_boolean()) {
      n.unique_items = it->get<bool>();
    }
    n.max_contains = int_keyword(j, "maxContains");
    n.min_contains = int_keyword(j, "minContains");
    // minContains defaults to 1 wherever "contains" applies.
    if (!n.min_contains && j.contains("contains")) {
      n.min_contains = 1;
    }
  }

  struct Target {
    std::size_t doc;
    std::string ptr;
    const json* value;
  };

  Target resolve(std::size_t doc, const std::string& ptr, const std::string& ref) {
    static const std::regex k_scheme("^[A-Za-z][A-Za-z0-9+.-]*:");
    const std::string at = where(doc, ptr);
    // A $ref naming an $id declared in this document resolves locally.
    if (auto hit = lookup_id(doc, ref)) {
      return at_pointer(doc, *hit, ref, at);
    }
    if (std::regex_search(ref, k_scheme) || ref.rfind("//", 0) == 0) {
      throw unreadable(at + ": $ref \"" + ref + "\" points to a remote location, which evt never fetches",
                       "copy the referenced schema next to this file and use a relative $ref");
    }
    auto hash = ref.find('#');
    std::string file_part = ref.substr(0, hash);
    std::string fragment = hash == std::string::npos ? "" : ref.substr(hash + 1);
    std::size_t target_doc = doc;
    if (!file_part.empty()) {
      target_doc = open_sibling(doc, percent_decode(file_part), ref, at);
    }
    fragment = percent_decode(fragment);
    if (fragment.empty() || fragment[0] == '/') {
      return at_pointer(target_doc, fragment, ref, at);
    }
    if (auto hit = lookup_id(target_doc, "#" + fragment)) {
      return at_pointer(target_doc, *hit, ref, at);
    }
    throw unreadable(at + ": cannot resolve $ref \"" + ref + "\": no $anchor or $id \"" + fragment + "\"");
  }

  Target at_pointer(std::size_t doc, const std::string& pointer, const std::string& ref,
                    const std::string& at) {
    const json& d = *m_docs[doc].doc;
    try {
      json::json_pointer jp(pointer);
      if (!d.contains(jp)) {
        throw std::out_of_range("missing");
      }
      return {doc, pointer, &d.at(jp)};
    } catch (const std::exception&) {
      throw unreadable(at + ": cannot resolve $ref \"" + ref + "\": nothing at \"" + pointer + "\"",
                       "check the JSON pointer after '#' (e.g. #/definitions/Name)");
    }
  }

  std::size_t open_sibling(std::size_t from, const std::string& rel, const std::string& ref,
                           const std::string& at) {
    if (m_docs[from].dir.empty() && m_docs[from].file.empty()) {
      throw unreadable(at + ": cannot resolve $ref \"" + ref + "\": the schema was not read from a file");
    }
    fs::path dir = m_docs[from].dir.empty() ? folder_of(m_docs[from].file) : m_docs[from].dir;
    fs::path target = dir / rel;
    require_ref_inside(m_root_dir, target, ref, at);
    std::string key = canonical(target);
    if (auto it = m_doc_by_path.find(key); it != m_doc_by_path.end()) {
      return it->second;
    }
    if (m_docs.size() >= m_limits.max_documents) {
      throw unreadable(at + ": more than " + std::to_string(m_limits.max_documents) +
                       " files reached by $ref");
    }
    std::error_code ec;
    if (!fs::is_regular_file(target, ec)) {
      throw unreadable(at + ": cannot resolve $ref \"" + ref + "\": no file " + target.string());
    }
    m_graph.m_documents.push_back(read_json_file(target, m_limits.max_file_bytes, m_limits.max_depth));
    m_docs.push_back({&m_graph.m_documents.back(), target, target.parent_path(), {}, false});
    m_doc_by_path[key] = m_docs.size() - 1;
    return m_docs.size() - 1;
  }

  std::optional<std::string> lookup_id(std::size_t doc, const std::string& ref) {
    Doc& d = m_docs[doc];
    if (!d.ids_indexed) {
      d.ids_indexed = true;
      index_ids(*d.doc, "", d.ids, 0);
    }
    if (auto it = d.ids.find(ref); it != d.ids.end()) {
      return it->second;
    }
    return std::nullopt;
  }

  void index_ids(const json& j, const std::string& ptr, std::map<std::string, std::string>& ids,
                 std::size_t depth) {
    if (depth > m_limits.max_depth) {
      return;
    }
    if (j.is_object()) {
      if (auto it = j.find("$id"); it != j.end() && it->is_string() && !ptr.empty()) {
        ids.emplace(it->get<std::string>(), ptr);
      }
      if (auto it = j.find("$anchor"); it != j.end() && it->is_string()) {
        ids.emplace("#" + it->get<std::string>(), ptr);
      }
      for (const auto& [k, v] : j.items()) {
        if (v.is_structured() && k != "enum" && k != "const" && k != "default" && k != "examples") {
          index_ids(v, ptr + "/" + escape_pointer_token(k), ids, depth + 1);
        }
      }
    } else if (j.is_array()) {
      for (std::size_t i = 0; i < j.size(); ++i) {
        index_ids(j[i], ptr + "/" + std::to_string(i), ids, depth + 1);
      }
    }
  }

 private:
  JsonSchemaGraph& m_graph;
  JsonSchemaLimits m_limits;
  std::vector<Doc> m_docs;
  std::map<std::string, std::size_t> m_doc_by_path;
  std::map<std::pair<std::size_t, std::string>, const JsonNode*> m_memo;
  std::set<std::pair<std::size_t, std::string>> m_refs_in_flight;
  std::size_t m_depth = 0;
  fs::path m_root_dir;  // local $refs stay inside (unless --allow-ref-outside)
};

std::shared_ptr<JsonSchemaGraph> load_json_schema_file(const fs::path& file, const JsonSchemaLimits& limits) {
  auto graph = std::make_shared<JsonSchemaGraph>();
  JsonSchemaLoader loader(*graph, limits);
  json document = read_json_file(file, limits.max_file_bytes, limits.max_depth);
  // The loader recurses once per level with large frames; the depth limit
  // bounds the levels, the big stack makes sure they fit.
  run_with_big_stack([&] { loader.load_root(std::move(document), file, folder_of(file)); });
  return graph;
}

std::shared_ptr<JsonSchemaGraph> load_json_schema(const json& document, const fs::path& base_dir,
                                                  const JsonSchemaLimits& limits) {
  auto graph = std::make_shared<JsonSchemaGraph>();
  JsonSchemaLoader loader(*graph, limits);
  run_with_big_stack([&] { loader.load_root(document, {}, base_dir); });
  return graph;
}

}  // namespace evt::schema
