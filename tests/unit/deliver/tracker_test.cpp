#include "evt/deliver/tracker.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/deliver/source_ref.hpp"
#include "evt/deliver/watermark.hpp"
#include "fake_producer.hpp"

#include <doctest/doctest.h>

#include <thread>

using evt::Record;
using evt::deliver::DeliveryTracker;
using evt::deliver::RateLimiter;
using evt::deliver::SourceRef;
using evt::deliver::TokenMap;
using evt::test::FakeProducer;

namespace {

Record value(std::string v) {
  Record r;
  r.topic = "t";
  r.value = std::move(v);
  return r;
}

}  // namespace

TEST_CASE("tokens: packed references need no table, large ones round-trip through it") {
  TokenMap map;
  const SourceRef line{3, 12345};
  const auto t = map.token(line);
  CHECK(map.side_entries() == 0);
  CHECK(map.release(t) == line);
  // An offset beyond 40 bits and a source beyond 23 bits.
  const SourceRef big_offset{1, int64_t{1} << 50};
  const SourceRef big_source{1u << 30, 7};
  const auto t1 = map.token(big_offset);
  const auto t2 = map.token(big_source);
  CHECK(t1 != t2);
  CHECK(map.side_entries() == 2);
  CHECK(map.release(t2) == big_source);
  CHECK(map.release(t1) == big_offset);
  CHECK(map.side_entries() == 0);
}

TEST_CASE("tracker: reports in any order are matched to their sources") {
  FakeProducer p;
  std::vector<SourceRef> delivered;
  DeliveryTracker t(p, [&](SourceRef ref, const evt::kafka::DeliveryReport& r) {
    if (r.delivered) {
      delivered.push_back(ref);
    }
  });
  for (int64_t off = 100; off < 105; ++off) {
    t.send(value("v"), {7, off});
  }
  CHECK(t.counts().produced == 5);
  CHECK(t.in_flight() == 5);
  p.acknowledge_at(3, true);
  p.acknowledge(true);
  t.serve(0);
  CHECK(t.counts().delivered == 2);
  REQUIRE(delivered.size() == 2);
  CHECK(delivered[0] == SourceRef{7, 103});
  CHECK(delivered[1] == SourceRef{7, 101});
  t.drain(1000);
  CHECK(t.counts().delivered == 5);
  CHECK(t.counts().failed == 0);
  CHECK(t.failed_ranges().empty());
  CHECK_FALSE(t.first_failure().has_value());
}

TEST_CASE("tracker: failures merge into ranges per source and error, in source order") {
  FakeProducer p;
  DeliveryTracker t(p);
  for (int64_t line = 1; line <= 6; ++line) {
    t.send(value("v"), {1, line});
  }
  t.send(value("v"), {0, 9});
  // Report order: 1:5 fails, then 1:2, 1:3 fail, 1:4 fails (other error),
  // 1:1 is delivered, 1:6 and 0:9 fail.
  p.acknowledge_at(4, false);  // pending now 1:2 1:3 1:4 1:1 1:6 0:9
  p.acknowledge(false);
  p.acknowledge(false);
  p.acknowledge(false, "too large");
  p.acknowledge(true);
  p.acknowledge(false);
  p.acknowledge(false);
  t.serve(0);
  CHECK(t.counts().failed == 6);
  CHECK(t.counts().delivered == 1);
  const auto ranges = t.failed_ranges();
  REQUIRE(ranges.size() == 4);
  CHECK(ranges[0].source == 0);
  CHECK(ranges[0].first == 9);
  CHECK(ranges[1].source == 1);
  CHECK(ranges[1].first == 2);
  CHECK(ranges[1].last == 3);
  CHECK(ranges[1].error == "broker down");
  CHECK(ranges[2].first == 4);
  CHECK(ranges[2].last == 4);
  CHECK(ranges[2].error == "too large");
  CHECK(ranges[3].first == 5);
  CHECK(ranges[3].last == 6);
  REQUIRE(t.first_failure().has_value());
  CHECK(*t.first_failure() == SourceRef{0, 9});
}

TEST_CASE("tracker: drain purges what the deadline leaves, and counts what has no report") {
  FakeProducer p;
  p.answer_on_flush = 0;  // the broker answers nothing
  DeliveryTracker t(p);
  t.send(value("a"), {0, 1});
  t.send(value("b"), {0, 2});
  int ticks = 0;
  t.drain(0, [&] { ++ticks; });
  CHECK(ticks == 0);  // no time for a flush step
  CHECK(t.counts().failed == 2);
  CHECK(t.counts().unreported == 0);
  const auto ranges = t.failed_ranges();
  REQUIRE(ranges.size() == 1);
  CHECK(ranges[0].first == 1);
  CHECK(ranges[0].last == 2);
  CHECK(ranges[0].error == "purged");

  FakeProducer silent;
  silent.answer_on_flush = 0;
  silent.purge_reports = false;
  DeliveryTracker t2(silent);
  t2.send(value("a"), {0, 1});
  t2.drain(0);
  CHECK(t2.counts().failed == 0);
  CHECK(t2.counts().unreported == 1);
}

TEST_CASE("tracker: drain flushes in steps until nothing is in flight") {
  FakeProducer p;
  p.answer_on_flush = 1;
  DeliveryTracker t(p);
  t.send(value("a"), {0, 1});
  t.send(value("b"), {0, 2});
  int ticks = 0;
  t.drain(60000, [&] {
    ++ticks;
    p.answer_on_flush = 1;
  });
  CHECK(ticks == 2);
  CHECK(t.counts().delivered == 2);
  CHECK(t.in_flight() == 0);
}

TEST_CASE("tracker: client errors are kept (the first one), produce errors are thrown and not counted") {
  FakeProducer p;
  DeliveryTracker t(p);
  p.throw_on_produce = evt::BrokerError("queue broken");
  CHECK_THROWS_AS(t.send(value("a"), {0, 1}), evt::BrokerError);
  CHECK(t.counts().produced == 0);
  t.send(value("b"), {0, 2});
  p.acknowledge(true);
  p.throw_on_poll = evt::BrokerError("fatal: fenced");
  t.serve(0);
  REQUIRE(t.client_error().has_value());
  CHECK(t.client_error()->message == "fatal: fenced");
  CHECK(t.client_error()->code == evt::ExitCode::runtime);
  p.throw_on_poll = evt::BrokerError("second");
  t.serve(0);
  CHECK(t.client_error()->message == "fatal: fenced");
  // The report ready before the error was still handled.
  CHECK(t.counts().delivered == 1);
}

TEST_CASE("tracker: reports advance a watermark for a copy engine") {
  FakeProducer p;
  evt::deliver::AckWatermark w;
  const evt::TopicPartition tp{"in", 0};
  DeliveryTracker t(p, [&](SourceRef ref, const evt::kafka::DeliveryReport& r) {
    if (r.delivered) {
      w.acked(tp, ref.position);
    }
  });
  for (int64_t off = 10; off < 13; ++off) {
    w.sent(tp, off);
    t.send(value("v"), {0, off});
  }
  p.acknowledge_at(2, true);
  t.serve(0);
  CHECK(w.commit_offset(tp) == 10);
  p.acknowledge(true);
  p.acknowledge(true);
  t.serve(0);
  CHECK(w.commit_offset(tp) == 13);
}

TEST_CASE("rate limiter: records are due at start + n / rate") {
  const auto start = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  RateLimiter unlimited(0, start);
  CHECK_FALSE(unlimited.limited());
  CHECK(unlimited.due(1000) == start);
  RateLimiter r(4, start);
  CHECK(r.limited());
  CHECK(r.due(0) == start);
  CHECK(r.due(1) == start + std::chrono::milliseconds(250));
  CHECK(r.due(10) == start + std::chrono::milliseconds(2500));
  RateLimiter slow(0.5, start);
  CHECK(slow.due(3) == start + std::chrono::seconds(6));
}

TEST_CASE("rate limiter: a record already due does not wait; a later one idles in slices") {
  const auto now = RateLimiter::Clock::now();
  RateLimiter past(10, now - std::chrono::hours(1));
  int idles = 0;
  CHECK(past.wait(5, [&](int) { ++idles; }));
  CHECK(idles == 0);
  RateLimiter r(1000, now);
  std::vector<int> slices;
  CHECK(r.wait(30, [&](int ms) {
    slices.push_back(ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }));
  CHECK_FALSE(slices.empty());
  for (const int ms : slices) {
    CHECK(ms <= 100);
  }
  CHECK(RateLimiter::Clock::now() >= r.due(30));
}
