#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "evt/error.hpp"
#include "evt/schema/json_schema_compat.hpp"

using evt::schema::all_compatible;
using evt::schema::diff_json_schemas;
using evt::schema::load_json_schema;
using evt::schema::Policy;
using nlohmann::json;

namespace {

std::vector<std::string> diffs(const char* original, const char* update, Policy policy = Policy::strict) {
  auto o = load_json_schema(json::parse(original));
  auto u = load_json_schema(json::parse(update));
  std::vector<std::string> out;
  for (const auto& d : diff_json_schemas(o->root(), u->root(), policy)) {
    out.push_back(d.type + " " + d.path);
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool compatible(const char* original, const char* update, Policy policy = Policy::strict) {
  auto o = load_json_schema(json::parse(original));
  auto u = load_json_schema(json::parse(update));
  return all_compatible(diff_json_schemas(o->root(), u->root(), policy), policy);
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("json schema compat: string, number and enum constraints") {
  CHECK(diffs(R"({"type":"string","maxLength":5})", R"({"type":"string","maxLength":3})") ==
        V{"MAX_LENGTH_DECREASED #/maxLength"});
  CHECK_FALSE(compatible(R"({"type":"string","maxLength":5})", R"({"type":"string","maxLength":3})"));
  CHECK(compatible(R"({"type":"string","minLength":5})", R"({"type":"string"})"));
  CHECK(diffs(R"({"type":"string"})", R"({"type":"string","pattern":"^a"})") == V{"PATTERN_ADDED #/pattern"});
  CHECK(diffs(R"({"type":"number","exclusiveMaximum":5})", R"({"type":"number","exclusiveMaximum":7})") ==
        V{"EXCLUSIVE_MAXIMUM_INCREASED #/exclusiveMaximum"});
  CHECK(diffs(R"({"type":"number","multipleOf":2})", R"({"type":"number","multipleOf":4})") ==
        V{"MULTIPLE_OF_EXPANDED #/multipleOf"});
  CHECK(diffs(R"({"type":"integer"})", R"({"type":"number"})") == V{"TYPE_EXTENDED #/"});
  CHECK(diffs(R"({"enum":["a","b"]})", R"({"enum":["a"]})") == V{"ENUM_ARRAY_NARROWED #/enum"});
  CHECK_FALSE(compatible(R"({"enum":["a","b"]})", R"({"enum":["a"]})"));
  CHECK(compatible(R"({"enum":["a"]})", R"({"enum":["a","b"]})"));
  CHECK(diffs(R"({"const":1})", R"({"const":2})") == V{"ENUM_ARRAY_CHANGED #/const"});
}

TEST_CASE("json schema compat: open, closed and partially open content models") {
  // The open-content trap: adding an optional field to an open object.
  CHECK(diffs(R"({"type":"object","properties":{"a":{"type":"string"}}})",
              R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})") ==
        V{"OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL #/properties/b"});
  const char* open1 = R"({"type":"object","properties":{"a":{"type":"string"}}})";
  const char* open2 = R"({"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}})";
  CHECK_FALSE(compatible(open1, open2, Policy::strict));
  CHECK(compatible(open1, open2, Policy::lenient));
  // Closed model: adding optional is fine, adding required without default is not.
  const char* closed =
      R"({"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}})";
  CHECK(compatible(closed, R"({"type":"object","additionalProperties":false,
      "properties":{"a":{"type":"string"},"b":{"type":"string"}}})"));
  CHECK(diffs(closed, R"({"type":"object","additionalProperties":false,"required":["b"],
      "properties":{"a":{"type":"string"},"b":{"type":"string"}}})") ==
        V{"REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL #/properties/b"});
  CHECK(compatible(closed, R"({"type":"object","additionalProperties":false,"required":["b"],
      "properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}}})"));
  CHECK(diffs(closed, R"({"type":"object","additionalProperties":false,"properties":{}})") ==
        V{"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/a"});
  // Required with default, required removed.
  CHECK(diffs(R"({"properties":{"a":{"type":"string"}}})",
              R"({"properties":{"a":{"type":"string","default":""}},"required":["a"]})") ==
        V{"DEFAULT_CHANGED #/properties/a", "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED #/required/a"});
  // unevaluatedProperties (2020-12) closes the model like additionalProperties.
  CHECK(compatible(
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":true},"unevaluatedProperties":false})",
      R"({"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":true,"b":{"type":"string"}},"unevaluatedProperties":false})"));
  CHECK(
      diffs(
          R"({"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":true}})",
          R"({"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":true},"unevaluatedProperties":false})") ==
      V{"UNEVALUATED_PROPERTIES_REMOVED #/unevaluatedProperties"});
}

TEST_CASE("json schema compat: arrays, items and prefixItems") {
  CHECK(diffs(R"({"type":"array","items":{"type":"string"}})",
              R"({"type":"array","items":{"type":"integer"}})") == V{"TYPE_CHANGED #/items"});
  CHECK(diffs(R"({"type":"array","maxItems":3})", R"({"type":"array","maxItems":4})") ==
        V{"MAX_ITEMS_INCREASED #/maxItems"});
  CHECK(diffs(R"({"type":"array"})", R"({"type":"array","uniqueItems":true})") ==
        V{"UNIQUE_ITEMS_ADDED #/uniqueItems"});
  CHECK(
      diffs(
          R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false})",
          R"({"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[]})") ==
      V{"ADDITIONAL_ITEMS_ADDED #/additionalItems", "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL #/items/0"});
  CHECK(diffs(R"({"type":"array","items":[{"type":"string"}],"additionalItems":false})",
              R"({"type":"array","items":[],"additionalItems":false})") ==
        V{"ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL #/items/0"});
}

TEST_CASE("json schema compat: combinators, not, type lists") {
  CHECK(diffs(R"({"type":"string"})", R"({"type":["string","null"]})") == V{"SUM_TYPE_EXTENDED #/"});
  CHECK(diffs(R"({"type":["string","null"]})", R"({"type":"string"})") == V{"TYPE_CHANGED #/"});
  CHECK(diffs(R"({"anyOf":[{"type":"string"},{"type":"null"}]})", R"({"anyOf":[{"type":"string"}]})") ==
        V{"SUM_TYPE_NARROWED #/"});
  CHECK(diffs(R"({"not":{"type":"string"}})", R"({"not":{"type":"string","maxLength":2}})") ==
        V{"NOT_TYPE_NARROWED #/not"});
}

TEST_CASE("json schema compat: $ref inside the document and recursion") {
  const char* tree1 = R"({"$ref":"#/definitions/node","definitions":{"node":{"type":"object",
      "properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#/definitions/node"}}}}}})";
  const char* tree2 = R"({"$ref":"#/definitions/node","definitions":{"node":{"type":"object",
      "properties":{"name":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/definitions/node"}}}}}})";
  CHECK(diffs(tree1, tree1).empty());
  CHECK(diffs(tree1, tree2) == V{"TYPE_CHANGED #/properties/name"});
  // A $ref with a percent-encoded and escaped pointer.
  CHECK(diffs(R"({"$ref":"#/definitions/a%20b~1c","definitions":{"a b/c":{"type":"string"}}})",
              R"({"type":"string"})")
            .empty());
}

TEST_CASE("json schema loader: unusable $refs are clear errors with exit code 2") {
  auto code_of = [](const char* text) {
    try {
      load_json_schema(json::parse(text));
    } catch (const evt::Error& e) {
      CHECK(std::string(e.what()).find("$ref") != std::string::npos);
      return static_cast<int>(e.code());
    }
    return 0;
  };
  CHECK(code_of(R"({"$ref":"#/definitions/missing"})") == 2);
  CHECK(code_of(R"({"$ref":"https://example.com/schema.json"})") == 2);
  CHECK(code_of(R"({"$ref":"other.json"})") == 2);  // no file to resolve against
  CHECK(
      code_of(
          R"({"$ref":"#/definitions/a","definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}}})") ==
      2);
}

TEST_CASE("json schema loader: sibling-file $ref") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "evt-schema-unit-ref";
  fs::create_directories(dir);
  std::ofstream(dir / "money.json") << R"({"type":"object","properties":{"amount":{"type":"number"}}})";
  std::ofstream(dir / "order.json") << R"({"type":"object","properties":{"total":{"$ref":"money.json"}}})";
  std::ofstream(dir / "order2.json")
      << R"({"type":"object","properties":{"total":{"$ref":"money.json#/properties/amount"}}})";
  auto a = evt::schema::load_json_schema_file(dir / "order.json");
  auto b = evt::schema::load_json_schema_file(dir / "order2.json");
  auto d = diff_json_schemas(a->root(), b->root());
  REQUIRE(d.size() == 1);
  CHECK(d[0].type == "TYPE_CHANGED");
  CHECK(d[0].path == "#/properties/total");
  fs::remove_all(dir);
}

TEST_CASE("json schema loader: hostile nesting is refused, not a crash") {
  std::string deep;
  for (int i = 0; i < 5000; ++i) {
    deep += R"({"not":)";
  }
  deep += "{}";
  for (int i = 0; i < 5000; ++i) {
    deep += "}";
  }
  CHECK_THROWS_AS(evt::schema::parse_json_text(deep, "deep", 1000), evt::Error);
  // Within the text limit but a long $ref chain: refused by the depth guard.
  json defs = json::object();
  for (int i = 0; i < 3000; ++i) {
    defs["d" + std::to_string(i)] = {{"$ref", "#/definitions/d" + std::to_string(i + 1)}};
  }
  defs["d3000"] = {{"type", "string"}};
  json doc = {{"$ref", "#/definitions/d0"}, {"definitions", defs}};
  CHECK_THROWS_AS(load_json_schema(doc), evt::Error);
}

TEST_CASE("json schema compat: propertyNames (evt extension; Confluent ignores it)") {
  using V = std::vector<std::string>;
  const char* open = R"({"type":"object"})";
  const char* lower = R"({"type":"object","propertyNames":{"pattern":"^[a-z]+$"}})";
  const char* lower_digits = R"({"type":"object","propertyNames":{"pattern":"^[a-z0-9]+$"}})";
  const char* short_names = R"({"type":"object","propertyNames":{"maxLength":8}})";
  const char* longer_names = R"({"type":"object","propertyNames":{"maxLength":16}})";
  // A new constraint on names rejects objects that were valid: breaking.
  CHECK(diffs(open, lower) == V{"SCHEMA_ADDED #/propertyNames"});
  CHECK_FALSE(compatible(open, lower));
  // Dropping it accepts more: fine.
  CHECK(diffs(lower, open) == V{"SCHEMA_REMOVED #/propertyNames"});
  CHECK(compatible(lower, open));
  // A changed one is compared like any schema, located under propertyNames.
  CHECK(diffs(lower, lower_digits) == V{"PATTERN_CHANGED #/propertyNames/pattern"});
  CHECK_FALSE(compatible(lower, lower_digits));
  CHECK(diffs(short_names, longer_names) == V{"MAX_LENGTH_INCREASED #/propertyNames/maxLength"});
  CHECK(compatible(short_names, longer_names));
  CHECK_FALSE(compatible(longer_names, short_names));
  CHECK(diffs(lower, lower).empty());
}

TEST_CASE("json schema compat: enums are compared by value through a hash") {
  // 1 and 1.0 are the same JSON value; strings and numbers are not.
  CHECK(diffs(R"({"enum":[1,"a",null,{"x":[1]}]})", R"({"enum":[{"x":[1]},null,"a",1.0]})").empty());
  CHECK(diffs(R"({"enum":["1"]})", R"({"enum":[1]})") == V{"ENUM_ARRAY_CHANGED #/enum"});
  // A long enum: one value dropped, one added, or one changed is told apart.
  std::string all = "[", fewer = "[", changed = "[";
  for (int i = 0; i < 2000; ++i) {
    const std::string v = "\"v" + std::to_string(i) + "\"";
    all += (i ? "," : "") + v;
    if (i != 1000) {
      fewer += (i ? "," : "") + v;
    }
    changed += (i ? "," : "") + (i == 1999 ? std::string("\"other\"") : v);
  }
  all += "]", fewer += "]", changed += "]";
  const std::string a = R"({"enum":)" + all + "}", f = R"({"enum":)" + fewer + "}",
                    c = R"({"enum":)" + changed + "}";
  CHECK(diffs(a.c_str(), f.c_str()) == V{"ENUM_ARRAY_NARROWED #/enum"});
  CHECK(diffs(f.c_str(), a.c_str()) == V{"ENUM_ARRAY_EXTENDED #/enum"});
  CHECK(diffs(a.c_str(), c.c_str()) == V{"ENUM_ARRAY_CHANGED #/enum"});
  CHECK(diffs(a.c_str(), a.c_str()).empty());
}
