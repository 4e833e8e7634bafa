// The fast path of `evt publish --schema`: RapidJSON parsing, the nesting
// bound, and the compiled schema check, which must never accept an event
// that valijson (EventValidator, the reference) refuses.
#include "evt/codec/json_scan.hpp"
#include "evt/codec/record_line.hpp"
#include "evt/publish/json.hpp"
#include "evt/publish/record.hpp"
#include "evt/publish/schema.hpp"
#include "evt/schema/compiled_check.hpp"
#include "evt/schema/validate.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace evt::publish;
using evt::schema::CompiledCheck;
using evt::schema::EventValidator;
using nlohmann::json;

namespace {

std::string nested(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST_CASE("nesting depth: brackets in strings do not count; bounded past the limit") {
  CHECK(json_nesting_depth("1") == 0);
  CHECK(json_nesting_depth(R"({"a":[1,{"b":2}]})") == 3);
  CHECK(json_nesting_depth(nested(300), 256) == 257);
  // Only above the limit does the exact walk run: strings are skipped there.
  const std::string in_strings = "[\"" + std::string(300, '[') + "\\\"\"]";
  CHECK(json_nesting_depth(in_strings, 10) <= 10 + 1);
  CHECK(json_nesting_depth(in_strings, 10) == 1);
}

TEST_CASE("FastJson: strict JSON only, like nlohmann") {
  FastJson fast;
  CHECK(fast.parse(R"({"a":1})"));
  CHECK(fast.root()["a"].GetInt() == 1);
  CHECK(fast.parse("5"));
  CHECK_FALSE(fast.parse(R"({"a":1} x)"));
  CHECK_FALSE(fast.parse(std::string("{\"a\":1}\0x", 9)));  // NUL then garbage
  CHECK_FALSE(fast.parse("{\"a\":\"\xff\"}"));              // invalid UTF-8
  CHECK_FALSE(fast.parse("[1,]"));
  CHECK_FALSE(fast.parse("{'a':1}"));
  CHECK_FALSE(fast.parse(nested(k_max_event_depth + 1)));  // left to nlohmann
  CHECK(fast.parse(nested(k_max_event_depth)));
  // The pool is reused: many lines in a row stay correct.
  for (int i = 0; i < 10000; ++i) {
    REQUIRE(fast.parse(R"({"orderId":)" + std::to_string(i) + R"(,"s":"x"})"));
    REQUIRE(fast.root()["orderId"].GetInt() == i);
  }
}

TEST_CASE("record lines are recognised on RapidJSON values as on nlohmann ones") {
  FastJson fast;
  for (const char* text :
       {R"({"value":"x"})", R"({"value_base64":"eA==","key":"k"})", R"({"value":1,"extra":2})",
        R"({"key":"k"})", R"([1])", R"({"topic":"t","value":null,"headers":[]})"}) {
    REQUIRE(fast.parse(text));
    CHECK(is_record_line(fast.root()) == evt::codec::is_record_line(json::parse(text)));
  }
}

TEST_CASE("compiled check: schemas with other keywords are left to valijson") {
  CHECK(CompiledCheck::compile(json::parse(R"({"type":"object"})")) != nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"$ref":"#/definitions/a"})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"properties":{"a":{"pattern":"x"}}})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"enum":[1,2]})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"items":[{"type":"string"}]})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"exclusiveMinimum":true,"minimum":1})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"properties":{"a":true}})")) == nullptr);
  CHECK(CompiledCheck::compile(json::parse(R"({"format":"date-time"})")) == nullptr);
}

TEST_CASE("compiled check agrees with valijson") {
  const json schemas = json::parse(R"([
    {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
     "required":["orderId","customerId","total","items"],
     "properties":{"orderId":{"type":"integer","minimum":1},"customerId":{"type":"string","minLength":1,"maxLength":4},
       "total":{"type":"number","exclusiveMinimum":0,"maximum":100},
       "items":{"type":"array","minItems":1,"maxItems":2,"items":{"type":"object","required":["sku"],
         "properties":{"sku":{"type":"string"},"qty":{"type":"integer","exclusiveMaximum":10}},
         "additionalProperties":false}}}},
    {"type":["string","null"],"enum":["a","é",null]},
    {"type":"object","additionalProperties":{"type":"boolean"},"properties":{"n":{"type":"number"}}},
    {"const":true},
    {"type":"array","items":{"type":"integer"}}
  ])");
  const json events = json::parse(R"([
    {"orderId":1,"customerId":"c","total":2.5,"items":[{"sku":"A","qty":2}]},
    {"orderId":0,"customerId":"c","total":2.5,"items":[{"sku":"A"}]},
    {"orderId":1.0,"customerId":"c","total":2.5,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"","total":2.5,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"éééé","total":2.5,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"ééééé","total":2.5,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"c","total":0,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"c","total":100,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"c","total":100.5,"items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"c","total":1,"items":[]},
    {"orderId":1,"customerId":"c","total":1,"items":[{"sku":"A"},{"sku":"B"},{"sku":"C"}]},
    {"orderId":1,"customerId":"c","total":1,"items":[{"sku":"A","qty":10}]},
    {"orderId":1,"customerId":"c","total":1,"items":[{"sku":"A","extra":1}]},
    {"orderId":1,"customerId":"c","total":1,"items":[{"qty":1}]},
    {"orderId":1,"customerId":"c","total":1,"items":"x"},
    {"orderId":1,"customerId":"c","items":[{"sku":"A"}]},
    {"orderId":1,"customerId":"c","total":"1","items":[{"sku":"A"}]},
    {"orderId":18446744073709551615,"customerId":"c","total":1,"items":[{"sku":"A"}]},
    {"orderId":-1,"customerId":"c","total":1,"items":[{"sku":"A"}]},
    {"n":1,"b":true}, {"n":"1"}, {"b":1}, {"n":1.5,"c":false},
    "a", "é", "b", null, true, false, 1, 1.5, [], [1,2], [1,2.5], ["1"], {}
  ])");
  // The same events as text, escaped and spelled in ways a dump never is.
  const std::vector<std::string> texts = {
      R"({"orderId":1,"customerId":"c","tot\u0061l":2.5,"items":[{"sku":"A"}]})",
      R"({"orderId":1,"customerId":"\u00e9\u00e9","total":2.5,"items":[{"s\u006bu":"A","qty":9}]})",
      R"({"orderId":1,"customerId":"a\u0000bcdef","total":2.5,"items":[{"sku":"A"}]})",
      R"({"orderId":1,"customerId":"\u00e9\u00e9\u00e9\u00e9\u00e9","total":2.5,"items":[{"sku":"A"}]})",
      R"({"orderId":-0,"customerId":"c","total":-0.0,"items":[{"sku":"A"}]})",
      R"({"orderId":1,"customerId":"c","total":1.000000000000000000001,"items":[{"sku":"A"}]})",
      R"({"orderId":123456789012345678901234,"customerId":"c","total":1,"items":[{"sku":"A"}]})",
      R"({"orderId":9223372036854775808,"customerId":"c","total":1,"items":[{"sku":"A"}]})",
      R"({"orderId":-9223372036854775809,"customerId":"c","total":1,"items":[{"sku":"A"}]})",
      R"({"orderId":2,"orderId":"x","customerId":"c","total":1,"items":[{"sku":"A"}]})",
      R"( { "orderId" : 1 , "customerId" : "c" , "total" : 99.99 , "items" : [ { "sku" : "A" } ] } )",
      "\xef\xbb\xbf{\"orderId\":1,\"customerId\":\"c\",\"total\":1,\"items\":[{\"sku\":\"A\"}]}",
      R"("\u00e9")",
      R"("\u0061")",
      R"(["a","\u0062"])",
      R"({"n":1,"x":{"y":[true]}})",
      R"({"b":tru\u0065})",
      R"({"n":1,"b":false,"b":1})",
      R"([1,2,3,4,5,6,7,8,9,10,-1])",
      R"([])",
      R"({})",
      R"(null)"};
  int compiled = 0;
  evt::codec::JsonScanner scanner;
  scanner.record_tape(true);
  size_t agreed = 0;
  for (const auto& schema : schemas) {
    const auto check = CompiledCheck::compile(schema);
    REQUIRE(check != nullptr);
    ++compiled;
    const auto reference = EventValidator::from_json(schema);
    for (const auto& event : events) {
      FastJson fast;
      REQUIRE(fast.parse(event.dump()));
      const bool valid = reference.validate(event).empty();
      INFO("schema " << schema.dump() << " event " << event.dump());
      CHECK(check->accepts(fast.root()) == valid);
      const std::string text = event.dump();  // the tape points into it
      REQUIRE(scanner.scan(text));
      CHECK(check->accepts(scanner) == valid);  // the same check over the scan's tape
    }
    for (const auto& text : texts) {
      INFO("schema " << schema.dump() << " event " << text);
      json event;
      try {
        event = json::parse(text);
      } catch (const json::exception&) {
        CHECK_FALSE(scanner.scan(text));  // not JSON for either
        continue;
      }
      REQUIRE(scanner.scan(text));
      CHECK(check->accepts(scanner) == reference.validate(event).empty());
      ++agreed;
    }
  }
  CHECK(compiled == 5);
  CHECK(agreed > 100);
  // A duplicate name: nlohmann keeps the last member; the fast checks look
  // at every one and may refuse, which only hands the event to the reference.
  const auto check = CompiledCheck::compile(schemas[0]);
  const std::string dup = R"({"orderId":"x","orderId":2,"customerId":"c","total":1,"items":[{"sku":"A"}]})";
  REQUIRE(scanner.scan(dup));
  CHECK_FALSE(check->accepts(scanner));
  CHECK(EventValidator::from_json(schemas[0]).validate(json::parse(dup)).empty());
}

TEST_CASE("compiled check over a scan: numbers nlohmann may refuse are left to the reference") {
  const auto check = CompiledCheck::compile(json::parse(R"({"type":"object"})"));
  REQUIRE(check != nullptr);
  evt::codec::JsonScanner scanner;
  scanner.record_tape(true);
  REQUIRE(scanner.scan(R"({"a":1})"));
  CHECK(check->accepts(scanner));
  // 1e400 overflows a double: nlohmann (the reference) refuses the event,
  // so the check must not accept it, even where the schema says nothing.
  REQUIRE(scanner.scan(R"({"a":[1e400]})"));
  CHECK_FALSE(check->accepts(scanner));
  const auto parse_reference = [] {
    const json parsed = json::parse(R"({"a":[1e400]})");
    return parsed.size();
  };
  CHECK_THROWS_AS(parse_reference(), json::exception);
  // Any exponent is left to the reference (which accepts this one).
  REQUIRE(scanner.scan(R"({"a":1e2})"));
  CHECK_FALSE(check->accepts(scanner));
  // Without the tape there is nothing to check: never an accept.
  evt::codec::JsonScanner untaped;
  REQUIRE(untaped.scan(R"({"a":1})"));
  CHECK_FALSE(check->accepts(untaped));
}

TEST_CASE("compiled check over a scan agrees with valijson on a generated corpus") {
  const json schema = json::parse(R"(
    {"type":"object","required":["orderId","customerId","total","items"],
     "properties":{"orderId":{"type":"integer","minimum":1},
       "customerId":{"type":"string","minLength":1,"maxLength":6},
       "status":{"enum":["new","paid","caf\u00e9",null,true]},
       "total":{"type":"number","minimum":0,"exclusiveMaximum":1000},
       "items":{"type":"array","minItems":1,"maxItems":3,"items":{"type":"object","required":["sku","qty"],
         "properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}},
         "additionalProperties":false}}},
     "additionalProperties":{"type":["string","boolean"]}})");
  const auto check = CompiledCheck::compile(schema);
  REQUIRE(check != nullptr);
  const auto reference = EventValidator::from_json(schema);
  const std::vector<std::string> ids = {
      "1", "0", "-1", "1.5", "\"1\"", "7", "9223372036854775807", "18446744073709551615", "1.0", "null"};
  const std::vector<std::string> customers = {
      "\"c\"",
      "\"\"",
      "\"abcdef\"",
      "\"abcdefg\"",
      "\"\\u00e9\\u00e9\"",
      "\"ab\\u0000cdefgh\"",
      "5",
      "\"\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\\ud83d\\ude00\""};
  const std::vector<std::string> statuses = {"\"new\"", "\"caf\\u00e9\"", "\"caf\xc3\xa9\"", "\"cafe\"",
                                             "null",    "true",           "false",           "1"};
  const std::vector<std::string> totals = {"0", "-0.5", "999.99", "1000", "0.1", "\"1\"", "-0"};
  const std::vector<std::string> items = {"[{\"sku\":\"A\",\"qty\":1}]",
                                          "[]",
                                          "[{\"sku\":\"A\",\"qty\":0}]",
                                          "[{\"sku\":\"A\"}]",
                                          "[{\"sku\":\"A\",\"qty\":1,\"x\":1}]",
                                          "[{\"sku\":\"A\",\"qty\":1},{\"sku\":\"B\",\"qty\":2}]",
                                          "[1,2,3,4]",
                                          "{}",
                                          "[{\"s\\u006bu\":\"A\",\"qty\":2}]"};
  const std::vector<std::string> extras = {"\"note\":\"x\"", "\"flag\":true", "\"n\":1", "\"o\":{}"};
  std::mt19937 rng(13);
  evt::codec::JsonScanner scanner;
  scanner.record_tape(true);
  size_t valid = 0;
  size_t invalid = 0;
  for (int i = 0; i < 3000; ++i) {
    // Half the picks are the first (valid) choice, so that valid events
    // are common too.
    const auto pick = [&](const std::vector<std::string>& v) {
      return rng() % 2 == 0 ? v[0] : v[rng() % v.size()];
    };
    std::vector<std::string> members = {"\"orderId\":" + pick(ids), "\"customerId\":" + pick(customers),
                                        "\"total\":" + pick(totals), "\"items\":" + pick(items)};
    if (rng() % 2 == 0) {
      members.push_back("\"status\":" + pick(statuses));
    }
    if (rng() % 3 == 0) {
      members.push_back(pick(extras));
    }
    if (rng() % 5 == 0) {
      members.erase(members.begin() + static_cast<long>(rng() % members.size()));
    }
    if (rng() % 7 == 0) {
      members.push_back(members[rng() % members.size()]);  // a duplicate
    }
    std::shuffle(members.begin(), members.end(), rng);
    std::string text = "{";
    for (size_t m = 0; m < members.size(); ++m) {
      text += (m ? "," : "") + members[m];
    }
    text += "}";
    CAPTURE(text);
    const json event = json::parse(text);
    REQUIRE(scanner.scan(text));
    const bool ok = reference.validate(event).empty();
    CHECK(check->accepts(scanner) == ok);
    (ok ? valid : invalid) += 1;
  }
  CHECK(valid > 300);
  CHECK(invalid > 1000);
}

TEST_CASE("publish: events nested too deep for the schema check are refused, not crashed on") {
  const auto dir = std::filesystem::temp_directory_path() / ("evt-fast-check-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto schema_file = dir / "tree.json";
  std::ofstream(schema_file) << R"({"$schema":"http://json-schema.org/draft-07/schema#",
    "definitions":{"node":{"type":"array","items":{"$ref":"#/definitions/node"}}},"$ref":"#/definitions/node"})";
  auto schemas = SchemaSelector::from_file(schema_file);
  PublishSpec spec;
  spec.topic = "t";
  RecordBuilder builder(spec, &schemas);
  evt::Record record;
  Rejection why;
  CHECK(builder.from_line(nested(k_max_event_depth), record, why) == BuildResult::ok);
  REQUIRE(builder.from_line(nested(k_max_event_depth + 1), record, why) == BuildResult::rejected);
  CHECK(why.reason == "the event is nested deeper than 256 levels, too deep to check against the schema");
  REQUIRE(builder.from_line(nested(100000), record, why) == BuildResult::rejected);
  CHECK(why.reason.find("nested deeper") != std::string::npos);
  // the valijson path (the schema has $ref) still names schema errors
  REQUIRE(builder.from_line("[[1]]", record, why) == BuildResult::rejected);
  CHECK(why.schema);
  std::filesystem::remove_all(dir);
}
