#include "evt/read/time_search.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace evt::read;
using evt::TopicPartition;

namespace {

// A fake partition: sorted (offset, timestamp) pairs with gaps.
struct FakeLog {
  std::vector<ProbeResult> records;
  std::optional<ProbeResult> first_at(int64_t offset) const {
    for (const auto& r : records) {
      if (r.offset >= offset) {
        return r;
      }
    }
    return std::nullopt;
  }
  int64_t expected(int64_t ts, int64_t end) const {
    for (const auto& r : records) {
      if (r.timestamp >= ts) {
        return r.offset;
      }
    }
    return end;
  }
};

}  // namespace

TEST_CASE("time search finds the first offset at or after a timestamp, across gaps") {
  FakeLog log;
  // Offsets with holes (compaction, transaction markers) and equal timestamps.
  int64_t ts = 1000;
  for (int64_t o = 5; o < 400; o += (o % 7 == 0 ? 3 : 1)) {
    log.records.push_back({o, ts});
    ts += (o % 5 == 0) ? 0 : 10;
  }
  const int64_t end = 402;  // e.g. a trailing transaction marker
  const TopicPartition tp{"t", 0};
  int calls = 0;
  const TimestampProbe probe = [&](const std::map<TopicPartition, int64_t>& asked) {
    ++calls;
    std::map<TopicPartition, ProbeResult> found;
    for (const auto& [p, offset] : asked) {
      if (const auto r = log.first_at(offset)) {
        found[p] = *r;
      }
    }
    return found;
  };
  for (const int64_t target : {int64_t{0}, int64_t{1000}, int64_t{1005}, int64_t{2000}, ts - 10, ts + 5000}) {
    calls = 0;
    int rounds = 0;
    const auto result = search_offsets_for_time({{tp, {5, end}}}, target, probe, &rounds);
    CHECK_MESSAGE(result.at(tp) == log.expected(target, end), target);
    CHECK(rounds <= 10);  // log2(397) rounded up
  }
}

TEST_CASE("time search on many partitions uses one probe per round for all") {
  std::map<TopicPartition, evt::OffsetRange> ranges;
  for (int p = 0; p < 8; ++p) {
    ranges[{"t", p}] = {0, 100 + p * 50};
  }
  ranges[{"t", 9}] = {7, 7};  // empty partition: answered without probes
  int calls = 0;
  const TimestampProbe probe = [&](const std::map<TopicPartition, int64_t>& asked) {
    ++calls;
    CHECK(asked.count({"t", 9}) == 0);
    std::map<TopicPartition, ProbeResult> found;
    for (const auto& [p, offset] : asked) {
      found[p] = {offset, offset * 10 + p.partition};  // ts grows with offset
    }
    return found;
  };
  const auto result = search_offsets_for_time(ranges, 555, probe);
  for (int p = 0; p < 8; ++p) {
    CHECK(result.at({"t", p}) == (555 - p + 9) / 10);
  }
  CHECK(result.at({"t", 9}) == 7);
  CHECK(calls <= 9);
}

TEST_CASE("time search returns the end when every record is older") {
  const TimestampProbe probe = [](const std::map<TopicPartition, int64_t>& asked) {
    std::map<TopicPartition, ProbeResult> found;
    for (const auto& [p, offset] : asked) {
      found[p] = {offset, 1};
    }
    return found;
  };
  CHECK(search_offsets_for_time({{{"t", 0}, {3, 50}}}, 100, probe).at({"t", 0}) == 50);
}
