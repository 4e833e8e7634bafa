#pragma once
// The one record-timestamp prober: the first record at or after given
// offsets, read with a few group-less consumers. lag asks it for the
// timestamps behind committed offsets (time lag); tail's time search asks it
// for probe offsets when offsets-for-times answers nothing.

#include "evt/kafka/client_config.hpp"
#include "evt/read/time_search.hpp"
#include "evt/record.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <vector>

namespace evt::kafka {
class Consumer;
}

namespace evt::read {

// Offsets whose records are wanted, per partition.
using OffsetTargets = std::map<TopicPartition, std::set<int64_t>>;

// The first readable record at or after each target offset; targets not
// read (end of the log, a read error, or the deadline) are absent.
using TargetRecords = std::map<TopicPartition, std::map<int64_t, ProbeResult>>;

// How far a probe may go. At most readers × partitions_per_assignment
// partitions are fetched at once.
struct TimestampLimits {
  // Partitions one consumer is assigned at a time: librdkafka 2.0.2's pause
  // and teardown costs grow faster than linearly with the partitions of one
  // assignment, so many partitions go in slices to a few consumers.
  size_t partitions_per_assignment = 2500;
  size_t readers = 4;      // consumers reading at the same time, one thread each
  int timeout_ms = 10000;  // for one probe() call
  // Stop fetching answered partitions while others are read (many
  // partitions); off when the same consumer probes the same few
  // partitions round after round (librdkafka keeps a pause across assignments).
  bool pause_answered = true;
};

// What one probe found, and whether it finished before its deadline.
struct ProbeAnswer {
  TargetRecords found;
  bool complete = true;  // false: the deadline or SIGINT cut it short
};

// Keeps its consumers between probes (tail's binary search probes many
// rounds); not thread-safe.
class RecordTimestampProber {
 public:
  RecordTimestampProber(const kafka::ClientConfig& config, const TimestampLimits& limits);
  ~RecordTimestampProber();
  RecordTimestampProber(const RecordTimestampProber&) = delete;
  RecordTimestampProber& operator=(const RecordTimestampProber&) = delete;

  // Each consumer takes slices of the partitions in turn, assigned at their
  // lowest target, and reads until every target is answered (pausing the
  // partitions that are); far-apart targets are reached by seeking. A record
  // at or after the target answers it, so a target on a gap (compaction,
  // transaction markers) gets the next record.
  ProbeAnswer probe(const OffsetTargets& targets);

  // One target per partition, as read::TimestampProbe wants it.
  ProbeAnswer probe(const std::map<TopicPartition, int64_t>& targets);

 private:
  kafka::ClientConfig m_config;
  TimestampLimits m_limits;
  std::vector<std::unique_ptr<kafka::Consumer>> m_readers;
};

}  // namespace evt::read
