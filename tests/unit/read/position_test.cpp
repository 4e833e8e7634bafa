#include "evt/read/position.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::read;
using evt::TopicPartition;
using evt::UsageError;

namespace {

constexpr int64_t k_now = 1'763'632'800'000;  // 2025-11-20T10:00:00Z

PositionSpec pos(std::string_view s) {
  return parse_position(s, k_now);
}

Bound b(BoundKind k, int64_t v = 0) {
  return {k, v};
}

std::string error_of(std::string_view s) {
  try {
    parse_position(s, k_now);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

PartitionPlan resolve(std::string_view s, int64_t ls, int64_t le, bool exit_at_end = false) {
  // A fake time index: the record at offset o has timestamp 10^12 + 1000*o.
  const TimeToOffset by_time = [&](const TopicPartition&, int64_t ts) {
    return std::clamp((ts - 1'000'000'000'000 + 999) / 1000, ls, le);
  };
  return resolve_position(pos(s), {"t", 0}, {ls, le}, exit_at_end, by_time);
}

}  // namespace

TEST_CASE("position grammar: offsets and keywords") {
  CHECK(pos("beginning") == PositionSpec{b(BoundKind::beginning), std::nullopt});
  CHECK(pos("start") == PositionSpec{b(BoundKind::beginning), std::nullopt});
  CHECK(pos("oldest") == PositionSpec{b(BoundKind::beginning), std::nullopt});
  CHECK(pos("END") == PositionSpec{b(BoundKind::end), std::nullopt});
  CHECK(pos("newest") == PositionSpec{b(BoundKind::end), std::nullopt});
  CHECK(pos("42") == PositionSpec{b(BoundKind::offset, 42), std::nullopt});
  CHECK(pos("42:") == PositionSpec{b(BoundKind::offset, 42), std::nullopt});
  CHECK(pos("+5") == PositionSpec{b(BoundKind::after_start, 5), std::nullopt});
  CHECK(pos("-5") == PositionSpec{b(BoundKind::before_end, 5), std::nullopt});
  CHECK(pos(":end") == PositionSpec{b(BoundKind::beginning), b(BoundKind::end)});
  CHECK(pos(":7") == PositionSpec{b(BoundKind::beginning), b(BoundKind::offset, 7)});
  CHECK(pos("3:7") == PositionSpec{b(BoundKind::offset, 3), b(BoundKind::offset, 7)});
  CHECK(pos("3:end") == PositionSpec{b(BoundKind::offset, 3), b(BoundKind::end)});
  CHECK(pos("start:7") == PositionSpec{b(BoundKind::beginning), b(BoundKind::offset, 7)});
}

TEST_CASE("position grammar: times") {
  CHECK(pos("@2025-11-20T10:00:00Z") == PositionSpec{b(BoundKind::time, k_now), std::nullopt});
  CHECK(pos("@2025-11-20T11:00:00+01:00") == PositionSpec{b(BoundKind::time, k_now), std::nullopt});
  CHECK(pos("@2025-11-20T10:00:00.25Z").start.value == k_now + 250);
  CHECK(pos("@2025-11-20").start.value == k_now - 10 * 3'600'000);
  CHECK(pos("@1763632800").start.value == k_now);
  CHECK(pos("@1763632800000").start.value == k_now);
  CHECK(pos("@-15m") == PositionSpec{b(BoundKind::time, k_now - 15 * 60'000), std::nullopt});
  CHECK(pos("@-1h30m").start.value == k_now - 90 * 60'000);
  CHECK(pos("@-48h:").start.value == k_now - 48 * 3'600'000);
  CHECK(pos("@:-1h") == PositionSpec{b(BoundKind::beginning), b(BoundKind::time, k_now - 3'600'000)});
  CHECK(pos("@2025-11-20T09:00:00Z:2025-11-20T10:00:00Z") ==
        PositionSpec{b(BoundKind::time, k_now - 3'600'000), b(BoundKind::time, k_now)});
  CHECK(pos("@2025-11-20T09:00:00Z:1h") ==
        PositionSpec{b(BoundKind::time, k_now - 3'600'000), b(BoundKind::time, k_now)});
  CHECK(pos("@-2h:-1h") ==
        PositionSpec{b(BoundKind::time, k_now - 7'200'000), b(BoundKind::time, k_now - 3'600'000)});
  CHECK(pos("@-2h:end") == PositionSpec{b(BoundKind::time, k_now - 7'200'000), b(BoundKind::end)});
}

TEST_CASE("position grammar: every invalid form has a clear error") {
  CHECK(error_of("") == "empty position");
  CHECK(error_of("abc") == "invalid position 'abc': 'abc' is not an offset");
  CHECK(error_of("-x") == "invalid position '-x': 'x' is not an offset");
  CHECK(error_of("+") == "invalid position '+': '' is not an offset");
  CHECK(error_of("7:3") == "invalid position '7:3': the end offset 3 is before the start offset 7");
  CHECK(error_of(":") == "invalid position ':': give an end after ':'");
  CHECK(error_of("3:x") == "invalid position '3:x': 'x' is not an offset");
  CHECK(error_of("@") == "invalid position '@': a time is missing after '@'");
  CHECK(error_of("@yesterday") == "invalid time position '@yesterday'");
  CHECK(error_of("@2025-13-01") == "invalid time position '@2025-13-01'");
  CHECK(error_of("@2025-11-20T25:00:00Z") == "invalid time position '@2025-11-20T25:00:00Z'");
  CHECK(error_of("@2025-11-20T10:00:00") == "invalid time position '@2025-11-20T10:00:00'");
  CHECK(error_of("@:soon") == "invalid time 'soon'");
  CHECK(error_of("@-15x") == "invalid time position '@-15x'");
  CHECK(error_of("@-1h:-2h") == "invalid position '@-1h:-2h': the end time is before the start time");
  CHECK(error_of("99999999999999999999") ==
        "invalid position '99999999999999999999': '99999999999999999999' is not an offset");
}

TEST_CASE("end positions, durations and partition lists") {
  CHECK(parse_end_position("end", k_now) == b(BoundKind::end));
  CHECK(parse_end_position("12", k_now) == b(BoundKind::offset, 12));
  CHECK(parse_end_position("@-1m", k_now) == b(BoundKind::time, k_now - 60'000));
  CHECK_THROWS_WITH_AS(parse_end_position("-3", k_now), "invalid end position '-3'", UsageError);
  CHECK(parse_duration("500ms") == 500);
  CHECK(parse_duration("2d") == 2 * 86'400'000);
  CHECK(parse_duration("1h1m1s") == 3'661'000);
  CHECK_FALSE(parse_duration("15").has_value());
  CHECK_FALSE(parse_duration("m").has_value());
  CHECK_FALSE(parse_duration("").has_value());
  CHECK(parse_partition_list("0,2") == std::vector<int32_t>{0, 2});
  CHECK(parse_partition_list("3,0-2,2") == std::vector<int32_t>{0, 1, 2, 3});
  CHECK_THROWS_WITH_AS(parse_partition_list("0,"), "invalid partition list '0,'", UsageError);
  CHECK_THROWS_AS(parse_partition_list("a"), UsageError);
  CHECK_THROWS_AS(parse_partition_list("3-1"), UsageError);
  CHECK_THROWS_AS(parse_partition_list("-1"), UsageError);
}

TEST_CASE("resolving positions against a log range") {
  // log start 10, log end 20
  auto check = [](std::string_view s, int64_t start, std::optional<int64_t> end, bool e = false) {
    const auto p = resolve(s, 10, 20, e);
    CHECK_MESSAGE(p.start == start, s);
    CHECK_MESSAGE(p.end == end, s);
    CHECK(p.log_end == 20);
  };
  check("beginning", 10, std::nullopt);
  check("beginning", 10, 20, true);
  check("end", 20, std::nullopt);
  check("end", 20, 20, true);
  check("15", 15, std::nullopt);
  check("5", 10, std::nullopt);  // before the log start: clamped
  check("25", 20, 20, true);     // past the end: clamped
  check("+3", 13, 20, true);
  check("+30", 20, 20, true);
  check("-3", 17, 20, true);
  check("-30", 10, 20, true);
  check(":end", 10, 20);
  check(":15", 10, 15);
  check("12:15", 12, 15);
  check("12:99", 12, 20);  // a range never waits for records that do not exist
  check("12:end", 12, 20);
  check("@1000000012000", 12, std::nullopt);
  check("@1000000012500:1000000014000", 13, 14);
  check("@:1000000001000", 10, 10);  // before the first record: empty
  CHECK(resolve("@:1000000001000", 10, 20).empty());
  CHECK(resolve("end", 20, 20, true).empty());
  CHECK_FALSE(resolve("beginning", 10, 20, true).empty());
}
