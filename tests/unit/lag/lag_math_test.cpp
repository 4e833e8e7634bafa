// Lag arithmetic: clamping, retention, missing commits, totals, ordering,
// thresholds and the formatting helpers of the report.
#include "evt/lag/lag.hpp"
#include "evt/lag/report.hpp"

#include <doctest/doctest.h>

using namespace evt;
using namespace evt::lag;

TEST_CASE("lag: offset lag edge cases") {
  SUBCASE("ordinary") {
    const auto l = offset_lag(40, 0, 100);
    CHECK(l.lag == 60);
    CHECK_FALSE(l.behind_retention);
  }
  SUBCASE("caught up") {
    CHECK(offset_lag(100, 0, 100).lag == 0);
  }
  SUBCASE("committed past the end is clamped at 0 and flagged") {
    const auto l = offset_lag(150, 0, 100);
    CHECK(l.lag == 0);
    CHECK(l.ahead_of_end);
    CHECK_FALSE(l.behind_retention);
    CHECK(make_partition_lag("g", {"t", 0}, 150, 0, 100).ahead_of_end);
    CHECK_FALSE(offset_lag(100, 0, 100).ahead_of_end);
    CHECK_FALSE(offset_lag(40, 0, 100).ahead_of_end);
  }
  SUBCASE("no commit is not zero lag") {
    CHECK_FALSE(offset_lag(std::nullopt, 0, 100).lag.has_value());
    CHECK_FALSE(offset_lag(-1001, 0, 100).lag.has_value());
  }
  SUBCASE("committed offset fell off retention: measured from the log start and flagged") {
    const auto l = offset_lag(10, 70, 100);
    CHECK(l.lag == 30);
    CHECK(l.behind_retention);
  }
  SUBCASE("committed exactly at the log start is not behind") {
    const auto l = offset_lag(70, 70, 100);
    CHECK(l.lag == 30);
    CHECK_FALSE(l.behind_retention);
  }
  SUBCASE("empty, fully-retained partition") {
    const auto l = offset_lag(0, 0, 0);
    CHECK(l.lag == 0);
    CHECK_FALSE(l.behind_retention);
  }
  SUBCASE("everything deleted: log start == log end") {
    const auto l = offset_lag(5, 100, 100);
    CHECK(l.lag == 0);
    CHECK(l.behind_retention);
  }
  SUBCASE("unknown log end") {
    CHECK_FALSE(offset_lag(5, 0, -1).lag.has_value());
  }
}

TEST_CASE("lag: the offset whose timestamp gives the time lag") {
  CHECK(time_lag_offset(make_partition_lag("g", {"t", 0}, 40, 0, 100)) == 40);
  CHECK(time_lag_offset(make_partition_lag("g", {"t", 0}, 10, 70, 100)) == 70);
  CHECK_FALSE(time_lag_offset(make_partition_lag("g", {"t", 0}, 100, 0, 100)).has_value());
  CHECK_FALSE(time_lag_offset(make_partition_lag("g", {"t", 0}, std::nullopt, 0, 100)).has_value());
  CHECK(time_lag_seconds(10'000, 7'500) == doctest::Approx(2.5));
  CHECK(time_lag_seconds(10'000, 12'000) == 0.0);  // producer clock ahead
}

TEST_CASE("lag: totals per topic and group") {
  std::vector<PartitionLag> rows = {
      make_partition_lag("g1", {"a", 0}, 5, 0, 10),
      make_partition_lag("g1", {"a", 1}, std::nullopt, 0, 10),
      make_partition_lag("g1", {"b", 0}, 1, 3, 8),
      make_partition_lag("g2", {"a", 0}, 10, 0, 10),
  };
  rows[0].time_lag_s = 4.0;
  rows[2].time_lag_s = 9.5;
  const auto t = lag_totals(rows, {"g1", "g2", "g3"});
  REQUIRE(t.topics.size() == 3);
  CHECK(t.topics[0].group == "g1");
  CHECK(t.topics[0].topic == "a");
  CHECK(t.topics[0].lag == 5);
  CHECK(t.topics[0].partitions == 2);
  CHECK(t.topics[0].uncommitted == 1);
  CHECK(t.topics[0].max_time_lag_s == 4.0);
  CHECK(t.topics[1].lag == 5);
  CHECK(t.topics[1].behind_retention == 1);
  REQUIRE(t.groups.size() == 3);
  CHECK(t.groups[0].lag == 10);
  CHECK(t.groups[0].partitions == 3);
  CHECK(t.groups[0].max_time_lag_s == 9.5);
  CHECK(t.groups[1].lag == 0);
  CHECK(t.groups[2].group == "g3");
  CHECK(t.groups[2].partitions == 0);
  CHECK_FALSE(t.groups[2].max_time_lag_s.has_value());
}

TEST_CASE("lag: widest lag first, uncommitted last") {
  std::vector<PartitionLag> rows = {
      make_partition_lag("g", {"t", 0}, std::nullopt, 0, 10),
      make_partition_lag("g", {"t", 1}, 9, 0, 10),
      make_partition_lag("g", {"t", 2}, 0, 0, 10),
      make_partition_lag("g", {"t", 3}, 10, 0, 10),
      make_partition_lag("f", {"t", 9}, 0, 0, 10),
  };
  sort_by_lag(rows);
  CHECK(rows[0].group == "f");  // tie on lag 10: by group name
  CHECK(rows[1].partition.partition == 2);
  CHECK(rows[2].partition.partition == 1);
  CHECK(rows[3].partition.partition == 3);
  CHECK(rows[4].partition.partition == 0);
}

TEST_CASE("lag: thresholds") {
  auto row = make_partition_lag("g", {"t", 0}, 0, 0, 100);
  row.time_lag_s = 30;
  Thresholds limits;
  CHECK_FALSE(limits.any());
  CHECK_FALSE(exceeds(row, limits));
  limits.max_lag = 100;
  CHECK_FALSE(exceeds(row, limits));  // equal is not over
  limits.max_lag = 99;
  CHECK(exceeds(row, limits));
  limits.max_lag.reset();
  limits.max_lag_seconds = 30;
  CHECK_FALSE(exceeds(row, limits));
  limits.max_lag_seconds = 29.9;
  CHECK(exceeds(row, limits));
  const auto uncommitted = make_partition_lag("g", {"t", 1}, std::nullopt, 0, 100);
  limits.max_lag = 0;
  CHECK_FALSE(exceeds(uncommitted, limits));
}

TEST_CASE("lag: report formatting helpers") {
  CHECK(with_thousands(0) == "0");
  CHECK(with_thousands(999) == "999");
  CHECK(with_thousands(1000) == "1,000");
  CHECK(with_thousands(1234567) == "1,234,567");
  CHECK(with_thousands(-12345) == "-12,345");
  CHECK(human_duration(0.25) == "250ms");
  CHECK(human_duration(42.9) == "42s");
  CHECK(human_duration(192) == "3m12s");
  CHECK(human_duration(5 * 3600 + 120) == "5h02m");
  CHECK(human_duration(3 * 86400 + 4 * 3600) == "3d04h");
  CHECK(prometheus_label("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");
}

TEST_CASE("lag: prometheus exposition has one sample per series and skips uncommitted") {
  LagSnapshot snap;
  snap.groups = {{"g", std::nullopt, std::nullopt}};
  snap.partitions = {make_partition_lag("g", {"t", 1}, 5, 0, 10),
                     make_partition_lag("g", {"t", 0}, std::nullopt, 0, 10)};
  snap.partitions[0].time_lag_s = 1.5;
  const auto text = render_prometheus(snap);
  CHECK(text.find("evt_consumer_lag_records{group=\"g\",topic=\"t\",partition=\"1\"} 5\n") !=
        std::string::npos);
  CHECK(text.find("evt_consumer_lag_seconds{group=\"g\",topic=\"t\",partition=\"1\"} 1.500\n") !=
        std::string::npos);
  CHECK(text.find("partition=\"0\"") == std::string::npos);
  CHECK(text.find("# TYPE evt_consumer_lag_records gauge\n") != std::string::npos);
}

TEST_CASE("lag: the worst time lag is unknown while a lagging partition is unmeasured") {
  std::vector<PartitionLag> rows = {
      make_partition_lag("g", {"a", 0}, 5, 0, 10),   // lags, measured
      make_partition_lag("g", {"a", 1}, 2, 0, 10),   // lags, not measured
      make_partition_lag("g", {"b", 0}, 10, 0, 10),  // caught up
      make_partition_lag("g", {"b", 1}, std::nullopt, 0, 10),
      make_partition_lag("g", {"b", 2}, 12, 0, 10),  // past the end
  };
  rows[0].time_lag_s = 4.0;
  rows[2].time_lag_s = 0.0;
  auto t = lag_totals(rows);
  REQUIRE(t.topics.size() == 2);
  CHECK_FALSE(t.topics[0].max_time_lag_s.has_value());  // a:1 is unknown, not 4 s
  CHECK(t.topics[1].max_time_lag_s == 0.0);
  CHECK(t.topics[1].ahead_of_end == 1);
  REQUIRE(t.groups.size() == 1);
  CHECK_FALSE(t.groups[0].max_time_lag_s.has_value());
  CHECK(t.groups[0].ahead_of_end == 1);
  CHECK(unmeasured_time_lag(rows) == 1);
  rows[1].time_lag_s = 9.0;
  t = lag_totals(rows);
  CHECK(t.topics[0].max_time_lag_s == 9.0);
  CHECK(t.groups[0].max_time_lag_s == 9.0);
  CHECK(unmeasured_time_lag(rows) == 0);
}

TEST_CASE("lag: prometheus labels stay valid UTF-8") {
  CHECK(prometheus_label("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(prometheus_label("a\xFF"
                         "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(prometheus_label("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  CHECK(prometheus_label("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(prometheus_label("x\xE2\x82") == "x\xEF\xBF\xBD\xEF\xBF\xBD");                // truncated
  CHECK(prometheus_label(std::string("nul\0in", 6)) == "nul\\\\x00in");
  CHECK(prometheus_label("q\"\\\n\x1b") == "q\\\"\\\\\\n\\\\x1b");
  // C1 and bidi controls are shown escaped too; the file is read on terminals.
  CHECK(prometheus_label("a\xC2\x9B\xE2\x80\xAE") == "a\\\\xc2\\\\x9b\\\\xe2\\\\x80\\\\xae");
}

TEST_CASE("lag: rows past the log end are noted in the table and JSON") {
  LagSnapshot snap;
  snap.groups = {{"g", std::nullopt, std::nullopt}};
  snap.partitions = {make_partition_lag("g", {"t", 0}, 12, 0, 10)};
  CHECK(render_table(snap, {}).find("  past log end\n") != std::string::npos);
  const auto json = render_json(snap, {}, true);
  CHECK(json.find("\"ahead_of_log_end\":true") != std::string::npos);
  CHECK(json.find("\"ahead_of_log_end\":1") != std::string::npos);
}
