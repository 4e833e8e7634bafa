#include "evt/codec/record_line.hpp"
#include "evt/codec/base64.hpp"
#include "evt/codec/json_text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using evt::Header;
using evt::Record;
using namespace evt::codec;

namespace {
std::string line_of(const Record& r) {
  std::string s;
  append_record_line(s, r);
  return s;
}
}  // namespace

TEST_CASE("base64 round trip and rejection") {
  for (const std::string& s : std::initializer_list<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                                 "foobar", std::string("\0\xff\x80", 3)}) {
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK_FALSE(base64_decode("Zm9v!").has_value());
  CHECK_FALSE(base64_decode("Z").has_value());
}

TEST_CASE("utf8 validation") {
  CHECK(is_valid_utf8("plain ascii text that is long enough"));
  CHECK(is_valid_utf8("caf\xc3\xa9"));
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));  // surrogate
  CHECK_FALSE(is_valid_utf8("abc\xe2\x82"));   // truncated
}

TEST_CASE("json strings escape controls, DEL and C1") {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\n\x1b[31m\x7f\xc2\x9b", 14));
  CHECK(out == "\"a\\\"b\\\\c\\n\\u001b[31m\\u007f\\u009b\"");
}

TEST_CASE("record line round trip is lossless") {
  Record r;
  r.topic = "orders";
  r.partition = 3;
  r.offset = 42;
  r.timestamp = 1763900000000;
  r.timestamp_type = evt::TimestampType::create_time;
  r.key = std::string("\x00\xff bin", 6);
  r.value = std::string("{\"id\":1}\n");
  r.headers = {Header{"a", "1"}, Header{"a", "2"}, Header{"n", std::nullopt}, Header{"e", ""},
               Header{"b", std::string("\xfe\x01", 2)}};
  const auto line = line_of(r);
  CHECK(line.back() == '\n');
  CHECK(line.find("\"key_base64\":\"AP8gYmlu\"") != std::string::npos);
  CHECK(parse_record_line(line) == r);

  SUBCASE("null and empty are distinct") {
    Record n;
    n.topic = "t";
    n.partition = 0;
    n.offset = 0;
    n.value = std::nullopt;
    n.key = std::string();
    const auto l = line_of(n);
    CHECK(l.find("\"key\":\"\"") != std::string::npos);
    CHECK(l.find("\"value\":null") != std::string::npos);
    CHECK(parse_record_line(l) == n);
  }
}

TEST_CASE("hand-written record lines") {
  const auto r = parse_record_line(R"({"key":"k","value":{"b":[1,2]}})");
  CHECK(r.key == std::optional<std::string>("k"));
  CHECK(r.value == std::optional<std::string>(R"({"b":[1,2]})"));
  CHECK(r.partition == -1);
  CHECK(r.offset == -1);
  CHECK(r.timestamp == -1);
}

TEST_CASE("malformed record lines are rejected with a reason") {
  const auto why = [](std::string_view line) {
    try {
      (void)parse_record_line(line);
    } catch (const RecordLineError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(why("").find("not JSON") == 0);
  CHECK(why("{\"value\":\"x\"").find("not JSON") == 0);
  CHECK(why("[1,2]") == "a record line must be a JSON object");
  CHECK(why("{\"key\":\"k\"}") == "missing \"value\" (use null for a Kafka NULL value)");
  CHECK(why(R"({"value":"x","color":"red"})") == "unknown field \"color\"");
  CHECK(why(R"({"value":"x","value_base64":"eA=="})") ==
        "both \"value\" and \"value_base64\" are set; use one");
  CHECK(why(R"({"value_base64":"!!"})") == "\"value_base64\" is not valid base64");
  CHECK(why(R"({"value":"x","key":5})") == "\"key\" must be a string or null");
  CHECK(why(R"({"value":"x","partition":"1"})") == "\"partition\" must be an integer");
  CHECK(why(R"({"value":"x","partition":-5})") == "\"partition\" is out of range");
  CHECK(why(R"({"value":"x","partition":4294967296})") == "\"partition\" is out of range");
  CHECK(why(R"({"value":"x","timestamp_type":"x"})") ==
        "\"timestamp_type\" must be \"create\" or \"log_append\"");
  CHECK(why(R"({"value":"x","headers":{"a":"b"}})").find("\"headers\" must be an array") == 0);
  CHECK(why(R"({"value":"x","headers":["a"]})") == "headers[0] must be an object with \"key\" and \"value\"");
  CHECK(why(R"({"value":"x","headers":[{"value":"v"}]})") == "headers[0]: missing \"key\"");
  CHECK(why(R"({"value":"x","headers":[{"key":"k","value":1}]})") ==
        "headers[0]: \"value\" must be a string or null");
  CHECK(why(R"({"value":"x","headers":[{"key":"k","v":1}]})") == "headers[0] has unknown field \"v\"");
  CHECK(why(R"({"value":"x","topic":7})") == "\"topic\" must be a string");
}

TEST_CASE("record line detection") {
  CHECK(is_record_line(nlohmann::json::parse(R"({"value":"x","key":"k"})")));
  CHECK_FALSE(is_record_line(nlohmann::json::parse(R"({"orderId":1})")));
  CHECK_FALSE(is_record_line(nlohmann::json::parse(R"({"value":1,"other":2})")));
  CHECK_FALSE(is_record_line(nlohmann::json::parse(R"("value")")));
}
