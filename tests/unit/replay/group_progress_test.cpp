#include "evt/replay/group_progress.hpp"
#include "evt/replay/checkpoint.hpp"

#include <doctest/doctest.h>

using namespace evt::replay;
using evt::kafka::CommittedOffset;

namespace {

CommittedOffset commit(int32_t partition, int64_t offset, int64_t end) {
  CheckpointMeta m;
  m.end = end;
  m.dest_scan = {{partition, 0}};
  return {{"src", partition}, offset, encode_checkpoint(m)};
}

}  // namespace

TEST_CASE("scale-out: the run is finished only when every partition committed its end") {
  auto g = group_progress({commit(0, 100, 100), commit(1, 50, 50)});
  CHECK(g.finished);
  CHECK(g.unfinished.empty());
  CHECK(g.committed_sum == 150);
  CHECK_FALSE(g.foreign);

  // A partition still being copied (or whose owner was killed) keeps the run open.
  g = group_progress({commit(0, 100, 100), commit(1, 49, 50)});
  CHECK_FALSE(g.finished);
  REQUIRE(g.unfinished.size() == 1);
  CHECK(g.unfinished[0].partition == 1);
  CHECK(g.committed_sum == 149);

  // Nobody owned it yet: no commit at all.
  g = group_progress({commit(0, 100, 100), {{"src", 1}, evt::kafka::k_offset_none, ""}});
  CHECK_FALSE(g.finished);
  CHECK(g.unfinished.size() == 1);
  CHECK(g.committed_sum == 100);
}

TEST_CASE("scale-out: a commit evt replay did not write is foreign") {
  const auto g = group_progress({{{"src", 0}, 100, "some other consumer"}});
  CHECK(g.foreign);
  CHECK_FALSE(g.finished);
}

TEST_CASE("scale-out: session.timeout.ms as the consumer will see it") {
  evt::kafka::ClientConfig c;
  CHECK(session_timeout_ms(c) == 45000);
  c.properties = {{"session.timeout.ms", "3000"}, {"heartbeat.interval.ms", "500"}};
  CHECK(session_timeout_ms(c) == 3000);
  c.properties.push_back({"session.timeout.ms", "6000"});  // the last one wins
  CHECK(session_timeout_ms(c) == 6000);
  c.properties.push_back({"session.timeout.ms", "soon"});  // librdkafka refuses it; keep the last valid
  CHECK(session_timeout_ms(c) == 6000);
}

TEST_CASE("replay DestScanTracker: forgetting a handed-over source frees its destination entries") {
  DestScanTracker t;
  t.start({{0, 10}});
  t.acked(0, 10, 0, 100);  // source 0
  t.acked(0, 11, 1, 200);  // source 1
  t.acked(0, 12, 0, 101);
  CHECK(t.scan_start(0) == 10);
  t.forget(0);
  CHECK(t.size() == 1);
  CHECK(t.scan_start(0) == 11);  // only source 1's record is left to cover
  t.forget(1);
  CHECK(t.size() == 0);
  CHECK(t.scan_start(0) == 13);  // one past the highest acknowledged
}
