// RecordBuilder: how one input line becomes the record publish sends,
// including every malformed record-line shape we could think of.
#include "evt/publish/record.hpp"
#include "evt/error.hpp"
#include "evt/publish/schema.hpp"
#include "evt/schema/validate.hpp"

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

using namespace evt::publish;
using evt::Header;
using evt::Record;

namespace {

std::filesystem::path data_dir() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "data" / "publish";
}

PublishSpec spec_for(InputMode mode) {
  PublishSpec s;
  s.topic = "t";
  s.input = mode;
  s.attributes.source = "/test";
  s.attributes.datacontenttype = "application/json";
  return s;
}

struct Built {
  BuildResult result;
  Record record;
  Rejection why;
};

Built build(const PublishSpec& spec, std::string_view line, SchemaSelector* schemas = nullptr) {
  RecordBuilder b(spec, schemas);
  Built out;
  out.result = b.from_line(line, out.record, out.why);
  return out;
}

std::optional<std::string> header(const Record& r, const std::string& key) {
  for (const auto& h : r.headers) {
    if (h.key == key) {
      return h.value;
    }
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("input modes are parsed") {
  CHECK(parse_input_mode("auto") == InputMode::auto_detect);
  CHECK(parse_input_mode("record") == InputMode::record);
  CHECK(parse_input_mode("value") == InputMode::value);
  CHECK(parse_input_mode("raw") == InputMode::raw);
  CHECK_THROWS_AS(parse_input_mode("json"), evt::UsageError);
}

TEST_CASE("auto: a plain JSON line is the value, byte for byte") {
  const auto b = build(spec_for(InputMode::auto_detect), R"({ "id" : 1 ,"x":"y"})");
  REQUIRE(b.result == BuildResult::ok);
  CHECK(b.record.topic == "t");
  CHECK(b.record.value == R"({ "id" : 1 ,"x":"y"})");
  CHECK_FALSE(b.record.key);
  CHECK(b.record.headers.empty());
  CHECK(b.record.partition == -1);
}

TEST_CASE("auto: a record line gives key, value and headers; CRLF and blank lines") {
  const auto b =
      build(spec_for(InputMode::auto_detect),
            R"({"topic":"src","partition":3,"offset":9,"timestamp":5,"key":"k","value":"v",)"
            R"("headers":[{"key":"h","value":"1"},{"key":"h","value":"1"},{"key":"n","value":null}]})"
            "\r");
  REQUIRE(b.result == BuildResult::ok);
  CHECK(b.record.topic == "t");     // -t wins over the line's topic
  CHECK(b.record.partition == -1);  // partition and timestamp are not kept by default
  CHECK(b.record.timestamp == -1);
  CHECK(b.record.offset == -1);
  CHECK(b.record.key == "k");
  CHECK(b.record.value == "v");
  REQUIRE(b.record.headers.size() == 3);
  CHECK(b.record.headers[1] == Header{"h", std::string("1")});
  CHECK(b.record.headers[2] == Header{"n", std::nullopt});
  CHECK(build(spec_for(InputMode::auto_detect), "").result == BuildResult::skipped);
  CHECK(build(spec_for(InputMode::auto_detect), "  \t\r").result == BuildResult::skipped);
}

TEST_CASE("record lines: binary, null and empty survive; --keep and topic fallback") {
  auto spec = spec_for(InputMode::record);
  auto b = build(
      spec, R"({"key_base64":"/wA=","value_base64":"gA==","headers":[{"key":"b","value_base64":"/w=="}]})");
  REQUIRE(b.result == BuildResult::ok);
  CHECK(b.record.key == std::string("\xff\x00", 2));
  CHECK(b.record.value == std::string("\x80"));
  CHECK(b.record.headers[0].value == std::string("\xff"));
  b = build(spec, R"({"key":null,"value":""})");
  CHECK_FALSE(b.record.key);
  CHECK(b.record.value == "");
  b = build(spec, R"({"key":"","value":null})");
  CHECK(b.record.key == "");
  CHECK_FALSE(b.record.value);
  spec.keep_partition = true;
  spec.keep_timestamp = true;
  b = build(spec, R"({"partition":2,"timestamp":1700000000000,"value":"v"})");
  CHECK(b.record.partition == 2);
  CHECK(b.record.timestamp == 1700000000000);
  spec.topic.clear();
  b = build(spec, R"({"topic":"from-line","value":"v"})");
  CHECK(b.record.topic == "from-line");
  b = build(spec, R"({"value":"v"})");
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason == "no topic: give -t TOPIC or a \"topic\" field in the record line");
}

TEST_CASE("record lines: malformed shapes are rejected with a reason") {
  const auto spec = spec_for(InputMode::record);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not a record line: not JSON"},
      {R"({"value":"v")", "not a record line: not JSON"},
      {R"({"value":"v"} trailing)", "not a record line: not JSON"},
      {R"([{"value":"v"}])", "must be a JSON object"},
      {R"("value")", "must be a JSON object"},
      {"42", "must be a JSON object"},
      {"null", "must be a JSON object"},
      {"{}", "missing \"value\""},
      {R"({"key":"k"})", "missing \"value\""},
      {R"({"value":"v","extra":1})", "unknown field \"extra\""},
      {R"({"value":"v","value_base64":"dg=="})", "both \"value\" and \"value_base64\""},
      {R"({"key":"k","key_base64":"aw==","value":"v"})", "both \"key\" and \"key_base64\""},
      {R"({"value_base64":"***"})", "\"value_base64\" is not valid base64"},
      {R"({"value_base64":12})", "\"value_base64\" must be a base64 string"},
      {R"({"key":12,"value":"v"})", "\"key\" must be a string or null"},
      {R"({"key":{"a":1},"value":"v"})", "\"key\" must be a string or null"},
      {R"({"topic":5,"value":"v"})", "\"topic\" must be a string"},
      {R"({"partition":"1","value":"v"})", "\"partition\" must be an integer"},
      {R"({"partition":1.5,"value":"v"})", "\"partition\" must be an integer"},
      {R"({"partition":-2,"value":"v"})", "\"partition\" is out of range"},
      {R"({"partition":2147483648,"value":"v"})", "\"partition\" is out of range"},
      {R"({"offset":-5,"value":"v"})", "\"offset\" is out of range"},
      {R"({"timestamp":"now","value":"v"})", "\"timestamp\" must be an integer"},
      {R"({"timestamp_type":"wall","value":"v"})", "\"timestamp_type\" must be"},
      {R"({"value":"v","headers":{"h":"1"}})", "\"headers\" must be an array"},
      {R"({"value":"v","headers":"h=1"})", "\"headers\" must be an array"},
      {R"({"value":"v","headers":[["h","1"]]})", "headers[0] must be an object"},
      {R"({"value":"v","headers":[{"value":"1"}]})", "headers[0]: missing \"key\""},
      {R"({"value":"v","headers":[{"key":null,"value":"1"}]})", "headers[0]: missing \"key\""},
      {R"({"value":"v","headers":[{"key":1,"value":"1"}]})", "headers[0]: \"key\" must be a string or null"},
      {R"({"value":"v","headers":[{"key":"h","value":1}]})",
       "headers[0]: \"value\" must be a string or null"},
      {R"({"value":"v","headers":[{"key":"h","value":"1","x":2}]})", "headers[0] has unknown field \"x\""},
      {R"({"value":"v","headers":[{"key":"a","value":"1"},{"key":"h","value_base64":"%%"}]})",
       "headers[1]: \"value_base64\" is not valid base64"},
      {R"({"value":"v","headers":[{"key":"h","value":"1","value_base64":"MQ=="}]})", "headers[0]: both"},
  };
  for (const auto& [line, expected] : cases) {
    CAPTURE(line);
    const auto b = build(spec, line);
    CHECK(b.result == BuildResult::rejected);
    CHECK_FALSE(b.why.schema);
    CHECK(b.why.reason.find(expected) != std::string::npos);
  }
}

TEST_CASE("auto: JSON that is not a record line is a value; non-JSON is rejected") {
  const auto spec = spec_for(InputMode::auto_detect);
  CHECK(build(spec, R"({"value":"v","extra":1})").record.value == R"({"value":"v","extra":1})");
  CHECK(build(spec, R"({"key":"k"})").record.value == R"({"key":"k"})");
  CHECK(build(spec, "[1,2]").record.value == "[1,2]");
  CHECK(build(spec, "\"text\"").record.value == "\"text\"");
  const auto bad = build(spec, "hello world");
  CHECK(bad.result == BuildResult::rejected);
  CHECK(bad.why.reason.rfind("not JSON: parse error at line 1, column 1", 0) == 0);
  CHECK(bad.why.reason.find("(--input raw sends lines as they are)") != std::string::npos);
  // a record-line shape with a bad field is a bad record line, not a value
  const auto broken = build(spec, R"({"value_base64":"***"})");
  CHECK(broken.result == BuildResult::rejected);
  CHECK(broken.why.reason == "bad record line: \"value_base64\" is not valid base64");
}

TEST_CASE("value and raw modes") {
  auto b = build(spec_for(InputMode::value), R"({"value":"v"})");
  CHECK(b.record.value == R"({"value":"v"})");  // value mode never reads record lines
  CHECK(build(spec_for(InputMode::value), "nope").result == BuildResult::rejected);
  b = build(spec_for(InputMode::raw), std::string_view("not json \xff\r", 11));
  REQUIRE(b.result == BuildResult::ok);
  CHECK(b.record.value == std::string("not json \xff\r"));  // raw keeps every byte
  CHECK(build(spec_for(InputMode::raw), "").result == BuildResult::skipped);
}

TEST_CASE("keys: --key, --key-field, and rejections") {
  auto spec = spec_for(InputMode::auto_detect);
  spec.key = "fixed";
  CHECK(build(spec, R"({"customerId":"c-1"})").record.key == "fixed");
  spec.key.reset();
  spec.key_field.emplace("data.customerId");
  CHECK(build(spec, R"({"customerId":"c-1"})").record.key == "c-1");
  CHECK(build(spec, R"({"value":"{\"customerId\":\"c-2\"}"})").record.key ==
        "c-2");  // from a record line's value
  auto b = build(spec, R"({"other":1})");
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason == "no key: the event has no field data.customerId");
  b = build(spec, R"({"value":"not json"})");
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason.rfind("the value is not JSON", 0) == 0);
  b = build(spec, R"({"value":null})");
  CHECK(b.why.reason == "the value is NULL (a tombstone), not a JSON event");
}

TEST_CASE("flag headers are appended after the line's headers") {
  auto spec = spec_for(InputMode::auto_detect);
  spec.headers = {Header{"a", std::string("1")}, Header{"n", std::nullopt}};
  const auto b = build(spec, R"({"value":"v","headers":[{"key":"a","value":"0"}]})");
  REQUIRE(b.record.headers.size() == 3);
  CHECK(b.record.headers[0].value == "0");
  CHECK(b.record.headers[1].value == "1");
  CHECK_FALSE(b.record.headers[2].value);
}

TEST_CASE("binary envelope per event: fresh id and time, type from the line") {
  auto spec = spec_for(InputMode::auto_detect);
  spec.envelope = evt::codec::EnvelopeMode::binary;
  spec.attributes.type = "OrderPlaced";
  spec.new_traceparent = true;
  RecordBuilder b(spec, nullptr);
  Record r1, r2;
  Rejection why;
  REQUIRE(b.from_line(R"({"id":1})", r1, why) == BuildResult::ok);
  REQUIRE(b.from_line(R"({"id":2})", r2, why) == BuildResult::ok);
  CHECK(header(r1, "ce_type") == "OrderPlaced");
  CHECK(header(r1, "ce_source") == "/test");
  CHECK(header(r1, "ce_specversion") == "1.0");
  CHECK(header(r1, "content-type") == "application/json");
  CHECK(header(r1, "ce_id") != header(r2, "ce_id"));
  CHECK(header(r1, "ce_time")->size() == 24);
  CHECK(evt::codec::is_valid_traceparent(*header(r1, "ce_traceparent")));
  CHECK(header(r1, "traceparent") == header(r1, "ce_traceparent"));
  CHECK(header(r1, "ce_traceparent") != header(r2, "ce_traceparent"));
  CHECK(r1.value == R"({"id":1})");

  spec.attributes.type.clear();
  spec.new_traceparent = false;
  auto from_line = build(spec, R"({"value":"{}","headers":[{"key":"ce_type","value":"Shipped"}]})");
  REQUIRE(from_line.result == BuildResult::ok);
  CHECK(header(from_line.record, "ce_type") == "Shipped");
  const auto none = build(spec, R"({"id":1})");
  CHECK(none.result == BuildResult::rejected);
  CHECK(none.why.reason == "no event type for the CloudEvents envelope (give --type)");
}

TEST_CASE("headers kept for reuse stay bounded: -H, an envelope and a traceparent, record after record") {
  auto spec = spec_for(InputMode::auto_detect);
  spec.envelope = evt::codec::EnvelopeMode::binary;
  spec.attributes.type = "OrderPlaced";
  spec.new_traceparent = true;
  spec.headers.push_back(Header{"a", std::string("b")});
  for (const bool record_lines : {false, true}) {
    RecordBuilder b(spec, nullptr);
    Record r;
    Rejection why;
    for (int i = 0; i < 1000; ++i) {
      const std::string line = record_lines ? R"({"value":"{}","headers":[{"key":"x","value":"y"}]})"
                                            : R"({"id":)" + std::to_string(i) + "}";
      REQUIRE(b.from_line(line, r, why) == BuildResult::ok);
      // The same headers every time, once each.
      std::map<std::string, int> names;
      for (const auto& h : r.headers) {
        ++names[h.key];
      }
      REQUIRE(names["a"] == 1);
      REQUIRE(names["ce_type"] == 1);
      REQUIRE(names["traceparent"] == 1);
      REQUIRE(names["ce_traceparent"] == 1);
      REQUIRE(r.headers.size() == (record_lines ? 10U : 9U));
    }
    CHECK(b.spare_headers() <= 64);
  }
}

TEST_CASE("structured envelope embeds JSON data and sets the content type") {
  auto spec = spec_for(InputMode::auto_detect);
  spec.envelope = evt::codec::EnvelopeMode::structured;
  spec.attributes.type = "OrderPlaced";
  spec.attributes.subject = "o-1";
  auto b = build(spec, R"({"id":1})");
  REQUIRE(b.result == BuildResult::ok);
  const auto j = nlohmann::json::parse(*b.record.value);
  CHECK(j["data"]["id"] == 1);
  CHECK(j["type"] == "OrderPlaced");
  CHECK(j["subject"] == "o-1");
  CHECK(header(b.record, "content-type") == "application/cloudevents+json; charset=UTF-8");
  // raw text that is not JSON under an explicit JSON content type is refused
  spec.input = InputMode::raw;
  b = build(spec, "plain text");
  CHECK(b.result == BuildResult::rejected);
  // with the content type taken from the data, it becomes a text/plain string
  spec.attributes.datacontenttype.clear();
  b = build(spec, "plain text");
  REQUIRE(b.result == BuildResult::ok);
  CHECK(nlohmann::json::parse(*b.record.value)["data"] == "plain text");
  CHECK(nlohmann::json::parse(*b.record.value)["datacontenttype"] == "text/plain; charset=utf-8");
}

TEST_CASE("schema check: one file; pointer and reason; tombstones pass") {
  auto schemas = SchemaSelector::from_file(data_dir() / "order.schema.json");
  const auto spec = spec_for(InputMode::auto_detect);
  CHECK(build(spec, R"({"orderId":1,"customerId":"c","total":2.5})", &schemas).result == BuildResult::ok);
  auto b = build(spec, R"({"orderId":0,"customerId":"c","total":2.5})", &schemas);
  REQUIRE(b.result == BuildResult::rejected);
  CHECK(b.why.schema);
  CHECK(b.why.pointer == "/orderId");
  CHECK_FALSE(b.why.reason.empty());
  b = build(spec, R"({"orderId":1,"total":2.5})", &schemas);
  REQUIRE(b.result == BuildResult::rejected);
  CHECK(b.why.pointer == "/");
  CHECK(b.why.reason.find("customerId") != std::string::npos);
  CHECK(build(spec, R"({"key":"k","value":null})", &schemas).result == BuildResult::ok);
  b = build(spec_for(InputMode::raw), "not json", &schemas);
  CHECK(b.result == BuildResult::rejected);
  CHECK_FALSE(b.why.schema);
}

TEST_CASE("schema check: a repository picks the latest version of the type's subject") {
  auto schemas = SchemaSelector::from_directory(data_dir() / "schemas");
  auto spec = spec_for(InputMode::auto_detect);
  spec.attributes.type = "OrderPlaced";
  // v2 requires customerId; v1 did not
  auto b = build(spec, R"({"orderId":1})", &schemas);
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason.find("customerId") != std::string::npos);
  CHECK(build(spec, R"({"orderId":1,"customerId":"c"})", &schemas).result == BuildResult::ok);
  spec.attributes.type.clear();
  // the type from the record line's ce_type header
  b = build(spec, R"({"value":"{\"orderId\":1}","headers":[{"key":"ce_type","value":"OrderPlaced"}]})",
            &schemas);
  CHECK(b.result == BuildResult::rejected);
  b = build(spec, R"({"orderId":1})", &schemas);
  CHECK(b.why.reason.rfind("the event has no type to find its schema", 0) == 0);
  spec.attributes.type = "Unknown";
  CHECK(build(spec, R"({})", &schemas).why.reason.rfind("no schema for event type 'Unknown'", 0) == 0);
  spec.attributes.type = "../schemas/OrderPlaced";
  CHECK(build(spec, R"({})", &schemas).result == BuildResult::rejected);
  spec.attributes.type = "Avroish";
  CHECK(build(spec, R"({})", &schemas).why.reason.find("is not a JSON Schema") != std::string::npos);
  CHECK_THROWS_AS(SchemaSelector::from_directory(data_dir() / "missing"), evt::UsageError);
  CHECK_THROWS_AS(SchemaSelector::from_file(data_dir() / "missing.json"), evt::UsageError);
}

TEST_CASE("guards: card numbers unless allowed; size warn and limit") {
  auto spec = spec_for(InputMode::auto_detect);
  auto b = build(spec, R"({"pan":"4111 1111 1111 1111"})");
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason ==
        "the value contains what looks like a payment card number (at byte 8); --allow-pii sends it anyway");
  spec.key = "4111111111111111";
  CHECK(build(spec, R"({"id":1})").why.reason.rfind("the key contains", 0) == 0);
  spec.allow_pii = true;
  CHECK(build(spec, R"({"pan":"4111 1111 1111 1111"})").result == BuildResult::ok);
  spec.key.reset();
  spec.limits.warn_bytes = 10;
  spec.limits.max_bytes = 20;
  CHECK(build(spec, R"({"a":1})").result == BuildResult::ok);
  CHECK(build(spec, R"({"a":"123456"})").result == BuildResult::ok_large);
  b = build(spec, R"({"a":"123456789012345"})");
  CHECK(b.result == BuildResult::rejected);
  CHECK(b.why.reason == "the record is 23 bytes, above the limit of 20 (--max-size)");
  // the size counts the envelope's headers too
  spec.envelope = evt::codec::EnvelopeMode::binary;
  spec.attributes.type = "T";
  CHECK(build(spec, R"({"a":1})").result == BuildResult::rejected);
}

TEST_CASE("single event from --data: bytes as given") {
  auto spec = spec_for(InputMode::auto_detect);
  RecordBuilder b(spec, nullptr);
  Record r;
  Rejection why;
  const std::optional<std::string> data = std::string("line1\nline2 {\"value\":1}\xff");
  REQUIRE(b.from_data(data, r, why) == BuildResult::ok);
  CHECK(r.value == data);
  CHECK(r.topic == "t");
  CHECK(b.from_data(std::nullopt, r, why) == BuildResult::ok);
  CHECK_FALSE(r.value);
}

TEST_CASE("auto and record: exact bytes for JSON values; plain lines byte for byte; 1e400 is JSON") {
  for (const auto mode : {InputMode::auto_detect, InputMode::record}) {
    const auto b =
        build(spec_for(mode), R"({"key":"k","value":{"id":12345678901234567890123,"amount":0.1}})");
    REQUIRE(b.result == BuildResult::ok);
    CHECK(b.record.key == std::optional<std::string>("k"));
    CHECK(b.record.value == std::optional<std::string>(R"({"id":12345678901234567890123,"amount":0.1})"));
  }
  const auto spec = spec_for(InputMode::auto_detect);
  for (const std::string line :
       {R"({"big": 1e400})", R"( {"b":1,  "a":[0.10, 1E2]} )", "\xef\xbb\xbf{\"x\":1}"}) {
    const auto b = build(spec, line);
    REQUIRE(b.result == BuildResult::ok);
    CHECK(b.record.value == std::optional<std::string>(line));
  }
  const auto nul = build(spec, std::string("{\"a\":1}\0{}", 10));
  CHECK(nul.result == BuildResult::rejected);
  CHECK(nul.why.reason.rfind("not JSON: a NUL byte at offset 7", 0) == 0);
}

TEST_CASE("schema + envelope: one builder and one record reused over many lines match fresh ones") {
  // The fast path (one scan, compiled check over its tape, reused header
  // buffers) must give what a fresh builder gives, and accept exactly what
  // the reference (nlohmann + valijson) accepts.
  auto schemas = SchemaSelector::from_file(data_dir() / "order.schema.json");
  const auto reference = evt::schema::EventValidator::from_file(data_dir() / "order.schema.json");
  auto spec = spec_for(InputMode::auto_detect);
  spec.attributes.datacontenttype.clear();  // chosen per event from the data
  spec.envelope = evt::codec::EnvelopeMode::binary;
  spec.attributes.type = "OrderPlaced";
  spec.headers.push_back(Header{"from-flag", std::string(40, 'f')});
  const std::vector<std::string> lines = {
      R"({"orderId":1,"customerId":"c","total":2.5})",
      R"({"orderId":0,"customerId":"c","total":2.5})",
      R"({"orderId":1,"customerId":"","total":2.5})",
      R"({"orderId":1,"customerId":"\u00e9","total":1e400})",
      R"({"orderId":1,"customerId":"c","total":1e2})",
      R"({"orderId":1,"customerId":"c","total":-1e-2})",
      R"({"orderId":1,"customer\u0049d":"c","total":0})",
      R"({"value":"{\"orderId\":2,\"customerId\":\"d\",\"total\":3}","headers":[{"key":"h","value":"x"}]})",
      R"({"value":{"orderId":2,"customerId":"d","total":3},"key":"k"})",
      R"({"value":"{\"orderId\":2,\"customerId\":\"\",\"total\":3}"})",
      R"({"value":"not json","headers":[{"key":"a","value":"1"},{"key":"b","value":null}]})",
      R"({"value":null})",
      R"({"value":"{\"orderId\":1,\"customerId\":\"c\",\"total\":1e400}"})",
      R"([1,2])",
      "[[[[1]]]]",
      std::string(300, '[') + std::string(300, ']'),
      R"({"orderId":1,"customerId":"c","total":2.5} x)",
  };
  RecordBuilder reused(spec, &schemas);
  Record record;
  size_t ok = 0;
  for (int round = 0; round < 3; ++round) {
    for (const auto& line : lines) {
      CAPTURE(line);
      Rejection why;
      const auto result = reused.from_line(line, record, why);
      const auto fresh = build(spec, line, &schemas);
      REQUIRE(result == fresh.result);
      CHECK(why.reason == fresh.why.reason);
      if (result != BuildResult::ok) {
        continue;
      }
      ++ok;
      CHECK(record.value == fresh.record.value);
      CHECK(record.key == fresh.record.key);
      REQUIRE(record.headers.size() == fresh.record.headers.size());
      for (size_t i = 0; i < record.headers.size(); ++i) {
        CHECK(record.headers[i].key == fresh.record.headers[i].key);
        if (record.headers[i].key != "ce_id" && record.headers[i].key != "ce_time") {
          CHECK(record.headers[i].value == fresh.record.headers[i].value);
        }
      }
      // What was sent is what the reference accepts.
      if (record.value) {
        const auto event = nlohmann::json::parse(*record.value);
        CHECK(reference.validate(event).empty());
      }
    }
  }
  CHECK(ok == 3 * 6);
}
