// Schemas that used to pass although they are invalid or ambiguous, and
// $refs that used to leave the schema's folder.
#include "evt/error.hpp"
#include "evt/schema/avro_schema.hpp"
#include "evt/schema/json_schema_model.hpp"
#include "evt/schema/validate.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace evt;
using namespace evt::schema;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string avro_error(const std::string& text) {
  try {
    parse_avro_schema(json::parse(text));
  } catch (const Error& e) {
    CHECK(static_cast<int>(e.code()) == 2);
    return e.what();
  }
  return "";
}

std::string json_error(const std::string& text) {
  try {
    parse_json_text(text, "s.json", 100);
  } catch (const Error& e) {
    CHECK(static_cast<int>(e.code()) == 2);
    return e.what();
  }
  return "";
}

// A fresh folder under the build tree, removed at the end of the test.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("evt_hostile_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path / "schemas"); }
  ~TempDir() { fs::remove_all(path); }
  void write(const std::string& rel, const std::string& text) const { std::ofstream(path / rel) << text; }
};

}  // namespace

TEST_CASE("avro: invalid names and duplicate union branches are errors") {
  CHECK(avro_error(R"({"type":"record","name":"1-bad name","fields":[]})")
            .find("invalid name \"1-bad name\"") != std::string::npos);
  CHECK(avro_error(R"({"type":"record","name":"R","namespace":"a.1b","fields":[]})").find("invalid name") !=
        std::string::npos);
  CHECK(avro_error(R"({"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]})")
            .find("invalid field name \"a-b\"") != std::string::npos);
  CHECK(avro_error(R"({"type":"enum","name":"E","symbols":["ok","not ok"]})").find("invalid enum symbol") !=
        std::string::npos);
  CHECK(avro_error(R"(["int","int"])").find("two branches of type \"int\"") != std::string::npos);
  CHECK(avro_error(R"(["null",{"type":"array","items":"int"},{"type":"array","items":"string"}])")
            .find("two branches of type \"array\"") != std::string::npos);
  CHECK(avro_error(R"([{"type":"fixed","name":"F","size":1},"F"])").find("two branches of type \"F\"") !=
        std::string::npos);
  // Valid ones still load.
  CHECK(
      avro_error(
          R"({"type":"record","name":"_R1","namespace":"com.example_2","fields":[{"name":"a_1","type":["null","int","long",{"type":"fixed","name":"F","size":1},{"type":"fixed","name":"G","size":2}]}]})")
          .empty());
}

TEST_CASE("json schema text: trailing bytes, NULs and duplicate keys are errors") {
  CHECK(json_error(std::string("{\"type\":\"string\"}\0garbage", 25)).find("NUL byte at offset 17") !=
        std::string::npos);
  CHECK(json_error(R"({"type":"string"} {"type":"int"})").find("not valid JSON") != std::string::npos);
  CHECK(json_error(R"({"type":"object","type":"string"})") == "s.json: duplicate key \"type\" in an object");
  CHECK(json_error(R"({"properties":{"a":{"type":"string","minLength":1,"minLength":2}}})")
            .find("\"minLength\"") != std::string::npos);
  // The same key in different objects is fine.
  CHECK(json_error(R"({"type":"object","properties":{"type":{"type":"string"}},"items":{"type":"string"}})")
            .empty());
  // A parse error never quotes what the file holds.
  const auto err = json_error("root:x:0:0:SECRETHASH:/root:/bin/bash");
  CHECK(err.find("not valid JSON") != std::string::npos);
  CHECK(err.find("SECRET") == std::string::npos);
  CHECK(err.find("root") == std::string::npos);
}

TEST_CASE("json schema $refs: bare file names find their siblings; refs stay inside the folder") {
  TempDir dir;
  dir.write("schemas/parent.json", R"({"type":"object","properties":{"c":{"$ref":"child.json"}}})");
  dir.write("schemas/child.json", R"({"type":"string"})");
  dir.write("schemas/escape.json", R"({"$ref":"../outside.json"})");
  dir.write("outside.json", R"({"type":"string"})");
  dir.write("schemas/passwd.json", R"({"$ref":"../not-json.txt"})");
  dir.write("not-json.txt", "root:SECRETHASH:0:0\n");
  const fs::path before = fs::current_path();
  fs::current_path(dir.path / "schemas");
  // A bare file name: the folder is ".".
  CHECK_NOTHROW(load_json_schema_file("parent.json"));
  const auto bare = EventValidator::from_file("parent.json");
  CHECK(bare.validate(json::parse(R"({"c":"x"})")).empty());
  CHECK_FALSE(bare.validate(json::parse(R"({"c":1})")).empty());
  // ../ leaves the folder: refused, naming the $ref, without reading the file.
  try {
    load_json_schema_file("escape.json");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("$ref \"../outside.json\" leaves the schema's folder") !=
          std::string::npos);
    CHECK(std::string(e.hint()).find("--allow-ref-outside") != std::string::npos);
  }
  CHECK_THROWS_AS(EventValidator::from_file("escape.json"), Error);
  // Allowed on request; a non-JSON target is then named but never quoted.
  set_ref_outside_allowed(true);
  CHECK_NOTHROW(load_json_schema_file("escape.json"));
  try {
    load_json_schema_file("passwd.json");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("not valid JSON") != std::string::npos);
    CHECK(std::string(e.what()).find("SECRET") == std::string::npos);
  }
  set_ref_outside_allowed(false);
  fs::current_path(before);
}
