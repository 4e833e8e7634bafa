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
  for (const auto& i : check_avro_compatibility(r->root(), w->root())) out.push_back(i.type + " " + i.location);
  return out;
}

std::string record(const std::string& fields, const std::string& name = "Order") {
  return R"({"type":"record","name":")" + name + R"(","namespace":"shop","fields":[)" + fields + "]}";
}

using V = std::vector<std::string>;

} // namespace

TEST_CASE("avro: every allowed promotion reads, the reverse does not") {
  const std::pair<const char*, const char*> promotions[] = {
      {"long", "int"}, {"float", "int"}, {"double", "int"}, {"float", "long"},
      {"double", "long"}, {"double", "float"}, {"bytes", "string"}, {"string", "bytes"}};
  for (const auto& [reader, writer] : promotions) {
    CAPTURE(reader);
    CAPTURE(writer);
    CHECK(check(std::string("\"") + reader + "\"", std::string("\"") + writer + "\"").empty());
  }
  for (const auto& [wider, narrower] : {std::pair{"long", "int"}, {"double", "float"}, {"float", "long"}}) {
    CAPTURE(wider);
    CHECK(check(std::string("\"") + narrower + "\"", std::string("\"") + wider + "\"") == V{"TYPE_MISMATCH /"});
  }
}

TEST_CASE("avro: READER_FIELD_MISSING_DEFAULT_VALUE and defaults") {
  const auto v1 = record(R"({"name":"id","type":"string"})");
  const auto v2 = record(R"({"name":"id","type":"string"},{"name":"note","type":"string"})");
  const auto v2d = record(R"({"name":"id","type":"string"},{"name":"note","type":["null","string"],"default":null})");
  CHECK(check(v2, v1) == V{"READER_FIELD_MISSING_DEFAULT_VALUE /fields/1"});
  CHECK(check(v2d, v1).empty());
  CHECK(check(v1, v2).empty()); // removing a field is fine for the reader
  // Field aliases let a renamed field read the old one.
  CHECK(check(record(R"({"name":"key","type":"string","aliases":["id"]})"), v1).empty());
}

TEST_CASE("avro: TYPE_MISMATCH located inside fields, arrays and maps") {
  CHECK(check(record(R"({"name":"id","type":"int"})"), record(R"({"name":"id","type":"string"})")) ==
        V{"TYPE_MISMATCH /fields/0/type"});
  CHECK(check(R"({"type":"array","items":"int"})", R"({"type":"array","items":"string"})") == V{"TYPE_MISMATCH /items"});
  CHECK(check(R"({"type":"map","values":"int"})", R"({"type":"map","values":"long"})") == V{"TYPE_MISMATCH /values"});
  CHECK(check(R"({"type":"map","values":"long"})", R"({"type":"map","values":"int"})").empty());
}

TEST_CASE("avro: MISSING_UNION_BRANCH both ways") {
  CHECK(check(R"(["null","int"])", R"("string")") == V{"MISSING_UNION_BRANCH /"});
  CHECK(check(R"(["null","long"])", R"("int")").empty()); // promotion into a branch
  CHECK(check(R"("string")", R"(["null","string"])") == V{"MISSING_UNION_BRANCH /0"});
  CHECK(check(R"(["string","null"])", R"(["null","string"])").empty());
}

TEST_CASE("avro: MISSING_ENUM_SYMBOLS unless the reader has a default") {
  const char* w = R"({"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]})";
  CHECK(check(R"({"type":"enum","name":"Status","symbols":["NEW","PAID"]})", w) == V{"MISSING_ENUM_SYMBOLS /symbols"});
  CHECK(check(R"({"type":"enum","name":"Status","symbols":["NEW","PAID","UNKNOWN"],"default":"UNKNOWN"})", w).empty());
  CHECK(check(w, R"({"type":"enum","name":"Status","symbols":["NEW"]})").empty());
}

TEST_CASE("avro: NAME_MISMATCH and aliases, FIXED_SIZE_MISMATCH") {
  CHECK(check(record(R"({"name":"id","type":"string"})", "Purchase"), record(R"({"name":"id","type":"string"})")) ==
        V{"NAME_MISMATCH /name"});
  CHECK(check(R"({"type":"record","name":"Purchase","namespace":"shop","aliases":["Order"],"fields":[]})",
              record("")).empty());
  CHECK(check(R"({"type":"fixed","name":"Hash","size":16})", R"({"type":"fixed","name":"Hash","size":32})") ==
        V{"FIXED_SIZE_MISMATCH /size"});
  CHECK(check(R"({"type":"fixed","name":"Sha","size":16})", R"({"type":"fixed","name":"Hash","size":16})") ==
        V{"NAME_MISMATCH /name"});
}

TEST_CASE("avro: recursive records terminate") {
  const char* list1 = R"({"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]})";
  const char* list2 = R"({"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]})";
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
  CHECK(code_of(R"({"type":"record","name":"A","fields":[{"name":"x","type":"string","default":null}]})") == 2);
  CHECK(code_of(R"({"type":"record","name":"A","fields":[{"name":"x","type":["string","null"],"default":null}]})") == 2);
  CHECK(code_of(R"({"type":"enum","name":"E","symbols":["A","A"]})") == 2);
  CHECK(code_of(R"({"type":"record","name":"A","fields":[{"name":"x","type":["null","string"],"default":null}]})") == 0);
}
