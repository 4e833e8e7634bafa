#pragma once
// Consumer lag arithmetic: per-partition lag, totals, ordering and thresholds.
// Pure functions over plain values; no broker access here.

#include "evt/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt::lag {

// One partition as seen by one consumer group.
struct PartitionLag {
  std::string group;
  TopicPartition partition;
  std::optional<int64_t> committed;  // nullopt: the group never committed here
  int64_t log_start = -1;
  int64_t log_end = -1;
  std::optional<int64_t> lag;        // nullopt without a commit (not zero)
  bool behind_retention = false;     // committed < log start: lag counted from the log start
  bool ahead_of_end = false;         // committed > log end (topic recreated or truncated): lag 0
  std::optional<double> time_lag_s;  // nullopt: not measured or no readable record
};

// Offset lag of one partition and whether it was measured from the log start.
struct OffsetLag {
  std::optional<int64_t> lag;
  bool behind_retention = false;
  bool ahead_of_end = false;
};

// log end − committed, clamped at 0; from the log start when the committed
// offset fell off retention; nullopt without a commit or without a log end.
// A commit past the log end is flagged: the log it counted in is gone.
OffsetLag offset_lag(std::optional<int64_t> committed, int64_t log_start, int64_t log_end);

// Builds a row: the offsets plus the lag computed from them.
PartitionLag make_partition_lag(std::string group, TopicPartition partition, std::optional<int64_t> committed,
                                int64_t log_start, int64_t log_end);

// The offset whose record timestamp measures the time lag: the committed
// offset (the log start when behind retention); nullopt when not lagging.
std::optional<int64_t> time_lag_offset(const PartitionLag& row);

// now − record timestamp in seconds, clamped at 0 (clocks disagree a little).
double time_lag_seconds(int64_t now_ms, int64_t record_timestamp_ms);

// Sums for one topic within one group.
struct TopicTotal {
  std::string group;
  std::string topic;
  int64_t lag = 0;  // over partitions with a commit
  size_t partitions = 0;
  size_t uncommitted = 0;  // partitions without a commit
  size_t behind_retention = 0;
  size_t ahead_of_end = 0;
  std::optional<double> max_time_lag_s;  // worst partition; nullopt if a lagging one is unmeasured
};

// Sums for one group over all its topics.
struct GroupTotal {
  std::string group;
  int64_t lag = 0;
  size_t partitions = 0;
  size_t uncommitted = 0;
  size_t behind_retention = 0;
  size_t ahead_of_end = 0;
  std::optional<double> max_time_lag_s;  // as in TopicTotal
};

// Per-topic and per-group sums, sorted by group then topic.
struct LagTotals {
  std::vector<TopicTotal> topics;
  std::vector<GroupTotal> groups;
};

// Totals of the rows; `groups` lists groups to include even without rows.
LagTotals lag_totals(const std::vector<PartitionLag>& rows, const std::vector<std::string>& groups = {});

// Widest lag first; rows without a commit last; ties by group, topic, partition.
void sort_by_lag(std::vector<PartitionLag>& rows);

// Alerting limits; a row exceeds them when lag > max_lag or time lag > max_lag_seconds.
struct Thresholds {
  std::optional<int64_t> max_lag;
  std::optional<double> max_lag_seconds;
  bool any() const { return max_lag.has_value() || max_lag_seconds.has_value(); }
};

// True when the row is over one of the limits (rows without a commit never are).
bool exceeds(const PartitionLag& row, const Thresholds& limits);

// Rows that lag but whose time lag is unknown (not measured, or the record
// could not be read in time): a seconds threshold cannot judge them.
size_t unmeasured_time_lag(const std::vector<PartitionLag>& rows);

}  // namespace evt::lag
