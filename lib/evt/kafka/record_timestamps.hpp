#pragma once

#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

namespace evt::kafka {

// Offsets whose record timestamps are wanted, per partition.
using OffsetTargets = std::map<TopicPartition, std::set<int64_t>>;

// Timestamp (ms) of the first readable record at or after each target offset;
// targets that could not be read in time are absent.
using TargetTimestamps = std::map<TopicPartition, std::map<int64_t, int64_t>>;

// How far record_timestamps may go.
struct TimestampLimits {
  size_t max_partitions_at_once = 5000;  // partitions assigned to the reader at a time
  int timeout_ms = 10000;                // for the whole call
};

// Reads one record per target with a single consumer (no group): partitions
// are assigned in waves at their lowest target, read until every target is
// answered, then paused; far-apart targets are reached by seeking.
TargetTimestamps record_timestamps(const ClientConfig& config, const OffsetTargets& targets,
                                   const TimestampLimits& limits);

} // namespace evt::kafka
