// The flag rules, refresh rendering and verdict of `evt lag`.
#include "evt/lag/command.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt;
using namespace evt::lag;

namespace {

LagSnapshot snapshot_with_lag(int64_t committed, int64_t log_end, std::optional<double> time_lag_s) {
  LagSnapshot snap;
  snap.groups.push_back({"g", std::nullopt, std::nullopt});
  auto row = make_partition_lag("g", {"t", 0}, committed, 0, log_end);
  row.time_lag_s = time_lag_s;
  snap.partitions.push_back(row);
  return snap;
}

}  // namespace

TEST_CASE("lag flags: thresholds only when given") {
  LagFlags f;
  CHECK_FALSE(thresholds_of(f).any());
  f.max_lag = 0;
  f.max_lag_seconds = 1.5;
  const auto t = thresholds_of(f);
  CHECK(t.max_lag == 0);
  CHECK(t.max_lag_seconds == 1.5);
}

TEST_CASE("lag flags that do not go together are usage errors") {
  LagFlags fail_on;
  fail_on.fail_on = "warn";
  fail_on.watch_s = 5;
  CHECK_THROWS_WITH_AS(check_flags(fail_on, "text"), "--fail-on needs --watch and --count K", UsageError);
  fail_on.count = 3;
  CHECK_NOTHROW(check_flags(fail_on, "text"));
  LagFlags count;
  count.count = 2;
  CHECK_THROWS_WITH_AS(check_flags(count, "text"), "--count needs --watch", UsageError);
  LagFlags seconds;
  seconds.max_lag_seconds = 10;
  seconds.no_time_lag = true;
  CHECK_THROWS_AS(check_flags(seconds, "text"), UsageError);
  LagFlags prometheus;
  prometheus.watch_s = 5;
  CHECK_THROWS_AS(check_flags(prometheus, "prometheus"), UsageError);
  CHECK_NOTHROW(check_flags(prometheus, "json"));
}

TEST_CASE("lag refresh: a table once, a line per refresh in a pipe, the table redrawn on a terminal") {
  const auto snap = snapshot_with_lag(40, 100, 2.0);
  ReportStyle style;
  CHECK(render_refresh(snap, "text", style, false, false) == render_table(snap, style));
  CHECK(render_refresh(snap, "prometheus", style, false, false) == render_prometheus(snap));
  CHECK(render_refresh(snap, "json", style, true, false) == render_json(snap, style, true));
  LagWatch watch;
  watch.add(snap, 0);
  style.watch = &watch;
  CHECK(render_refresh(snap, "text", style, true, false) == render_watch_line(snap, style));
  CHECK(render_refresh(snap, "text", style, true, true) ==
        "\x1b[H\x1b[2J" + render_watch_line(snap, style) + render_table(snap, style));
}

TEST_CASE("lag verdict: 0 within the thresholds, 1 with the rows over them") {
  const auto snap = snapshot_with_lag(40, 100, 2.0);
  LagFlags none;
  CHECK(judge(snap, none, nullptr).code == ExitCode::ok);
  LagFlags within;
  within.max_lag = 60;
  within.max_lag_seconds = 2.0;
  const auto ok = judge(snap, within, nullptr);
  CHECK(ok.code == ExitCode::ok);
  CHECK(ok.messages.empty());
  LagFlags over;
  over.max_lag = 59;
  const auto no = judge(snap, over, nullptr);
  CHECK(no.code == ExitCode::no);
  REQUIRE(no.messages.size() == 1);
  CHECK(no.messages[0].rfind("lag over the threshold:\n", 0) == 0);
  CHECK(no.messages[0] == "lag over the threshold:\n" + render_breaches(snap, thresholds_of(over), false));
}

TEST_CASE("lag verdict: --max-lag-seconds cannot judge an unmeasured lagging partition") {
  const auto snap = snapshot_with_lag(40, 100, std::nullopt);
  LagFlags seconds;
  seconds.max_lag_seconds = 10;
  CHECK_THROWS_AS(judge(snap, seconds, nullptr), BrokerError);
  // Already failing on records: the answer is no either way.
  seconds.max_lag = 0;
  CHECK(judge(snap, seconds, nullptr).code == ExitCode::no);
}

TEST_CASE("lag verdict: --fail-on names the group and its status") {
  LagWatch watch;
  LagFlags flags;
  flags.watch_s = 1;
  flags.count = 3;
  flags.fail_on = "stall";
  // The committed offset never moves while the lag stays: STALL.
  for (int i = 0; i < 3; ++i) {
    watch.add(snapshot_with_lag(40, 100 + i, std::nullopt), i);
  }
  const auto snap = snapshot_with_lag(40, 102, std::nullopt);
  const auto v = judge(snap, flags, &watch);
  CHECK(v.code == ExitCode::no);
  REQUIRE(v.messages.size() == 1);
  CHECK(v.messages[0] == "group g is " + to_string(watch.group_status("g")) + " (--fail-on stall)\n");
  CHECK(fails(watch.group_status("g"), LagStatus::stall));
  CHECK(judge(snap, flags, nullptr).code == ExitCode::ok);
}
