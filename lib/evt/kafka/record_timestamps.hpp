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

// How far record_timestamps may go. At most readers × partitions_per_assignment
// partitions are fetched at once.
struct TimestampLimits {
  // Partitions one consumer is assigned at a time: librdkafka 2.0.2's pause
  // and teardown costs grow faster than linearly with the partitions of one
  // assignment, so many partitions go in slices to a few consumers.
  size_t partitions_per_assignment = 2500;
  size_t readers = 4;      // consumers reading at the same time, one thread each
  int timeout_ms = 10000;  // for the whole call
};

// Reads one record per target with a few consumers without a group: each
// takes slices of the partitions in turn, assigned at their lowest target,
// and reads until every target is answered (pausing the partitions that
// are); far-apart targets are reached by seeking. A record at or after the target answers
// it, so a target on a gap (compaction, transaction markers) gets the next
// record's timestamp.
TargetTimestamps record_timestamps(const ClientConfig& config, const OffsetTargets& targets,
                                   const TimestampLimits& limits);

}  // namespace evt::kafka
