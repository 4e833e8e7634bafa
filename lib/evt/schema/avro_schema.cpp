// Parses Avro schemas per the Avro specification: names and namespaces,
// aliases, named-type references (so recursive records work) and defaults,
// which are validated the way Avro's Java parser does by default.
#include "evt/schema/avro_schema.hpp"

#include <cctype>
#include <map>
#include <set>

#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"
#include "evt/schema/json_schema_model.hpp"

namespace evt::schema {

using nlohmann::json;

std::string avro_type_name(AvroType type) {
  switch (type) {
    case AvroType::null:
      return "null";
    case AvroType::boolean:
      return "boolean";
    case AvroType::int_:
      return "int";
    case AvroType::long_:
      return "long";
    case AvroType::float_:
      return "float";
    case AvroType::double_:
      return "double";
    case AvroType::bytes:
      return "bytes";
    case AvroType::string:
      return "string";
    case AvroType::record:
      return "record";
    case AvroType::enumeration:
      return "enum";
    case AvroType::array:
      return "array";
    case AvroType::map:
      return "map";
    case AvroType::fixed:
      return "fixed";
    case AvroType::union_:
      return "union";
  }
  return "?";
}

namespace {

const std::map<std::string, AvroType>& primitives() {
  static const std::map<std::string, AvroType> k_map = {
      {"null", AvroType::null},   {"boolean", AvroType::boolean}, {"int", AvroType::int_},
      {"long", AvroType::long_},  {"float", AvroType::float_},    {"double", AvroType::double_},
      {"bytes", AvroType::bytes}, {"string", AvroType::string}};
  return k_map;
}

}  // namespace

// Builds an AvroSchema; one instance per parse.
class AvroParser {
 public:
  AvroParser(AvroSchema& schema, std::string origin, std::size_t max_depth)
      : m_schema(schema), m_origin(std::move(origin)), m_max_depth(max_depth) {}

  void parse_root(const json& document) { m_schema.m_root = parse(document, "", ""); }

 private:
  UsageError bad(const std::string& location, const std::string& what) const {
    return UsageError(m_origin + ": " + (location.empty() ? "/" : location) + ": " + what);
  }

  // The Avro specification's name rule: [A-Za-z_][A-Za-z0-9_]*.
  static bool is_avro_name(const std::string& s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) {
      return false;
    }
    for (char c : s) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  // Every dot-separated part of a full name is a name.
  static bool is_avro_full_name(const std::string& s) {
    size_t start = 0;
    for (;;) {
      const size_t dot = s.find('.', start);
      if (!is_avro_name(s.substr(start, dot == std::string::npos ? dot : dot - start))) {
        return false;
      }
      if (dot == std::string::npos) {
        return true;
      }
      start = dot + 1;
    }
  }

  // Two union branches of the same kind (two ints, two arrays) or with the
  // same full name make the union ambiguous; the specification forbids it.
  static std::string branch_identity(const AvroNode* b) {
    switch (b->type) {
      case AvroType::record:
      case AvroType::enumeration:
      case AvroType::fixed:
        return b->full_name;
      default:
        return avro_type_name(b->type);
    }
  }

  static std::string qualify(const std::string& name, const std::string& ns) {
    if (name.find('.') != std::string::npos || ns.empty()) {
      return name;
    }
    return ns + "." + name;
  }

  const AvroNode* lookup(const std::string& name, const std::string& ns, const std::string& location) {
    if (auto p = primitives().find(name); p != primitives().end()) {
      AvroNode& n = m_schema.m_nodes.emplace_back();
      n.type = p->second;
      return &n;
    }
    if (auto it = m_named.find(qualify(name, ns)); it != m_named.end()) {
      return it->second;
    }
    if (auto it = m_named.find(name); it != m_named.end()) {
      return it->second;
    }
    throw bad(location, "unknown type \"" + name + "\" (named types must be defined before they are used)");
  }

  const AvroNode* parse(const json& j, const std::string& ns, const std::string& location) {
    if (++m_depth > m_max_depth) {
      throw bad(location, "schema nests deeper than " + std::to_string(m_max_depth) + " levels");
    }
    struct Down {
      std::size_t& d;
      ~Down() { --d; }
    } down{m_depth};

    if (j.is_string()) {
      return lookup(j.get<std::string>(), ns, location);
    }
    if (j.is_array()) {
      AvroNode& n = m_schema.m_nodes.emplace_back();
      n.type = AvroType::union_;
      std::set<std::string> kinds;
      for (std::size_t i = 0; i < j.size(); ++i) {
        const AvroNode* b = parse(j[i], ns, location + "/" + std::to_string(i));
        if (b->type == AvroType::union_) {
          throw bad(location, "a union may not contain a union");
        }
        if (!kinds.insert(branch_identity(b)).second) {
          throw bad(location + "/" + std::to_string(i),
                    "a union may not hold two branches of type \"" + branch_identity(b) + "\"");
        }
        n.branches.push_back(b);
      }
      return &n;
    }
    if (!j.is_object()) {
      throw bad(location, "a schema must be a name, an object or an array (union)");
    }
    auto t = j.find("type");
    if (t == j.end()) {
      throw bad(location, "missing \"type\"");
    }
    if (!t->is_string()) {
      return parse(*t, ns, location + "/type");
    }
    const std::string type = t->get<std::string>();
    if (primitives().count(type)) {
      return lookup(type, ns, location);
    }
    if (type == "array") {
      if (!j.contains("items")) {
        throw bad(location, "array without \"items\"");
      }
      AvroNode& n = m_schema.m_nodes.emplace_back();
      n.type = AvroType::array;
      n.items = parse(j["items"], ns, location + "/items");
      return &n;
    }
    if (type == "map") {
      if (!j.contains("values")) {
        throw bad(location, "map without \"values\"");
      }
      AvroNode& n = m_schema.m_nodes.emplace_back();
      n.type = AvroType::map;
      n.values = parse(j["values"], ns, location + "/values");
      return &n;
    }
    if (type == "record" || type == "error" || type == "enum" || type == "fixed") {
      return parse_named(j, type, ns, location);
    }
    return lookup(type, ns, location);
  }

  const AvroNode* parse_named(const json& j, const std::string& type, const std::string& enclosing_ns,
                              const std::string& location) {
    auto name_it = j.find("name");
    if (name_it == j.end() || !name_it->is_string() || name_it->get<std::string>().empty()) {
      throw bad(location, type + " without a \"name\"");
    }
    std::string name = name_it->get<std::string>();
    std::string ns = enclosing_ns;
    if (auto it = j.find("namespace"); it != j.end() && it->is_string()) {
      ns = it->get<std::string>();
    }
    std::string full = qualify(name, ns);
    if (auto dot = full.rfind('.'); dot != std::string::npos) {
      ns = full.substr(0, dot);
      name = full.substr(dot + 1);
    } else {
      ns.clear();
    }
    if (!is_avro_full_name(full)) {
      throw bad(location, "invalid name \"" + full +
                              "\" (names are letters, digits and _, not starting with a digit; namespaces "
                              "join them with dots)");
    }
    if (m_named.count(full)) {
      throw bad(location, "type \"" + full + "\" is defined twice");
    }
    AvroNode& n = m_schema.m_nodes.emplace_back();
    n.name = name;
    n.full_name = full;
    if (auto it = j.find("aliases"); it != j.end() && it->is_array()) {
      for (const auto& a : *it) {
        if (a.is_string()) {
          n.aliases.push_back(qualify(a.get<std::string>(), ns));
        }
      }
    }
    // Register before the fields so a record can refer to itself.
    m_named[full] = &n;

    if (type == "fixed") {
      n.type = AvroType::fixed;
      auto s = j.find("size");
      if (s == j.end() || !s->is_number_integer() || s->get<std::int64_t>() < 0) {
        throw bad(location, "fixed \"" + full + "\" needs a non-negative integer \"size\"");
      }
      n.size = s->get<std::int64_t>();
    } else if (type == "enum") {
      n.type = AvroType::enumeration;
      auto s = j.find("symbols");
      if (s == j.end() || !s->is_array()) {
        throw bad(location, "enum \"" + full + "\" needs \"symbols\"");
      }
      // Hashed: a million-symbol enum must load, check and compare in linear time.
      auto& seen = n.symbol_index;
      seen.reserve(s->size());
      for (const auto& sym : *s) {
        if (!sym.is_string()) {
          throw bad(location + "/symbols", "enum symbols must be strings");
        }
        if (!is_avro_name(sym.get_ref<const std::string&>())) {
          throw bad(location + "/symbols", "invalid enum symbol \"" + sym.get<std::string>() +
                                               "\" (letters, digits and _, not starting with a digit)");
        }
        if (!seen.insert(sym.get<std::string>()).second) {
          throw bad(location + "/symbols", "duplicate enum symbol \"" + sym.get<std::string>() + "\"");
        }
        n.symbols.push_back(sym.get<std::string>());
      }
      if (auto d = j.find("default"); d != j.end()) {
        if (!d->is_string() || !seen.count(d->get<std::string>())) {
          throw bad(location + "/default", "enum default must be one of the symbols");
        }
        n.enum_default = d->get<std::string>();
      }
    } else {
      n.type = AvroType::record;
      auto fields = j.find("fields");
      if (fields == j.end() || !fields->is_array()) {
        throw bad(location, "record \"" + full + "\" needs \"fields\"");
      }
      std::set<std::string> seen;
      for (std::size_t i = 0; i < fields->size(); ++i) {
        const json& f = (*fields)[i];
        const std::string floc = location + "/fields/" + std::to_string(i);
        if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
          throw bad(floc, "a field needs a \"name\"");
        }
        if (!f.contains("type")) {
          throw bad(floc, "field \"" + f["name"].get<std::string>() + "\" needs a \"type\"");
        }
        AvroField field;
        field.name = f["name"].get<std::string>();
        if (!is_avro_name(field.name)) {
          throw bad(floc, "invalid field name \"" + field.name +
                              "\" (letters, digits and _, not starting with a digit)");
        }
        if (!seen.insert(field.name).second) {
          throw bad(floc, "duplicate field \"" + field.name + "\"");
        }
        field.position = i;
        field.type = parse(f["type"], ns, floc + "/type");
        if (auto d = f.find("default"); d != f.end()) {
          if (!default_fits(field.type, *d, 0)) {
            throw bad(floc + "/default", "default " + d->dump() + " of field \"" + field.name +
                                             "\" does not match its type " + describe(field.type) +
                                             (field.type->type == AvroType::union_
                                                  ? " (a union's default must match its first branch)"
                                                  : ""));
          }
          field.default_value = *d;
        }
        if (auto a = f.find("aliases"); a != f.end() && a->is_array()) {
          for (const auto& alias : *a) {
            if (alias.is_string()) {
              field.aliases.push_back(alias.get<std::string>());
            }
          }
        }
        n.fields.push_back(std::move(field));
      }
    }
    return &n;
  }

  static std::string describe(const AvroNode* n) {
    if (!n->full_name.empty()) {
      return n->full_name;
    }
    if (n->type == AvroType::union_) {
      std::string s;
      for (const AvroNode* b : n->branches) {
        s += (s.empty() ? "" : ", ") + describe(b);
      }
      return "[" + s + "]";
    }
    return avro_type_name(n->type);
  }

  // Avro's rule: a default is a JSON value of the field's type; for a union,
  // of its first branch.
  bool default_fits(const AvroNode* t, const json& v, std::size_t depth) const {
    if (depth > m_max_depth) {
      return false;
    }
    switch (t->type) {
      case AvroType::null:
        return v.is_null();
      case AvroType::boolean:
        return v.is_boolean();
      case AvroType::int_:
      case AvroType::long_:
        return v.is_number_integer();
      case AvroType::float_:
      case AvroType::double_:
        return v.is_number() || (v.is_string() && (v == "NaN" || v == "Infinity" || v == "-Infinity"));
      case AvroType::bytes:
      case AvroType::string:
      case AvroType::fixed:
        return v.is_string();
      case AvroType::enumeration:
        return v.is_string() && t->symbol_index.count(v.get_ref<const std::string&>()) != 0;
      case AvroType::array:
        if (!v.is_array()) {
          return false;
        }
        for (const auto& e : v) {
          if (!default_fits(t->items, e, depth + 1)) {
            return false;
          }
        }
        return true;
      case AvroType::map:
        if (!v.is_object()) {
          return false;
        }
        for (const auto& [k, e] : v.items()) {
          if (!default_fits(t->values, e, depth + 1)) {
            return false;
          }
        }
        return true;
      case AvroType::record:
        if (!v.is_object()) {
          return false;
        }
        for (const auto& f : t->fields) {
          auto it = v.find(f.name);
          if (it == v.end() ? !f.default_value.has_value() : !default_fits(f.type, *it, depth + 1)) {
            return false;
          }
        }
        return true;
      case AvroType::union_:
        return !t->branches.empty() && default_fits(t->branches.front(), v, depth + 1);
    }
    return false;
  }

  AvroSchema& m_schema;
  std::string m_origin;
  std::size_t m_max_depth;
  std::size_t m_depth = 0;
  std::map<std::string, const AvroNode*> m_named;
};

std::shared_ptr<AvroSchema> parse_avro_schema(const json& document, const std::string& origin,
                                              std::size_t max_depth) {
  auto schema = std::make_shared<AvroSchema>();
  AvroParser parser(*schema, origin, max_depth);
  run_with_big_stack([&] { parser.parse_root(document); });
  return schema;
}

std::shared_ptr<AvroSchema> load_avro_schema_file(const std::filesystem::path& file) {
  JsonSchemaLimits limits;
  return parse_avro_schema(read_json_file(file, limits.max_file_bytes, limits.max_depth), file.string(),
                           limits.max_depth);
}

bool looks_like_avro(const json& document) {
  if (document.is_array()) {
    return true;  // a top-level union
  }
  if (document.is_string()) {
    return primitives().count(document.get<std::string>()) > 0;
  }
  if (!document.is_object()) {
    return false;
  }
  if (document.contains("$schema") || document.contains("properties")) {
    return false;
  }
  auto t = document.find("type");
  if (t == document.end() || !t->is_string()) {
    return false;
  }
  const std::string type = t->get<std::string>();
  if (type == "record" || type == "enum" || type == "fixed" || type == "error") {
    return true;
  }
  // JSON Schema arrays use an object (or a tuple) for "items"; Avro names the type.
  if (type == "array") {
    return document.contains("items") && document["items"].is_string();
  }
  if (type == "map") {
    return document.contains("values");
  }
  return false;
}

}  // namespace evt::schema
