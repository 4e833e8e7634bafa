#include "evt/replay/checkpoint.hpp"
#include "evt/error.hpp"
#include "evt/replay/provenance.hpp"
#include "evt/replay/run_id.hpp"

#include <doctest/doctest.h>

using namespace evt::replay;

TEST_CASE("replay checkpoint metadata: round trip and exact text") {
  CheckpointMeta m;
  m.end = 50000;
  m.provenance = true;
  m.dest_scan = {{0, 17}, {3, 0}};
  const auto text = encode_checkpoint(m);
  CHECK(text == "evt-replay/1;end=50000;prov=1;dst=0:17,3:0");
  CHECK(decode_checkpoint(text) == m);
  m.provenance = false;
  m.dest_scan.clear();
  CHECK(encode_checkpoint(m) == "evt-replay/1;end=50000;prov=0;dst=");
  CHECK(decode_checkpoint(encode_checkpoint(m)) == m);
}

TEST_CASE("replay checkpoint metadata: anything else is not ours") {
  CHECK_FALSE(decode_checkpoint(""));
  CHECK_FALSE(decode_checkpoint("some consumer's metadata"));
  CHECK_FALSE(decode_checkpoint("evt-replay/1;prov=1;dst="));  // no end
  CHECK_FALSE(decode_checkpoint("evt-replay/1;end=5;dst="));   // no prov
  CHECK_FALSE(decode_checkpoint("evt-replay/1;end=x;prov=1;dst="));
  CHECK_FALSE(decode_checkpoint("evt-replay/1;end=5;prov=1;dst=0:"));
  CHECK_FALSE(decode_checkpoint("evt-replay/1;end=5;prov=1;dst=a:1"));
  CHECK_FALSE(decode_checkpoint("evt-replay/2;end=5;prov=1;dst="));
}

TEST_CASE("replay provenance: format and parse") {
  CHECK(format_source({"orders.v1", 3}, 42) == "orders.v1/3@42");
  const auto a = parse_source("orders.v1/3@42");
  REQUIRE(a);
  CHECK(a->partition.topic == "orders.v1");
  CHECK(a->partition.partition == 3);
  CHECK(a->offset == 42);
  CHECK_FALSE(parse_source("orders"));
  CHECK_FALSE(parse_source("/3@4"));
  CHECK_FALSE(parse_source("t/3@"));
  CHECK_FALSE(parse_source("t/@4"));
  CHECK_FALSE(parse_source("t/-1@4"));
  CHECK_FALSE(parse_source("t/1@4x"));
  CHECK_FALSE(parse_source("t@4/1"));
}

TEST_CASE("replay run id: stable, distinct, checked") {
  CHECK(derive_run_id("a") == derive_run_id("a"));
  CHECK(derive_run_id("a") != derive_run_id("b"));
  CHECK(derive_run_id("").size() == 18);
  CHECK(run_group("r-1") == "evt-replay-r-1");
  CHECK_NOTHROW(check_run_id("fix-2026.11_29"));
  CHECK_THROWS_AS(check_run_id(""), evt::UsageError);
  CHECK_THROWS_AS(check_run_id("a b"), evt::UsageError);
  CHECK_THROWS_AS(check_run_id(std::string(101, 'a')), evt::UsageError);
}

TEST_CASE("dest scan tracker: the scan start never passes an uncovered record") {
  DestScanTracker t;
  t.start({{0, 100}, {1, 5}});
  CHECK(t.scan_start(0) == 100);
  CHECK(t.scan_start(1) == 5);
  CHECK(t.scan_start(7) == 0);  // unknown partition: from the beginning
  // Source 0 offsets 10,11 land at 100,101; source 1 offset 3 at 102.
  t.acked(0, 100, 0, 10);
  t.acked(0, 101, 0, 11);
  t.acked(0, 102, 1, 3);
  CHECK(t.scan_start(0) == 100);
  // Checkpoint covers source 0 up to 11 (not 11), source 1 nothing.
  t.prune([](uint32_t s, int64_t o) { return s == 0 && o < 11; });
  CHECK(t.scan_start(0) == 101);
  // Source 0 fully covered; source 1's record at 102 still is not.
  t.prune([](uint32_t s, int64_t o) { return s == 0 && o < 12; });
  CHECK(t.scan_start(0) == 102);
  CHECK(t.size() == 1);
  t.prune([](uint32_t, int64_t) { return true; });
  // Nothing uncovered: anything unacknowledged lands after the highest acknowledged.
  CHECK(t.scan_start(0) == 103);
  CHECK(t.size() == 0);
}

TEST_CASE("dest scan tracker: records found by the resume scan go below new ones") {
  DestScanTracker t;
  t.start({{0, 50}});
  t.acked(0, 60, 0, 9);  // a new write
  t.acked(0, 42, 0, 7);  // found by the scan, below
  t.acked(0, 42, 0, 7);  // twice: ignored
  CHECK(t.size() == 2);
  CHECK(t.scan_start(0) == 42);
  t.prune([](uint32_t, int64_t o) { return o < 8; });
  CHECK(t.scan_start(0) == 60);
}

TEST_CASE("checkpoint: other topics a route writes get one at= field each") {
  evt::replay::CheckpointMeta m;
  m.end = 10;
  m.dest_scan = {{0, 5}, {1, 6}};
  m.topic_scan["orders"] = {{0, 1}, {3, 9}};
  m.topic_scan["pay.ments-x"] = {{0, 0}};
  const auto text = evt::replay::encode_checkpoint(m);
  CHECK(text == "evt-replay/1;end=10;prov=1;dst=0:5,1:6;at=orders/0:1,3:9;at=pay.ments-x/0:0");
  CHECK(evt::replay::decode_checkpoint(text) == m);
  CHECK_FALSE(evt::replay::decode_checkpoint("evt-replay/1;end=10;prov=1;dst=;at=/0:1"));
  CHECK_FALSE(evt::replay::decode_checkpoint("evt-replay/1;end=10;prov=1;dst=;at=x/0"));
}

TEST_CASE("checkpoint: the destination topic and mapping, absent in older metadata") {
  evt::replay::CheckpointMeta m;
  m.end = 7;
  m.dest_scan = {{2, 4}};
  m.to = "orders.copy";
  m.by = "same";
  const auto text = evt::replay::encode_checkpoint(m);
  CHECK(text == "evt-replay/1;end=7;prov=1;dst=2:4;to=orders.copy;by=same");
  CHECK(evt::replay::decode_checkpoint(text) == m);
  // Written before to/by existed: still ours, nothing recorded to compare.
  const auto old = evt::replay::decode_checkpoint("evt-replay/1;end=7;prov=1;dst=2:4");
  REQUIRE(old);
  CHECK(old->to.empty());
  CHECK(old->by.empty());
  CHECK_FALSE(evt::replay::decode_checkpoint("evt-replay/1;end=7;prov=1;dst=;to="));
  CHECK_FALSE(evt::replay::decode_checkpoint("evt-replay/1;end=7;prov=1;dst=;by=random"));
}

TEST_CASE("replay provenance: formatted into a reused buffer") {
  std::string out = "a much longer value left from an earlier record";
  evt::replay::format_source_into(out, {"t", 0}, 0);
  CHECK(out == "t/0@0");
  evt::replay::format_source_into(out, {"orders.v1", 2147483647}, 9223372036854775807);
  CHECK(out == "orders.v1/2147483647@9223372036854775807");
}
