#include "evt/kafka/mock_cluster.hpp"
#include "evt/replay/sender.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>

using namespace evt;
using namespace evt::replay;

namespace {

// A destination topic on librdkafka's in-process mock cluster.
struct Fixture {
  kafka::MockCluster cluster{1, nullptr};
  Destination dest;
  CopyOptions options;
  Fixture() {
    cluster.create_topic("dst", 4);
    dest.config.brokers = cluster.bootstraps();
    dest.config.timeout_ms = 5000;
    dest.topic = "dst";
    options.run_id = "r1";
    options.idle_timeout_ms = 3000;
  }
};

// Sends `n` records of source `source` (offsets from `first`) to `dp`.
void send_n(Sender& s, uint32_t source, int64_t first, int n, int32_t dp) {
  const std::string value = "v";
  for (int i = 0; i < n; ++i) {
    RecordView v;
    v.value = value;
    kafka::NativeHeaders h;
    h.add("ce_type", "x");
    const std::string text = "src/" + std::to_string(source) + "@" + std::to_string(first + i);
    REQUIRE(s.send(source, first + i, dp, v, std::move(h), 10, text));
  }
}

}  // namespace

TEST_CASE("threaded sender: acknowledgements move the watermark, counts and scan starts as on one thread") {
  Fixture f;
  Sender s(f.dest, f.options, 2);
  s.begin({{0, 0}, {1, 0}, {2, 0}, {3, 0}}, true);
  send_n(s, 0, 100, 3000, 1);
  send_n(s, 1, 0, 2000, 2);
  CHECK(s.in_flight() == 5000);  // handed over, nothing acknowledged yet
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (s.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
    s.serve(100);
  }
  REQUIRE(s.in_flight() == 0);
  CHECK_FALSE(s.failed());
  CHECK(s.commit_offset(0, -1) == 3100);
  CHECK(s.commit_offset(1, -1) == 2000);
  CHECK(s.written(0) == 3000);
  CHECK(s.written(1) == 2000);
  CHECK(s.bytes() == 50000);
  CHECK(s.written_to().at("dst") == 5000);
  // Nothing pruned yet: the scan starts at the first acknowledged record;
  // once the checkpoint covers everything, one past the last.
  CHECK(s.scan_start(1) == 0);
  s.prune({3100, 2000});
  CHECK(s.scan_start(1) == 3000);
  CHECK(s.scan_start(2) == 2000);
  CHECK(s.scan_start(0) == 0);
  CHECK(s.drain() == 0);
}

TEST_CASE("threaded sender: sends borrowed records only") {
  Fixture f;
  Sender s(f.dest, f.options, 1);
  s.begin({{0, 0}}, true);
  Record r;
  r.topic = "dst";
  r.value = "v";
  CHECK_THROWS_AS(s.send(0, 0, r), std::logic_error);
}

TEST_CASE("threaded sender: with the destination down nothing is acknowledged and the drain is bounded") {
  Fixture f;
  f.options.idle_timeout_ms = 1000;
  Sender s(f.dest, f.options, 1);
  s.begin({{0, 0}}, true);
  f.cluster.set_broker_down(1, true);
  send_n(s, 0, 0, 500, 0);
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(s.drain() == 500);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(8));
  CHECK(s.written(0) == 0);
  CHECK(s.commit_offset(0, -1) == 0);  // nothing past the first record is covered
  f.cluster.set_broker_down(1, false);
}
