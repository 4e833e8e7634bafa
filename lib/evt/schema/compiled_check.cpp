#include "evt/schema/compiled_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>
#include <unordered_set>

namespace evt::schema {

namespace {

enum TypeBit : unsigned {
  k_null = 1,
  k_boolean = 2,
  k_object = 4,
  k_array = 8,
  k_string = 16,
  k_integer = 32,
  k_number = 64,
  k_any = 127,
};

// The values an enum/const admits, hashed so a check is one lookup however
// long the enum is.
struct AllowedValues {
  bool null = false;
  bool true_ = false;
  bool false_ = false;
  std::unordered_set<std::string> strings;
};

// Keywords that only annotate: they never make an event invalid.
bool is_annotation(std::string_view key) {
  return key == "$schema" || key == "$id" || key == "title" || key == "description" || key == "$comment" ||
         key == "examples" || key == "default" || key == "readOnly" || key == "writeOnly";
}

std::optional<unsigned> type_bit(const nlohmann::json& name) {
  if (!name.is_string()) {
    return std::nullopt;
  }
  const auto& s = name.get_ref<const std::string&>();
  if (s == "null") {
    return k_null;
  }
  if (s == "boolean") {
    return k_boolean;
  }
  if (s == "object") {
    return k_object;
  }
  if (s == "array") {
    return k_array;
  }
  if (s == "string") {
    return k_string;
  }
  if (s == "integer") {
    return k_integer;
  }
  if (s == "number") {
    return k_number;
  }
  return std::nullopt;
}

std::optional<uint64_t> count_of(const nlohmann::json& v) {
  if (v.is_number_unsigned()) {
    return v.get<uint64_t>();
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) {
    return static_cast<uint64_t>(v.get<int64_t>());
  }
  return std::nullopt;
}

// valijson counts code points with u8_strlen over c_str(): it stops at the
// first NUL, so an escaped \u0000 ends the count there.
uint64_t code_points(const char* s, size_t bytes) {
  uint64_t n = 0;
  for (size_t i = 0; i < bytes && s[i] != '\0'; ++i) {
    n += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

bool is_allowed(const AllowedValues& allowed, const rapidjson::Value& v) {
  if (v.IsNull()) {
    return allowed.null;
  }
  if (v.IsBool()) {
    return v.GetBool() ? allowed.true_ : allowed.false_;
  }
  if (!v.IsString()) {
    return false;
  }
  return allowed.strings.count(std::string(v.GetString(), v.GetStringLength())) != 0;
}

}  // namespace

struct CompiledCheck::Node {
  unsigned types = k_any;
  std::vector<std::string> required;
  std::vector<std::pair<std::string, size_t>> properties;  // name, node
  bool additional_forbidden = false;
  std::optional<size_t> additional;  // node for other members
  std::optional<size_t> items;       // node for every item
  std::optional<uint64_t> min_items, max_items, min_length, max_length;
  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<AllowedValues> allowed;  // enum / const
};

CompiledCheck::~CompiledCheck() = default;

namespace {

// Compiles `schema` into nodes[at]; false when a keyword is not supported.
bool compile_node(const nlohmann::json& schema, std::vector<CompiledCheck::Node>& nodes, size_t at,
                  int depth) {
  if (!schema.is_object() || depth > 64) {
    return false;
  }
  const auto child = [&](const nlohmann::json& sub) -> std::optional<size_t> {
    nodes.emplace_back();
    const size_t index = nodes.size() - 1;
    if (!compile_node(sub, nodes, index, depth + 1)) {
      return std::nullopt;
    }
    return index;
  };
  const auto number = [](const nlohmann::json& v) -> std::optional<double> {
    if (!v.is_number()) {
      return std::nullopt;
    }
    return v.get<double>();
  };
  for (const auto& [key, value] : schema.items()) {
    if (is_annotation(key)) {
      continue;
    }
    if (key == "type") {
      unsigned bits = 0;
      if (value.is_array()) {
        for (const auto& t : value) {
          const auto b = type_bit(t);
          if (!b) {
            return false;
          }
          bits |= *b;
        }
      } else {
        const auto b = type_bit(value);
        if (!b) {
          return false;
        }
        bits = *b;
      }
      // "number" admits integers too.
      nodes[at].types = (bits & k_number) ? (bits | k_integer) : bits;
    } else if (key == "required") {
      if (!value.is_array()) {
        return false;
      }
      for (const auto& r : value) {
        if (!r.is_string()) {
          return false;
        }
        nodes[at].required.push_back(r.get<std::string>());
      }
    } else if (key == "properties") {
      if (!value.is_object()) {
        return false;
      }
      for (const auto& [name, sub] : value.items()) {
        const auto index = child(sub);
        if (!index) {
          return false;
        }
        nodes[at].properties.emplace_back(name, *index);
      }
    } else if (key == "additionalProperties") {
      if (value.is_boolean()) {
        nodes[at].additional_forbidden = !value.get<bool>();
      } else {
        const auto index = child(value);
        if (!index) {
          return false;
        }
        nodes[at].additional = *index;
      }
    } else if (key == "items") {
      const auto index = child(value);  // an array of schemas (tuples) is not supported
      if (!index) {
        return false;
      }
      nodes[at].items = *index;
    } else if (key == "minItems" || key == "maxItems" || key == "minLength" || key == "maxLength") {
      const auto n = count_of(value);
      if (!n) {
        return false;
      }
      (key == "minItems"    ? nodes[at].min_items
       : key == "maxItems"  ? nodes[at].max_items
       : key == "minLength" ? nodes[at].min_length
                            : nodes[at].max_length) = *n;
    } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
               key == "exclusiveMaximum") {
      const auto n = number(value);  // draft-4's boolean exclusive* is not supported
      if (!n) {
        return false;
      }
      (key == "minimum"            ? nodes[at].minimum
       : key == "maximum"          ? nodes[at].maximum
       : key == "exclusiveMinimum" ? nodes[at].exclusive_minimum
                                   : nodes[at].exclusive_maximum) = *n;
    } else if (key == "enum" || key == "const") {
      const nlohmann::json options = key == "const" ? nlohmann::json::array({value}) : value;
      if (!options.is_array() || nodes[at].allowed) {
        return false;
      }
      AllowedValues allowed;
      allowed.strings.reserve(options.size());
      for (const auto& o : options) {
        if (o.is_null()) {
          allowed.null = true;
        } else if (o.is_boolean()) {
          (o.get<bool>() ? allowed.true_ : allowed.false_) = true;
        } else if (o.is_string()) {
          allowed.strings.insert(o.get<std::string>());
        } else {
          return false;  // numbers, arrays, objects: valijson's equality rules
        }
      }
      nodes[at].allowed = std::move(allowed);
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<CompiledCheck> CompiledCheck::compile(const nlohmann::json& schema) {
  std::unique_ptr<CompiledCheck> check(new CompiledCheck());
  check->m_nodes.emplace_back();
  if (!compile_node(schema, check->m_nodes, 0, 0)) {
    return nullptr;
  }
  return check;
}

bool CompiledCheck::accepts(const rapidjson::Value& event) const {
  return accepts(m_nodes[0], event);
}

bool CompiledCheck::accepts(const Node& node, const rapidjson::Value& v) const {
  unsigned type = 0;
  switch (v.GetType()) {
    case rapidjson::kNullType:
      type = k_null;
      break;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      type = k_boolean;
      break;
    case rapidjson::kObjectType:
      type = k_object;
      break;
    case rapidjson::kArrayType:
      type = k_array;
      break;
    case rapidjson::kStringType:
      type = k_string;
      break;
    case rapidjson::kNumberType:
      type = v.IsDouble() ? k_number : k_integer;
      break;
  }
  if ((node.types & type) == 0) {
    return false;
  }
  if (node.allowed && !is_allowed(*node.allowed, v)) {
    return false;
  }
  switch (type) {
    case k_object: {
      for (const auto& name : node.required) {
        const rapidjson::Value key(rapidjson::StringRef(name.data(), name.size()));
        if (v.FindMember(key) == v.MemberEnd()) {
          return false;
        }
      }
      for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
        const std::string_view name(m->name.GetString(), m->name.GetStringLength());
        const auto p = std::find_if(node.properties.begin(), node.properties.end(),
                                    [&](const auto& prop) { return prop.first == name; });
        if (p != node.properties.end()) {
          if (!accepts(m_nodes[p->second], m->value)) {
            return false;
          }
        } else if (node.additional_forbidden) {
          return false;
        } else if (node.additional && !accepts(m_nodes[*node.additional], m->value)) {
          return false;
        }
      }
      return true;
    }
    case k_array: {
      const uint64_t size = v.Size();
      if ((node.min_items && size < *node.min_items) || (node.max_items && size > *node.max_items)) {
        return false;
      }
      if (node.items) {
        for (const auto& item : v.GetArray()) {
          if (!accepts(m_nodes[*node.items], item)) {
            return false;
          }
        }
      }
      return true;
    }
    case k_string: {
      if (node.min_length || node.max_length) {
        const uint64_t n = code_points(v.GetString(), v.GetStringLength());
        if ((node.min_length && n < *node.min_length) || (node.max_length && n > *node.max_length)) {
          return false;
        }
      }
      return true;
    }
    case k_integer:
    case k_number: {
      // valijson reads every integer as int64_t (a uint64 above INT64_MAX
      // wraps negative) before comparing as double; do the same.
      const double d = v.IsDouble() ? v.GetDouble()
                                    : static_cast<double>(v.IsInt64() ? v.GetInt64()
                                                                      : static_cast<int64_t>(v.GetUint64()));
      return !((node.minimum && d < *node.minimum) || (node.maximum && d > *node.maximum) ||
               (node.exclusive_minimum && d <= *node.exclusive_minimum) ||
               (node.exclusive_maximum && d >= *node.exclusive_maximum));
    }
    default:
      return true;
  }
}

namespace {

// A number's text as valijson sees it through nlohmann: an integer when it
// has no fraction or exponent and fits int64_t (negative) or uint64_t;
// compared as a double, an integer read as int64_t (wrapping above
// INT64_MAX, as valijson does). False when the text is not such a number.
bool tape_number(std::string_view raw, bool& integer, double& value) {
  const char* const b = raw.data();
  const char* const e = b + raw.size();
  integer = codec::is_integer_number_text(raw);
  if (integer) {
    int64_t i = 0;
    if (const auto r = std::from_chars(b, e, i); r.ec == std::errc() && r.ptr == e) {
      value = static_cast<double>(i);
      return true;
    }
    uint64_t u = 0;
    if (raw[0] != '-') {
      if (const auto r = std::from_chars(b, e, u); r.ec == std::errc() && r.ptr == e) {
        value = static_cast<double>(static_cast<int64_t>(u));
        return true;
      }
    }
    integer = false;  // too big for both: nlohmann reads it as a double
  }
  const auto r = std::from_chars(b, e, value);
  return r.ec == std::errc() && r.ptr == e;
}

bool is_allowed_text(const AllowedValues& allowed, const codec::JsonTapeEntry& v, std::string& scratch) {
  switch (v.kind) {
    case codec::JsonKind::null:
      return allowed.null;
    case codec::JsonKind::boolean:
      return v.raw == "true" ? allowed.true_ : allowed.false_;
    case codec::JsonKind::string: {
      const auto text = codec::entry_string(v, scratch);
      if (text.data() != scratch.data()) {
        scratch.assign(text);  // the set's key type; no allocation once warm
      }
      return allowed.strings.count(scratch) != 0;
    }
    default:
      return false;
  }
}

}  // namespace

bool CompiledCheck::accepts(const codec::JsonScanner& scanned) const {
  if (scanned.has_huge_number() || scanned.tape().empty()) {
    return false;  // undecided here: the reference decides
  }
  thread_local std::string scratch;
  return accepts(m_nodes[0], scanned.tape(), 0, scratch);
}

bool CompiledCheck::accepts(const Node& node, const std::vector<codec::JsonTapeEntry>& tape, size_t at,
                            std::string& scratch) const {
  const auto& v = tape[at];
  unsigned type = 0;
  bool integer = false;
  double number = 0;
  switch (v.kind) {
    case codec::JsonKind::null:
      type = k_null;
      break;
    case codec::JsonKind::boolean:
      type = k_boolean;
      break;
    case codec::JsonKind::object:
      type = k_object;
      break;
    case codec::JsonKind::array:
      type = k_array;
      break;
    case codec::JsonKind::string:
      type = k_string;
      break;
    case codec::JsonKind::number:
      if (!tape_number(v.raw, integer, number)) {
        return false;
      }
      type = integer ? k_integer : k_number;
      break;
  }
  if ((node.types & type) == 0) {
    return false;
  }
  if (node.allowed && !is_allowed_text(*node.allowed, v, scratch)) {
    return false;
  }
  switch (type) {
    case k_object: {
      // Each required name among the members (any of duplicates, as
      // RapidJSON's FindMember; the reference sees the last one and is
      // asked whenever this check refuses).
      for (const auto& name : node.required) {
        bool found = false;
        for (size_t m = at + 1; m < v.end && !found; m = tape[m].end) {
          found = codec::entry_name(tape[m], scratch) == name;
        }
        if (!found) {
          return false;
        }
      }
      for (size_t m = at + 1; m < v.end; m = tape[m].end) {
        const auto name = codec::entry_name(tape[m], scratch);
        const auto p = std::find_if(node.properties.begin(), node.properties.end(),
                                    [&](const auto& prop) { return prop.first == name; });
        if (p != node.properties.end()) {
          if (!accepts(m_nodes[p->second], tape, m, scratch)) {
            return false;
          }
        } else if (node.additional_forbidden) {
          return false;
        } else if (node.additional && !accepts(m_nodes[*node.additional], tape, m, scratch)) {
          return false;
        }
      }
      return true;
    }
    case k_array: {
      const uint64_t size = v.count;
      if ((node.min_items && size < *node.min_items) || (node.max_items && size > *node.max_items)) {
        return false;
      }
      if (node.items) {
        for (size_t i = at + 1; i < v.end; i = tape[i].end) {
          if (!accepts(m_nodes[*node.items], tape, i, scratch)) {
            return false;
          }
        }
      }
      return true;
    }
    case k_string: {
      if (node.min_length || node.max_length) {
        const auto text = codec::entry_string(v, scratch);
        const uint64_t n = code_points(text.data(), text.size());
        if ((node.min_length && n < *node.min_length) || (node.max_length && n > *node.max_length)) {
          return false;
        }
      }
      return true;
    }
    case k_integer:
    case k_number:
      return !((node.minimum && number < *node.minimum) || (node.maximum && number > *node.maximum) ||
               (node.exclusive_minimum && number <= *node.exclusive_minimum) ||
               (node.exclusive_maximum && number >= *node.exclusive_maximum));
    default:
      return true;
  }
}

}  // namespace evt::schema
