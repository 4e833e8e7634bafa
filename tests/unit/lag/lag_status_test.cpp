// Burrow's status rules over synthetic windows, the rates and the catch-up
// estimate.
#include "evt/lag/status.hpp"
#include "evt/lag/watch.hpp"

#include <doctest/doctest.h>

#include <vector>

using namespace evt;
using namespace evt::lag;

namespace {

struct Point {
  double t;
  int64_t committed;
  int64_t end;
};

PartitionHistory history_of(const std::vector<Point>& points, size_t window = 10) {
  PartitionHistory h(window);
  for (const auto& p : points) {
    h.add({p.t, p.committed, p.end, std::max<int64_t>(0, p.end - p.committed)});
  }
  return h;
}

LagStatus status_of(const std::vector<Point>& points, std::optional<bool> members = std::nullopt) {
  return evaluate(history_of(points), members).status;
}

}  // namespace

TEST_CASE("lag status: OK") {
  SUBCASE("consumer keeps up, lag shrinks") {
    CHECK(status_of({{0, 0, 100}, {1, 50, 120}, {2, 110, 130}}) == LagStatus::ok);
  }
  SUBCASE("latest lag is zero even if it was growing before") {
    CHECK(status_of({{0, 0, 10}, {1, 0, 20}, {2, 30, 30}}) == LagStatus::ok);
  }
  SUBCASE("idle topic, idle consumer, nothing to read") {
    CHECK(status_of({{0, 10, 10}, {1, 10, 10}, {2, 10, 10}}) == LagStatus::ok);
  }
}

TEST_CASE("lag status: WARN when offsets advance but lag never decreases") {
  CHECK(status_of({{0, 0, 100}, {1, 10, 110}, {2, 20, 125}, {3, 30, 140}}) == LagStatus::warn);
  // Fixed lag while consuming counts too.
  CHECK(status_of({{0, 0, 50}, {1, 10, 60}, {2, 20, 70}}) == LagStatus::warn);
}

TEST_CASE("lag status: STALL when the offset does not move while lagging") {
  CHECK(status_of({{0, 5, 100}, {1, 5, 100}, {2, 5, 120}}) == LagStatus::stall);
  // Members present: a consumer is there, so it is stalled rather than stopped.
  CHECK(status_of({{0, 5, 100}, {1, 5, 100}}, true) == LagStatus::stall);
}

TEST_CASE("lag status: STOP") {
  SUBCASE("the group has no members and the offset does not move") {
    CHECK(status_of({{0, 5, 100}, {1, 5, 100}}, false) == LagStatus::stop);
  }
  SUBCASE("silence longer than the commits seen span") {
    // Commits seen at t=0 (start), 1 and 2; nothing since, now t=5: 3 > 2.
    CHECK(status_of({{0, 0, 100}, {1, 10, 100}, {2, 20, 100}, {3, 20, 100}, {5, 20, 100}}) ==
          LagStatus::stop);
    // Same at t=4: quiet for 2, which is not longer than the span of 2.
    CHECK(status_of({{0, 0, 100}, {1, 10, 100}, {2, 20, 100}, {3, 20, 100}, {4, 20, 100}}) !=
          LagStatus::stop);
  }
  SUBCASE("not an error when caught up") {
    CHECK(status_of({{0, 0, 20}, {1, 10, 20}, {2, 20, 20}, {9, 20, 20}}) == LagStatus::ok);
  }
}

TEST_CASE("lag status: REWIND when the committed offset goes backwards") {
  CHECK(status_of({{0, 50, 100}, {1, 60, 100}, {2, 10, 100}}) == LagStatus::rewind);
  // Even when the rewind leaves no lag, the window shows it.
  CHECK(status_of({{0, 100, 100}, {1, 90, 100}, {2, 100, 100}}) == LagStatus::rewind);
}

TEST_CASE("lag status: pending until two samples, or without a commit") {
  CHECK(status_of({{0, 5, 100}}) == LagStatus::pending);
  CHECK(status_of({{0, 100, 100}}) == LagStatus::ok);
  PartitionHistory h;
  h.add({0, std::nullopt, 10, std::nullopt});
  h.add({1, std::nullopt, 20, std::nullopt});
  CHECK(evaluate(h, std::nullopt).status == LagStatus::pending);
}

TEST_CASE("lag status: the window slides") {
  // An old rewind drops out of a window of 3.
  auto h = history_of({{0, 50, 100}, {1, 10, 100}, {2, 20, 100}, {3, 40, 100}, {4, 60, 100}}, 3);
  CHECK(h.samples().size() == 3);
  CHECK(evaluate(h, std::nullopt).status == LagStatus::ok);
}

TEST_CASE("lag status: severity, fail-on and group status") {
  CHECK(worst_status({LagStatus::ok, LagStatus::warn, LagStatus::ok}) == LagStatus::warn);
  CHECK(worst_status({LagStatus::stall, LagStatus::stop, LagStatus::rewind}) == LagStatus::stop);
  CHECK(worst_status({}) == LagStatus::pending);
  CHECK(parse_fail_on("warn") == LagStatus::warn);
  CHECK_FALSE(parse_fail_on("error").has_value());
  CHECK(fails(LagStatus::rewind, LagStatus::warn));
  CHECK_FALSE(fails(LagStatus::rewind, LagStatus::stall));
  CHECK(fails(LagStatus::stop, LagStatus::stall));
  CHECK_FALSE(fails(LagStatus::stall, LagStatus::stop));
  CHECK_FALSE(fails(LagStatus::pending, LagStatus::warn));
  CHECK(to_string(LagStatus::stall) == "STALL");
  CHECK(to_string(LagStatus::pending) == "-");
}

TEST_CASE("lag status: rates, trend and the catch-up estimate") {
  // Consumes 30/s, produces 10/s, lag 100 → 60: 60 / (30 - 10) = 3 s.
  const auto e = evaluate(history_of({{0, 0, 100}, {2, 60, 120}}), std::nullopt);
  CHECK(e.consume_rate == doctest::Approx(30));
  CHECK(e.produce_rate == doctest::Approx(10));
  CHECK(e.trend == LagTrend::shrinking);
  REQUIRE(e.catch_up_s.has_value());
  CHECK(*e.catch_up_s == doctest::Approx(3));
  // Falling behind: never catches up at these rates.
  const auto behind = evaluate(history_of({{0, 0, 100}, {2, 10, 200}}), std::nullopt);
  CHECK(behind.trend == LagTrend::growing);
  CHECK_FALSE(behind.catch_up_s.has_value());
  CHECK(catch_up_seconds(0, std::nullopt, std::nullopt) == 0.0);
  CHECK_FALSE(catch_up_seconds(10, 5.0, 5.0).has_value());
  CHECK_FALSE(catch_up_seconds(10, std::nullopt, 1.0).has_value());
  CHECK(*catch_up_seconds(10, 6.0, 1.0) == doctest::Approx(2));
}

TEST_CASE("lag watch: group status is the worst partition, pending until judged") {
  LagSnapshot snap;
  snap.groups = {{"g", std::nullopt, std::nullopt}};
  snap.partitions = {make_partition_lag("g", {"t", 0}, 10, 0, 10),
                     make_partition_lag("g", {"t", 1}, 5, 0, 50)};
  LagWatch watch;
  watch.add(snap, 0);
  CHECK(watch.group_status("g") == LagStatus::pending);
  watch.add(snap, 1);
  CHECK(watch.evaluation("g", {"t", 0})->status == LagStatus::ok);
  CHECK(watch.evaluation("g", {"t", 1})->status == LagStatus::stall);
  CHECK(watch.group_status("g") == LagStatus::stall);
  CHECK(watch.worst() == LagStatus::stall);
  CHECK_FALSE(watch.evaluation("g", {"t", 7}).has_value());
}
