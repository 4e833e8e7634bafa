#include <doctest/doctest.h>

#include "evt/error.hpp"
#include "evt/schema/avro_compat.hpp"

using evt::schema::check_avro_compatibility;
using evt::schema::parse_avro_schema;
using nlohmann::json;

namespace {

// "TYPE location" for each incompatibility of reader vs writer.
std::vector<std::string> check(const std::string& reader, const std::string& writer) {
  auto r = parse_avro_schema(json::parse(reader));
  auto w = parse_avro_schema(json::parse(writer));
  std::vector<std::string> out;
  for (const auto& i : check_avro_compatibility(r->root(), w->root())) {
    out.push_back(i.type + " " + i.location);
  }
  return out;
}

std::string record(const std::string& fields, const std::string& name = "Order") {
  return R"({"type":"record","name":")" + name + R"(","namespace":"shop","fields":[)" + fields + "]}";
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("avro: every allowed promotion reads, the reverse does not") {
  const std::pair<const char*, const char*> promotions[] = {
      {"long", "int"},    {"float", "int"},    {"double", "int"},   {"float", "long"},
      {"double", "long"}, {"double", "float"}, {"bytes", "string"}, {"string", "bytes"}};
  for (const auto& [reader, writer] : promotions) {
    CAPTURE(reader);
    CAPTURE(writer);
    CHECK(check(std::string("\"") + reader + "\"", std::string("\"") + writer + "\"").empty());
  }
  for (const auto& [wider, narrower] : {std::pair{"long", "int"}, {"double", "float"}, {"float", "long"}}) {
    CAPTURE(wider);
    CHECK(check(std::string("\"") + narrower + "\"", std::string("\"") + wider + "\"") ==
          V{"TYPE_MISMATCH /"});
  }
}

TEST_CASE("avro: READER_FIELD_MISSING_DEFAULT_VALUE and defaults") {
  const auto v1 = record(R"({"name":"id","type":"string"})");
  const auto v2 = record(R"({"name":"id","type":"string"},{"name":"note","type":"string"})");
  const auto v2d =
      record(R"({"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null})");
  CHECK(check(v2, v1) == V{"READER_FIELD_MISSING_DEFAULT_VALUE /fields/1"});
  CHECK(check(v2d, v1).empty());
  CHECK(check(v1, v2).empty());  // removing a field is fine for the reader
  // Field aliases let a renamed field read the old one.
  CHECK(check(record(R"({"name":"key","type":"string","aliases":["id"]})"), v1).empty());
}

TEST_CASE("avro: TYPE_MISMATCH located inside fields, arrays and maps") {
  CHECK(check(record(R"({"name":"id","type":"int"})"), record(R"({"name":"id","type":"string"})")) ==
        V{"TYPE_MISMATCH /fields/0/type"});
  CHECK(check(R"({"type":"array","items":"int"})", R"({"type":"array","items":"string"})") ==
        V{"TYPE_MISMATCH /items"});
  CHECK(check(R"({"type":"map","values":"int"})", R"({"type":"map","values":"long"})") ==
        V{"TYPE_MISMATCH /values"});
  CHECK(check(R"({"type":"map","values":"long"})", R"({"type":"map","values":"int"})").empty());
}

TEST_CASE("avro: MISSING_UNION_BRANCH both ways") {
  CHECK(check(R"(["null","int"])", R"("string")") == V{"MISSING_UNION_BRANCH /"});
  CHECK(check(R"(["null","long"])", R"("int")").empty());  // promotion into a branch
  CHECK(check(R"(["string","null"])", R"(["null","string"])").empty());
  // Union writer, union reader: the writer branch the reader lacks, by index.
  CHECK(check(R"(["null","string"])", R"(["null","string","int"])") == V{"MISSING_UNION_BRANCH /2"});
}

TEST_CASE("avro: a non-union reader of a writer union reads each branch (Java's rule)") {
  // Every branch readable, through promotions: compatible.
  CHECK(check(R"("long")", R"(["int","long"])").empty());
  CHECK(check(R"("double")", R"(["int","long","float"])").empty());
  // A branch it cannot read is reported as that branch's own problem, here.
  CHECK(check(R"("string")", R"(["null","string"])") == V{"TYPE_MISMATCH /"});
  auto r = parse_avro_schema(json::parse(R"("string")"));
  auto w = parse_avro_schema(json::parse(R"(["null","string"])"));
  auto found = check_avro_compatibility(r->root(), w->root());
  REQUIRE(found.size() == 1);
  CHECK(found[0].message == "reader type: STRING not compatible with writer type: NULL");
  // Inside a record field.
  CHECK(check(record(R"({"name":"id","type":"string"})"),
              record(R"({"name":"id","type":["null","string"],"default":null})")) ==
        V{"TYPE_MISMATCH /fields/0/type"});
}

TEST_CASE("avro: MISSING_ENUM_SYMBOLS unless the reader has a default") {
  const char* w = R"({"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]})";
  CHECK(check(R"({"type":"enum","name":"Status","symbols":["NEW","PAID"]})", w) ==
        V{"MISSING_ENUM_SYMBOLS /symbols"});
  CHECK(check(R"({"type":"enum","name":"Status","symbols":["NEW","PAID","UNKNOWN"],"default":"UNKNOWN"})", w)
            .empty());
  CHECK(check(w, R"({"type":"enum","name":"Status","symbols":["NEW"]})").empty());
  // Missing symbols are listed sorted, as Java does.
  auto r = parse_avro_schema(json::parse(R"({"type":"enum","name":"Status","symbols":["NEW"]})"));
  auto wr = parse_avro_schema(json::parse(w));
  auto found = check_avro_compatibility(r->root(), wr->root());
  REQUIRE(found.size() == 1);
  CHECK(found[0].message == "[PAID, SHIPPED]");
}

TEST_CASE("avro: NAME_MISMATCH and aliases, FIXED_SIZE_MISMATCH") {
  CHECK(check(record(R"({"name":"id","type":"string"})", "Purchase"),
              record(R"({"name":"id","type":"string"})")) == V{"NAME_MISMATCH /name"});
  CHECK(check(R"({"type":"record","name":"Purchase","namespace":"shop","aliases":["Order"],"fields":[]})",
              record(""))
            .empty());
  CHECK(check(R"({"type":"fixed","name":"Hash","size":16})", R"({"type":"fixed","name":"Hash","size":32})") ==
        V{"FIXED_SIZE_MISMATCH /size"});
  CHECK(check(R"({"type":"fixed","name":"Sha","size":16})", R"({"type":"fixed","name":"Hash","size":16})") ==
        V{"NAME_MISMATCH /name"});
}

TEST_CASE("avro: aliases resolve against the reader's namespace; logical types are ignored") {
  // A relative alias takes the namespace of the type it belongs to.
  CHECK(check(R"({"type":"record","name":"Purchase","namespace":"shop","aliases":["Order"],"fields":[]})",
              R"({"type":"record","name":"Order","namespace":"shop","fields":[]})")
            .empty());
  // A fully qualified alias from another namespace.
  CHECK(
      check(R"({"type":"record","name":"Purchase","namespace":"sales","aliases":["shop.Order"],"fields":[]})",
            R"({"type":"record","name":"Order","namespace":"shop","fields":[]})")
          .empty());
  // Aliases belong to the reader: a writer alias does not help.
  CHECK(check(R"({"type":"record","name":"Purchase","namespace":"shop","fields":[]})",
              R"({"type":"record","name":"Order","namespace":"shop","aliases":["Purchase"],"fields":[]})") ==
        V{"NAME_MISMATCH /name"});
  // Same unqualified name in another namespace matches (Java compares unqualified names).
  CHECK(check(R"({"type":"record","name":"Order","namespace":"a","fields":[]})",
              R"({"type":"record","name":"Order","namespace":"b","fields":[]})")
            .empty());
  // Logical types resolve as their underlying types.
  CHECK(check(R"({"type":"long","logicalType":"timestamp-millis"})", R"({"type":"int","logicalType":"date"})")
            .empty());
  CHECK(check(R"({"type":"int","logicalType":"date"})",
              R"({"type":"long","logicalType":"timestamp-millis"})") == V{"TYPE_MISMATCH /"});
  // Nested records, arrays of records and maps resolve their items.
  const auto inner_old =
      R"({"type":"array","items":{"type":"record","name":"L","fields":[{"name":"q","type":"int"}]}})";
  const auto inner_new =
      R"({"type":"array","items":{"type":"record","name":"L","fields":[{"name":"q","type":"long"},{"name":"z","type":"string"}]}})";
  CHECK(check(inner_new, inner_old) == V{"READER_FIELD_MISSING_DEFAULT_VALUE /items/fields/1"});
  CHECK(check(R"({"type":"map","values":"double"})", R"({"type":"map","values":"float"})").empty());
  CHECK(check(R"({"type":"array","items":"bytes"})", R"({"type":"array","items":"string"})").empty());
  CHECK(check(R"({"type":"fixed","name":"F","size":4})", R"("bytes")") == V{"TYPE_MISMATCH /"});
}

TEST_CASE("avro: thousands of chained named types are refused, not a crash") {
  auto code_of = [](const json& reader, const json& writer, const char* message) {
    auto r = parse_avro_schema(reader);
    auto w = parse_avro_schema(writer);
    try {
      check_avro_compatibility(r->root(), w->root());
    } catch (const evt::Error& e) {
      CHECK(std::string(e.what()).find(message) != std::string::npos);
      return static_cast<int>(e.code());
    }
    return 0;
  };
  // R<i> holds R<i-1> by name, all defined in a shallow array; the reader's
  // "defs" field is absent from the writer (it has a default), so the first
  // comparison starts at the deep end of the chain.
  auto chain = [](const char* defs_name) {
    json types = json::array();
    types.push_back(json::parse(R"({"type":"record","name":"R0","fields":[{"name":"f","type":"int"}]})"));
    for (int i = 1; i < 3000; ++i) {
      types.push_back({{"type", "record"},
                       {"name", "R" + std::to_string(i)},
                       {"fields", json::array({{{"name", "f"}, {"type", "R" + std::to_string(i - 1)}}})}});
    }
    json fields = json::array();
    fields.push_back(
        {{"name", defs_name}, {"type", {{"type", "array"}, {"items", types}}}, {"default", json::array()}});
    fields.push_back({{"name", "last"}, {"type", "R2999"}});
    return json{{"type", "record"}, {"name", "Top"}, {"fields", fields}};
  };
  CHECK(code_of(chain("defs"), chain("writer_defs"), "nest too deeply") == 2);
  // A union of many records against itself: every pair is compared.
  json branches = json::array();
  for (int i = 0; i < 600; ++i) {
    branches.push_back({{"type", "record"},
                        {"name", "U" + std::to_string(i)},
                        {"fields", json::array({{{"name", "f"}, {"type", "int"}}})}});
  }
  CHECK(code_of(branches, branches, "too complex") == 2);
}

TEST_CASE("avro: recursive records terminate") {
  const char* list1 =
      R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]})";
  const char* list2 =
      R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]})";
  CHECK(check(list2, list1).empty());
  CHECK(check(list1, list2) == V{"TYPE_MISMATCH /fields/0/type"});
}

TEST_CASE("avro parser: invalid input is a clear error with exit code 2") {
  auto code_of = [](const char* text) {
    try {
      parse_avro_schema(json::parse(text));
    } catch (const evt::Error& e) {
      return static_cast<int>(e.code());
    }
    return 0;
  };
  CHECK(code_of(R"({"type":"record","name":"A","fields":[{"name":"x","type":"Missing"}]})") == 2);
  CHECK(code_of(R"({"type":"record","name":"A","fields":[{"name":"x","type":"string","default":null}]})") ==
        2);
  CHECK(
      code_of(
          R"({"type":"record","name":"A","fields":[{"name":"x","type":["string","null"],"default":null}]})") ==
      2);
  CHECK(code_of(R"({"type":"enum","name":"E","symbols":["A","A"]})") == 2);
  CHECK(
      code_of(
          R"({"type":"record","name":"A","fields":[{"name":"x","type":["null","string"],"default":null}]})") ==
      0);
}

TEST_CASE("avro: enum symbols are looked up by hash, with the same answers") {
  std::string symbols, fewer;
  for (int i = 0; i < 100000; ++i) {
    symbols += (i ? ",\"S" : "\"S") + std::to_string(i) + "\"";
    if (i % 50000 != 7) {
      fewer += (fewer.empty() ? "\"S" : ",\"S") + std::to_string(i) + "\"";
    }
  }
  const std::string w = R"({"type":"enum","name":"E","symbols":[)" + symbols + "]}";
  const std::string r = R"({"type":"enum","name":"E","symbols":[)" + fewer + "]}";
  CHECK(check(w, r).empty());
  const auto missing = check_avro_compatibility(parse_avro_schema(json::parse(r))->root(),
                                                parse_avro_schema(json::parse(w))->root());
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].type == "MISSING_ENUM_SYMBOLS");
  CHECK(missing[0].message == "[S50007, S7]");
  // Defaults are checked against the symbols by the same index.
  CHECK(
      check(R"({"type":"record","name":"R","fields":[{"name":"e","type":)" + w + R"(,"default":"S99999"}]})",
            R"({"type":"record","name":"R","fields":[]})")
          .empty());
  CHECK_THROWS_AS(
      parse_avro_schema(json::parse(
          R"({"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"]},"default":"B"}]})")),
      evt::Error);
}
