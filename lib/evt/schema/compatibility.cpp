// Ties the two checkers to Confluent's compatibility modes: which versions
// are compared, in which direction, and what each finding means for a team.
#include "evt/schema/compatibility.hpp"

#include "evt/ascii.hpp"

#include <algorithm>

#include "evt/error.hpp"
#include "evt/schema/avro_compat.hpp"

namespace evt::schema {

namespace fs = std::filesystem;

std::optional<CompatMode> parse_compat_mode(const std::string& text) {
  return k_compat_modes.find(text);
}

std::string compat_mode_name(CompatMode mode) {
  return std::string(k_compat_modes.name(mode));
}

std::optional<SchemaFormat> parse_schema_format(const std::string& text) {
  return k_schema_formats.find(text);
}

std::optional<Policy> parse_policy(const std::string& text) {
  return k_policies.find(text);
}

LoadedSchema load_schema(const fs::path& file, SchemaFormat format) {
  LoadedSchema s;
  s.file = file;
  JsonSchemaLimits limits;
  if (format == SchemaFormat::auto_detect) {
    if (file.extension() == ".avsc") {
      format = SchemaFormat::avro;
    } else {
      auto doc = read_json_file(file, limits.max_file_bytes, limits.max_depth);
      format = looks_like_avro(doc) ? SchemaFormat::avro : SchemaFormat::json_schema;
    }
  }
  s.format = format;
  if (format == SchemaFormat::avro) {
    s.avro = load_avro_schema_file(file);
  } else {
    s.json = load_json_schema_file(file, limits);
  }
  return s;
}

std::vector<Finding> check_pair(const LoadedSchema& older, const LoadedSchema& newer,
                                const std::string& direction, Policy policy) {
  if (older.format != newer.format) {
    throw UsageError(newer.file.string() + " and " + older.file.string() + " are in different schema formats",
                     "compare JSON Schema with JSON Schema and Avro with Avro");
  }
  const bool backward = direction == "backward";
  std::vector<Finding> out;
  auto add = [&](const std::string& rule, const std::string& location, const std::string& detail) {
    Finding f;
    f.file = newer.file.string();
    f.against = older.file.string();
    f.direction = direction;
    f.rule = rule;
    f.location = location;
    auto advice = advice_for(rule, direction);
    f.message = detail.empty() ? advice.message : advice.message + " (" + detail + ")";
    f.hint = advice.hint;
    out.push_back(std::move(f));
  };
  if (newer.format == SchemaFormat::avro) {
    const AvroNode* reader = backward ? newer.avro->root() : older.avro->root();
    const AvroNode* writer = backward ? older.avro->root() : newer.avro->root();
    for (const auto& i : check_avro_compatibility(reader, writer)) {
      add(i.type, i.location, i.message);
    }
  } else {
    // Confluent: backward = diff(original = previous, update = new).
    const JsonNode* original = backward ? older.json->root() : newer.json->root();
    const JsonNode* update = backward ? newer.json->root() : older.json->root();
    for (const auto& d : diff_json_schemas(original, update, policy)) {
      if (!is_compatible_difference(d.type, policy)) {
        add(d.type, d.path, "");
      }
    }
  }
  return out;
}

std::vector<Finding> check_latest(const std::vector<LoadedSchema>& versions, CompatMode mode, Policy policy) {
  std::vector<Finding> out;
  if (versions.size() < 2 || mode == CompatMode::none) {
    return out;
  }
  const LoadedSchema& newest = versions.back();
  const bool transitive = mode == CompatMode::backward_transitive || mode == CompatMode::forward_transitive ||
                          mode == CompatMode::full_transitive;
  const bool backward = mode != CompatMode::forward && mode != CompatMode::forward_transitive;
  const bool forward = mode != CompatMode::backward && mode != CompatMode::backward_transitive;
  const std::size_t first = transitive ? 0 : versions.size() - 2;
  for (std::size_t i = versions.size() - 1; i-- > first;) {
    if (backward) {
      auto f = check_pair(versions[i], newest, "backward", policy);
      out.insert(out.end(), f.begin(), f.end());
    }
    if (forward) {
      auto f = check_pair(versions[i], newest, "forward", policy);
      out.insert(out.end(), f.begin(), f.end());
    }
  }
  return out;
}

RuleAdvice advice_for(const std::string& rule, const std::string& direction) {
  const bool bw = direction != "forward";
  const std::string reader = bw ? "the new version" : "the old version";
  const std::string writer = bw ? "the old version" : "the new version";
  const std::string data = "data written with " + writer;
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return rule.size() >= s.size() && rule.compare(rule.size() - s.size(), s.size(), s) == 0;
  };
  // Avro (reader/writer wording follows Avro's own).
  if (rule == "READER_FIELD_MISSING_DEFAULT_VALUE") {
    return {"field is missing from " + data + " and has no default in " + reader, "give the field a default"};
  }
  if (rule == "MISSING_ENUM_SYMBOLS") {
    return {reader + " lacks enum symbols that " + data + " may contain",
            "keep the symbols, or give the enum a \"default\" symbol"};
  }
  if (rule == "MISSING_UNION_BRANCH") {
    return {reader + " has no union branch for a type " + data + " may contain",
            "add the missing type to the union"};
  }
  if (rule == "NAME_MISMATCH") {
    return {"named type was renamed", "keep the old name, or list the old full name in \"aliases\""};
  }
  if (rule == "FIXED_SIZE_MISMATCH") {
    return {"fixed size changed", "keep the size; add a new field for the new size"};
  }
  if (rule == "TYPE_MISMATCH") {
    return {"type changed to one that cannot read " + data,
            "keep the type, or use a promotion Avro allows (int→long→float→double, string↔bytes)"};
  }
  // JSON Schema, Confluent names.
  if (rule == "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" ||
      rule == "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" ||
      rule == "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL" ||
      rule == "ITEM_ADDED_TO_OPEN_CONTENT_MODEL") {
    return {
        "added to an open content model: " + data + " may already carry this name with any value",
        "set additionalProperties: false in the old version before adding optional fields (or use --policy "
        "lenient)"};
  }
  if (rule == "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" ||
      rule == "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" || rule == "REQUIRED_ATTRIBUTE_ADDED") {
    return {"newly required property: " + data + " may lack it", "make it optional, or give it a default"};
  }
  if (rule == "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" ||
      rule == "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL") {
    return {"removed from a closed content model: " + data + " that carries it is now rejected",
            "keep it (deprecated), or allow it again through additionalProperties/patternProperties"};
  }
  if (ends("_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")) {
    return {"the schema that additionalProperties/patternProperties/additionalItems gives does not accept it",
            "make the property's schema compatible with the open part of the model"};
  }
  if (rule == "ADDITIONAL_PROPERTIES_REMOVED" || rule == "ADDITIONAL_PROPERTIES_NARROWED" ||
      rule == "UNEVALUATED_PROPERTIES_REMOVED" || rule == "UNEVALUATED_PROPERTIES_NARROWED") {
    return {"the content model was closed or narrowed: extra properties in " + data + " are now rejected",
            "keep additionalProperties as it was"};
  }
  if (rule == "ADDITIONAL_ITEMS_REMOVED" || rule == "ADDITIONAL_ITEMS_NARROWED" ||
      rule == "UNEVALUATED_ITEMS_REMOVED" || rule == "UNEVALUATED_ITEMS_NARROWED") {
    return {"extra array items are no longer accepted", "keep additionalItems as it was"};
  }
  if (rule == "TYPE_CHANGED" || rule == "TYPE_NARROWED") {
    return {"type changed: values in " + data + " no longer validate",
            "keep the type (a wider type is fine), or add a new property"};
  }
  if (rule == "SCHEMA_ADDED") {
    return {"a schema now constrains what was unconstrained", "leave it unconstrained"};
  }
  if (rule.rfind("ENUM_ARRAY_", 0) == 0) {
    return {"allowed values were removed or changed", "keep every old value (adding values is fine)"};
  }
  if (rule == "COMBINED_TYPE_CHANGED" || rule == "COMBINED_TYPE_SUBSCHEMAS_CHANGED" ||
      rule == "PRODUCT_TYPE_EXTENDED" || rule == "SUM_TYPE_NARROWED") {
    return {"the allOf/anyOf/oneOf alternatives no longer accept everything they did",
            "only add alternatives to anyOf/oneOf; do not add constraints to allOf"};
  }
  if (rule == "NOT_TYPE_EXTENDED") {
    return {"\"not\" now forbids more values", "forbid less, not more"};
  }
  if (ends("_ADDED") || ends("_INCREASED") || ends("_DECREASED") || ends("_CHANGED") || ends("_EXTENDED") ||
      ends("_NARROWED") || ends("_EXPANDED")) {
    return {"a constraint was added or tightened: values in " + data + " may now fail it",
            "keep the old limit, or relax it"};
  }
  return {"incompatible change", ""};
}

}  // namespace evt::schema
