// valijson's std::regex recurses per character: long strings against a
// schema with regular expressions are refused with a message, never
// matched into a stack overflow.
#include "evt/schema/regex_guard.hpp"
#include "evt/schema/big_stack.hpp"
#include "evt/schema/fast_validate.hpp"
#include "evt/schema/validate.hpp"

#include <doctest/doctest.h>
#include <rapidjson/document.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <string>

using namespace evt::schema;
using nlohmann::json;

TEST_CASE("uses_std_regex finds pattern, patternProperties and date/time formats anywhere") {
  CHECK(uses_std_regex(json::parse(R"({"properties":{"s":{"type":"string","pattern":"^a+$"}}})")));
  CHECK(uses_std_regex(json::parse(R"({"patternProperties":{"^x":{}}})")));
  CHECK(uses_std_regex(json::parse(R"({"anyOf":[{"format":"date-time"}]})")));
  CHECK(uses_std_regex(json::parse(R"({"definitions":{"d":{"items":[{"format":"date"}]}}})")));
  CHECK_FALSE(uses_std_regex(json::parse(R"({"properties":{"pattern":{"type":"string"}}})")));
  CHECK_FALSE(uses_std_regex(json::parse(R"({"format":"email","type":"string","minLength":3})")));
}

TEST_CASE("text_over_regex_limit looks at every string and member name") {
  const std::string long_text(k_max_regex_text_bytes + 1, 'a');
  CHECK_FALSE(text_over_regex_limit(json{{"a", std::string(k_max_regex_text_bytes, 'a')}}));
  CHECK(text_over_regex_limit(json{{"a", json::array({1, long_text})}}) == long_text.size());
  CHECK(text_over_regex_limit(json{{long_text, 1}}) == long_text.size());
}

TEST_CASE("a long string against a pattern is refused with a message, a shorter one is checked") {
  const auto schema =
      json::parse(R"({"type":"object","properties":{"s":{"type":"string","pattern":"^[a-z]+$"}}})");
  const auto full = EventValidator::from_json(schema);
  // 30,000 characters crashed an 8 MiB stack; on the big stack they are checked.
  const json ok{{"s", std::string(30000, 'a')}};
  const json bad{{"s", std::string(30000, 'a') + "1"}};
  const json too_long{{"s", std::string(k_max_regex_text_bytes + 1, 'a')}};
  std::vector<EventError> ok_errors, bad_errors, long_errors;
  run_with_big_stack([&] {
    ok_errors = full.validate(ok);
    bad_errors = full.validate(bad);
    long_errors = full.validate(too_long);
  });
  CHECK(ok_errors.empty());
  CHECK_FALSE(bad_errors.empty());
  REQUIRE(long_errors.size() == 1);
  CHECK(long_errors[0].reason == regex_limit_message(k_max_regex_text_bytes + 1));

  // Without a regular expression in the schema, length does not matter.
  const auto plain = EventValidator::from_json(json::parse(R"({"properties":{"s":{"type":"string"}}})"));
  CHECK(plain.validate(too_long).empty());
}

TEST_CASE("the fast validator refuses a long string against a pattern without matching it") {
  const auto file =
      std::filesystem::temp_directory_path() / ("evt-regex-guard-" + std::to_string(::getpid()) + ".json");
  std::ofstream(file) << R"({"type":"object","properties":{"s":{"type":"string","pattern":"^[a-z]+$"}}})";
  const auto fast = FastEventValidator::from_file(file);
  const auto event = [](size_t n) {
    rapidjson::Document doc;
    const std::string text = R"({"s":")" + std::string(n, 'a') + R"("})";
    doc.Parse(text.data(), text.size());
    return doc;
  };
  const auto shorter = event(30000);
  const auto longer = event(k_max_regex_text_bytes + 1);
  bool short_ok = false;
  bool long_ok = true;
  run_with_big_stack([&] {
    short_ok = fast.accepts(shorter);
    long_ok = fast.accepts(longer);
  });
  CHECK(short_ok);
  CHECK_FALSE(long_ok);
  std::filesystem::remove(file);
}
