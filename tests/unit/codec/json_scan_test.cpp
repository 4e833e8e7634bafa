// The one-pass scanner and record-line parser against the reference
// (nlohmann::json + record_from_json): same lines accepted and rejected,
// same records, over hand-picked edge cases and generated corpora.
#include "evt/codec/json_scan.hpp"
#include "evt/codec/record_line.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <random>
#include <string>
#include <vector>

using namespace evt::codec;
using evt::Record;

namespace {

// What the reference says: nlohmann accepts, and no NUL (nlohmann stops
// there). `overflow` reports a line whose only fault for nlohmann is a
// number a double cannot hold (valid JSON, which the scanner accepts).
bool reference_accepts(const std::string& line, bool& overflow) {
  overflow = false;
  if (line.find('\0') != std::string::npos) {
    return false;
  }
  try {
    const auto parsed = nlohmann::json::parse(line);
    return !parsed.is_discarded();
  } catch (const nlohmann::json::exception& e) {
    overflow = std::string(e.what()).find("number overflow") != std::string::npos;
    return false;
  }
}

void check_same_verdict(JsonScanner& scanner, const std::string& line, size_t& compared) {
  bool overflow = false;
  const bool ref = reference_accepts(line, overflow);
  if (overflow) {
    return;  // checked by the exact cases below
  }
  CAPTURE(line);
  CHECK(scanner.scan(line) == ref);
  ++compared;
}

// A random JSON text, spaced and escaped in varied ways.
std::string random_json(std::mt19937& rng, int depth) {
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  static const std::array<const char*, 12> strings = {"\"\"",
                                                      "\"abc\"",
                                                      "\"caf\xc3\xa9\"",
                                                      "\"\\u00e9\\n\\t\\\"\\\\\\/\"",
                                                      "\"\\ud83d\\ude00\"",
                                                      "\"\xf0\x9f\x98\x80\"",
                                                      "\"a b\"",
                                                      "\"\\b\\f\\r\"",
                                                      "\"\xe2\x82\xac\"",
                                                      "\"\\u0000\"",
                                                      "\"x\\u20ACy\"",
                                                      "\"k\""};
  static const std::array<const char*, 12> numbers = {"0",       "-0",
                                                      "1",       "-12",
                                                      "3.25",    "1e5",
                                                      "1E+2",    "-2e-3",
                                                      "0.001",   "123456789012345678901234",
                                                      "1.5e300", "9223372036854775808"};
  const int what = depth > 4 ? pick(5) : pick(7);
  const char* ws = pick(4) == 0 ? " " : "";
  switch (what) {
    case 0:
      return strings[static_cast<size_t>(pick(12))];
    case 1:
      return numbers[static_cast<size_t>(pick(12))];
    case 2:
      return "true";
    case 3:
      return pick(2) ? "false" : "null";
    case 4:
      return strings[static_cast<size_t>(pick(12))];
    case 5: {
      std::string out = "[";
      const int n = pick(4);
      for (int i = 0; i < n; ++i) {
        out += (i ? "," : "") + std::string(ws) + random_json(rng, depth + 1);
      }
      return out + ws + "]";
    }
    default: {
      std::string out = "{";
      const int n = pick(4);
      for (int i = 0; i < n; ++i) {
        out += (i ? "," : "") + std::string(ws) + strings[static_cast<size_t>(pick(12))] + ws + ":" +
               random_json(rng, depth + 1);
      }
      return out + ws + "}";
    }
  }
}

}  // namespace

TEST_CASE("json scan: edge cases agree with nlohmann") {
  const std::vector<std::string> cases = {"{}",
                                          "[]",
                                          "0",
                                          "-0",
                                          "01",
                                          "-",
                                          "1.",
                                          ".5",
                                          "1e",
                                          "1e+",
                                          "+1",
                                          "1.5e-3",
                                          "\"\"",
                                          "\"a",
                                          "\"\\x\"",
                                          "\"\\u12\"",
                                          "\"\\u12G4\"",
                                          "\"\\ud800\"",
                                          "\"\\udc00\"",
                                          "\"\\ud800\\u0041\"",
                                          "\"\\ud83d\\ude00\"",
                                          "\"\t\"",
                                          "\"\x7f\"",
                                          "\"\xc3\xa9\"",
                                          "\"\xc3\"",
                                          "\"\xc0\xaf\"",
                                          "\"\xed\xa0\x80\"",
                                          "\"\xf4\x90\x80\x80\"",
                                          "\"\xf0\x8f\xbf\xbf\"",
                                          "\"\xe0\x9f\xbf\"",
                                          "\"\xff\"",
                                          "\xef\xbb\xbf{}",
                                          "\xef\xbb{}",
                                          "{} \xef\xbb\xbf",
                                          " {\"a\" : [ 1 , 2 ] } \r\n",
                                          "{\"a\":1,}",
                                          "[1,]",
                                          "[,1]",
                                          "{\"a\"}",
                                          "{\"a\":}",
                                          "{1:2}",
                                          "{'a':1}",
                                          "tru",
                                          "true ",
                                          "truex",
                                          "nul",
                                          "null",
                                          "falsee",
                                          "[1] [2]",
                                          "{} x",
                                          "{}\t",
                                          std::string("{}\0", 3),
                                          std::string("{\"a\":\"\0\"}", 9),
                                          std::string("[1,\0]", 5),
                                          "[[[[[]]]]]",
                                          "[[[[[]]]]",
                                          "]",
                                          "}",
                                          "",
                                          "   ",
                                          "\"\\/\"",
                                          "{\"a\":{\"b\":{\"c\":[true,false,null]}}}",
                                          "[1e400]",
                                          "1e400",
                                          "-1e400"};
  JsonScanner scanner;
  size_t compared = 0;
  for (const auto& line : cases) {
    check_same_verdict(scanner, line, compared);
  }
  CHECK(compared == cases.size() - 3);  // the three overflowing numbers
  // Deep nesting: no recursion, any depth.
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  CHECK(scanner.scan(deep));
  CHECK_FALSE(scanner.scan(deep.substr(1)));
}

TEST_CASE("json scan: a generated corpus and its mutations agree with nlohmann") {
  std::mt19937 rng(20261129);
  JsonScanner scanner;
  size_t compared = 0;
  size_t accepted = 0;
  static const std::string alphabet =
      std::string("{}[],:\"\\ 0123456789eE+-.tfnul\t\r\n\x80\xc3\xff", 40) + std::string(1, '\0');
  for (int i = 0; i < 4000; ++i) {
    const auto text = random_json(rng, 0);
    check_same_verdict(scanner, text, compared);
    accepted += scanner.scan(text) ? 1 : 0;
    for (int m = 0; m < 3; ++m) {
      auto mutated = text;
      const size_t at = rng() % (mutated.size() + 1);
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          mutated.insert(at, 1, c);
          break;
        case 1:
          if (at < mutated.size()) {
            mutated.erase(at, 1);
          }
          break;
        default:
          if (at < mutated.size()) {
            mutated[at] = c;
          }
      }
      check_same_verdict(scanner, mutated, compared);
    }
  }
  CHECK(accepted == 4000);  // every generated text is JSON
  CHECK(compared > 15000);
}

TEST_CASE("json scan: special bytes at every offset of a string (the 16-byte steps and the tail)") {
  // The plain-string skip works in blocks; every special byte must be
  // seen wherever it falls in a block or in the bytes after the last one.
  const std::vector<std::string> specials = {"\"",
                                             "\\n",
                                             "\\u00e9",
                                             "\\ud83d\\ude00",
                                             "\\\"",
                                             "\x01",
                                             "\x1f",
                                             "\x7f",
                                             "\xc3\xa9",
                                             "\xe2\x82\xac",
                                             "\xf0\x9f\x98\x80",
                                             "\xff",
                                             "\xc3",
                                             "\xed\xa0\x80",
                                             std::string(1, '\0'),
                                             "\\x"};
  JsonScanner scanner;
  size_t compared = 0;
  size_t accepted = 0;
  std::string scratch;
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      for (const auto& special : specials) {
        const std::string inner = std::string(at, 'a') + special + std::string(len - at, 'b');
        const std::string line = "{\"k\":\"" + inner + "\"}";
        check_same_verdict(scanner, line, compared);
        if (scanner.scan(line)) {
          ++accepted;
          REQUIRE(scanner.children().size() == 1);
          CHECK(child_string(scanner.children()[0], scratch) ==
                nlohmann::json::parse(line)["k"].get<std::string>());
        }
      }
    }
  }
  CHECK(compared > 10000);
  CHECK(accepted > 5000);
}

TEST_CASE("json scan: decoding escapes agrees with nlohmann at any offset") {
  std::mt19937 rng(5);
  const std::array<const char*, 9> pieces = {
      "a", "\\n", "\\\"", "\\u0041", "\\u00e9", "\\u20ac", "\\ud83d\\ude00", "\xc3\xa9", "\\/"};
  JsonScanner scanner;
  std::string scratch;
  std::string out = "stale contents longer than the text";
  for (int i = 0; i < 2000; ++i) {
    std::string inner;
    const auto n = rng() % 30;
    for (unsigned k = 0; k < n; ++k) {
      inner += pieces[rng() % pieces.size()];
    }
    const std::string text = "[\"" + inner + "\"]";
    CAPTURE(text);
    REQUIRE(scanner.scan(text));
    const auto expected = nlohmann::json::parse(text)[0].get<std::string>();
    CHECK(child_string(scanner.children()[0], scratch) == expected);
    assign_child_string(scanner.children()[0], out);
    CHECK(out == expected);
  }
}

TEST_CASE("json scan: the tape lists every value with its extent") {
  JsonScanner s;
  REQUIRE(s.scan(R"({"a":[1,{"b\"c":"x\ny"}],"d":{},"e":-2.5})"));
  CHECK(s.tape().empty());  // off unless asked for
  CHECK(s.max_depth() == 3);
  CHECK_FALSE(s.has_huge_number());
  s.record_tape(true);
  REQUIRE(s.scan(R"({"a":[1,{"b\"c":"x\ny"}],"d":{},"e":-2.5})"));
  const auto& t = s.tape();
  REQUIRE(t.size() == 7);
  std::string scratch;
  CHECK(t[0].kind == JsonKind::object);
  CHECK(t[0].end == 7);
  CHECK(t[0].count == 3);
  CHECK(t[1].name == "a");
  CHECK(t[1].kind == JsonKind::array);
  CHECK(t[1].end == 5);
  CHECK(t[1].count == 2);
  CHECK(t[2].raw == "1");
  CHECK(t[2].name.empty());  // an array element has no name
  CHECK(t[2].end == 3);
  CHECK(t[3].kind == JsonKind::object);
  CHECK(t[3].end == 5);
  CHECK(entry_name(t[4], scratch) == "b\"c");
  CHECK(t[4].raw == R"("x\ny")");
  CHECK(entry_string(t[4], scratch) == "x\ny");
  CHECK(t[5].name == "d");
  CHECK(t[5].end == 6);
  CHECK(t[5].count == 0);
  CHECK(t[6].name == "e");
  CHECK(t[6].raw == "-2.5");
  CHECK(t[6].kind == JsonKind::number);
  REQUIRE(s.scan("\"s\""));
  REQUIRE(s.tape().size() == 1);
  CHECK(s.tape()[0].raw == "\"s\"");
  CHECK(s.max_depth() == 0);
  // Numbers a double might not hold are flagged (nlohmann refuses an overflow).
  for (const char* huge : {"[1e400]", "1E2", "{\"a\":[0.5e-3]}"}) {
    REQUIRE(s.scan(huge));
    CHECK(s.has_huge_number());
  }
  REQUIRE(s.scan("[" + std::string(301, '9') + "]"));
  CHECK(s.has_huge_number());
  REQUIRE(s.scan("[" + std::string(300, '9') + ", 0.25, -7]"));
  CHECK_FALSE(s.has_huge_number());
}

TEST_CASE("json scan: the root's children with exact spans") {
  JsonScanner s;
  REQUIRE(s.scan(R"( {"a" : 1.50, "b\"c":[1, {"x":2}], "d":"e\nf"} )"));
  CHECK(s.root_kind() == JsonKind::object);
  REQUIRE(s.children().size() == 3);
  CHECK(s.children()[0].name == "a");
  CHECK(s.children()[0].raw == "1.50");
  CHECK(s.children()[0].kind == JsonKind::number);
  std::string scratch;
  CHECK(child_name(s.children()[1], scratch) == "b\"c");
  CHECK(s.children()[1].raw == R"([1, {"x":2}])");
  CHECK(s.children()[1].kind == JsonKind::array);
  CHECK(child_string(s.children()[2], scratch) == "e\nf");
  REQUIRE(s.scan(R"(["\ud83d\ude00", null])"));
  REQUIRE(s.children().size() == 2);
  CHECK(child_string(s.children()[0], scratch) == "\xf0\x9f\x98\x80");
  CHECK(s.children()[1].kind == JsonKind::null);
}

TEST_CASE("record lines: exact bytes for JSON values, big numbers are JSON") {
  const auto r = parse_record_line(R"({"value":{"id":12345678901234567890123,"amount":0.1}})");
  CHECK(r.value == std::optional<std::string>(R"({"id":12345678901234567890123,"amount":0.1})"));
  const auto spaced = parse_record_line(R"({"key":"k", "value": [ 1.0, {"z":1,"a":2} ] })");
  CHECK(spaced.value == std::optional<std::string>(R"([ 1.0, {"z":1,"a":2} ])"));
  CHECK(parse_record_line(R"({"value":1e400})").value == std::optional<std::string>("1e400"));
  CHECK(parse_record_line(R"({"value":{"big": 1e400}})").value ==
        std::optional<std::string>(R"({"big": 1e400})"));
  CHECK(parse_record_line(R"({"value":-0.10})").value == std::optional<std::string>("-0.10"));
  CHECK_THROWS_AS((void)parse_record_line(R"({"value":"v","partition":1e400})"), RecordLineError);
  CHECK_THROWS_AS((void)parse_record_line(R"({"value":"v","offset":9223372036854775808})"), RecordLineError);
  CHECK_THROWS_AS(
      (void)record_from_json(nlohmann::json::parse(R"({"value":"v","offset":9223372036854775808})")),
      RecordLineError);
}

TEST_CASE("record lines: every field combination agrees with record_from_json") {
  using Choices = std::vector<std::string>;
  const std::array<std::pair<const char*, Choices>, 10> fields = {{
      {"topic", {"\"orders\"", "null", "1", "\"t\\u00e9\""}},
      {"partition",
       {"0", "3", "-1", "-2", "2147483648", "1.0", "\"1\"", "null", "1e2", "18446744073709551615"}},
      {"offset", {"7", "-1", "9223372036854775807", "9223372036854775808", "null", "-0"}},
      {"timestamp", {"1763900000000", "-5", "null", "true"}},
      {"timestamp_type", {"\"create\"", "\"log_append\"", "\"x\"", "null", "3"}},
      {"key", {"\"k\"", "null", "\"\"", "{\"a\":1}", "\"\\ud83d\\ude00\""}},
      {"key_base64", {"\"AP8=\"", "\"!!\"", "null", "1"}},
      {"value",
       {"\"v\"", "null", "{\"id\":12345678901234567890123,\"amount\":0.1}", "[1, 2]", "true", "0.1",
        "\"a\\nb\""}},
      {"value_base64", {"\"eyJ9\"", "\"Z\"", "null"}},
      {"headers",
       {"[]", "null", "{}", "[{\"key\":\"a\",\"value\":\"1\"}]",
        "[{\"key\":\"n\",\"value\":null},{\"key_base64\":\"AP8=\",\"value_base64\":\"/w==\"}]", "[1]",
        "[{\"key\":\"a\",\"x\":1}]", "[{\"value\":\"v\"}]", "[{\"key\":\"a\",\"value\":1}]",
        "[{\"key\":\"a\",\"key_base64\":\"YQ==\"}]", "[{\"key\":\"a\",\"value\":\"1\",\"value\":\"2\"}]"}},
  }};
  std::mt19937 rng(7);
  RecordLineParser parser;
  Record reused;
  size_t records = 0;
  size_t errors = 0;
  for (unsigned subset = 0; subset < (1U << fields.size()); ++subset) {
    for (int draw = 0; draw < 6; ++draw) {
      std::vector<std::string> members;
      for (size_t f = 0; f < fields.size(); ++f) {
        if ((subset & (1U << f)) != 0) {
          const auto& choices = fields[f].second;
          members.push_back(std::string("\"") + fields[f].first + "\":" + choices[rng() % choices.size()]);
        }
      }
      if (draw % 3 == 1) {
        members.emplace_back("\"extra\":1");  // not a record line
      }
      if (draw % 3 == 2 && !members.empty()) {
        members.push_back(members.front());  // a duplicate: the last one counts
        members.front() = members.front().substr(0, members.front().find(':')) + ":null";
      }
      std::shuffle(members.begin(), members.end(), rng);
      std::string line = "{";
      for (size_t i = 0; i < members.size(); ++i) {
        line += (i ? (draw % 2 ? ", " : ",") : "") + members[i];
      }
      line += "}";
      CAPTURE(line);
      const auto j = nlohmann::json::parse(line);
      REQUIRE(parser.scan(line));
      CHECK(parser.is_record_line() == is_record_line(j));
      std::optional<Record> reference;
      std::optional<Record> fast;
      try {
        reference = record_from_json(j);
      } catch (const RecordLineError&) {
      }
      try {
        Record r;
        parser.to_record(r);
        fast = r;
      } catch (const RecordLineError&) {
      }
      REQUIRE(fast.has_value() == reference.has_value());
      if (fast) {
        // A record reused from line to line (its header slots overwritten
        // in place) ends up the same as a fresh one.
        parser.to_record(reused);
        CHECK(reused == *fast);
        reused.headers.push_back(evt::Header{"appended", "by a later step"});
      }
      if (!fast) {
        ++errors;
        continue;
      }
      ++records;
      // A JSON value's text is exact on the fast path, a compact dump on
      // the reference path: the same JSON either way.
      if (fast->value && j.contains("value") && !j["value"].is_string()) {
        CHECK(nlohmann::json::parse(*fast->value) == nlohmann::json::parse(*reference->value));
        CHECK(line.find(*fast->value) != std::string::npos);
        fast->value = reference->value;
      }
      CHECK(*fast == *reference);
    }
  }
  CHECK(records > 100);
  CHECK(errors > 500);
}
