#include "evt/replay/retention.hpp"

#include <doctest/doctest.h>

using namespace evt::replay;

namespace {
constexpr int64_t k_day = 24LL * 3600 * 1000;
constexpr int64_t k_now = 1'760'000'000'000;
}  // namespace

TEST_CASE("keep-timestamps: retention.ms of a delete topic") {
  const auto l = timestamp_limits({{"cleanup.policy", "delete"}, {"retention.ms", "604800000"}});
  REQUIRE(l.retention_ms);
  CHECK(*l.retention_ms == 7 * k_day);
  CHECK_FALSE(kept_timestamp_warning("dst", k_now - 6 * k_day, k_now, l));
  CHECK_FALSE(kept_timestamp_warning("dst", k_now - 7 * k_day, k_now, l));  // exactly at the limit
  const auto w = kept_timestamp_warning("dst", k_now - 7 * k_day - 1, k_now, l);
  REQUIRE(w);
  CHECK(
      *w ==
      "kept timestamps are older than the retention of 'dst' (retention.ms 7 d): the broker may delete such "
      "records soon after they are written");
  CHECK_FALSE(kept_timestamp_warning("dst", -1, k_now, l));  // no timestamp at all
}

TEST_CASE("keep-timestamps: no time-based deletion, nothing to warn about") {
  CHECK_FALSE(timestamp_limits({{"cleanup.policy", "compact"}, {"retention.ms", "1000"}}).retention_ms);
  CHECK_FALSE(timestamp_limits({{"cleanup.policy", "delete"}, {"retention.ms", "-1"}}).retention_ms);
  CHECK_FALSE(timestamp_limits({{"retention.ms", "soon"}}).retention_ms);
  CHECK(timestamp_limits({{"cleanup.policy", "compact,delete"}, {"retention.ms", "3600000"}}).retention_ms ==
        3600000);
  CHECK_FALSE(kept_timestamp_warning("dst", 0, k_now, timestamp_limits({})));
}

TEST_CASE("keep-timestamps: refused as too old, or replaced by LogAppendTime") {
  auto l = timestamp_limits({{"retention.ms", "-1"},
                             {"message.timestamp.difference.max.ms", "3600000"},
                             {"message.timestamp.type", "CreateTime"}});
  const auto w = kept_timestamp_warning("dst", k_now - 2 * 3600 * 1000, k_now, l);
  REQUIRE(w);
  CHECK(*w ==
        "kept timestamps are older than 'dst' accepts (message.timestamp.difference.max.ms 1 h): the broker "
        "refuses "
        "such records");
  l = timestamp_limits(
      {{"message.timestamp.type", "LogAppendTime"}, {"message.timestamp.difference.max.ms", "1"}});
  CHECK_FALSE(l.max_difference_ms);  // not checked for LogAppendTime
  CHECK(kept_timestamp_warning("dst", k_now, k_now, l) ==
        std::optional<std::string>(
            "'dst' uses LogAppendTime: the broker replaces the kept timestamps with the time of writing"));
}
