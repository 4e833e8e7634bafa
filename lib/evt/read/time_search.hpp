#pragma once
// Finding the first offset at or after a timestamp by binary search over the
// record timestamps, for brokers whose offsets-for-times answers nothing
// usable (the sandbox always answers -1). Works on many partitions at once:
// each round asks one probe per unfinished partition.

#include "evt/record.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace evt::read {

// The first record at or after a probed offset: its offset and timestamp.
struct ProbeResult {
  int64_t offset = -1;
  int64_t timestamp = -1;
};

// Reads, for each (partition, offset) asked, the first record at or after
// that offset; a missing entry means there is none before the log end.
using TimestampProbe =
    std::function<std::map<TopicPartition, ProbeResult>(const std::map<TopicPartition, int64_t>& probes)>;

// For each partition, the smallest offset within its range whose record
// timestamp is >= ts_ms, or the range end when there is none. Assumes
// timestamps grow with offsets (true for log-append time and for most
// producers); gaps in offsets (compaction, transactions) are fine.
// `probes_made` (optional) receives the number of probe rounds.
std::map<TopicPartition, int64_t> search_offsets_for_time(const std::map<TopicPartition, OffsetRange>& ranges,
                                                          int64_t ts_ms, const TimestampProbe& probe,
                                                          int* rounds = nullptr);

}  // namespace evt::read
