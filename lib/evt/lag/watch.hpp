#pragma once
// Keeps a window of lag snapshots per partition for `evt lag --watch` and
// evaluates each partition and group with Burrow's rules.

#include "evt/lag/collect.hpp"
#include "evt/lag/status.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>

namespace evt::lag {

// The histories of every (group, partition) seen so far.
class LagWatch {
 public:
  explicit LagWatch(size_t window = 10) : m_window(window) {}

  // Adds one snapshot taken at `time_s` (monotonic seconds) and re-evaluates.
  void add(const LagSnapshot& snapshot, double time_s);

  // The latest evaluation of one partition of one group (nullopt: never seen).
  std::optional<LagEvaluation> evaluation(const std::string& group, const TopicPartition& partition) const;

  // The worst status over the group's partitions in the latest snapshot.
  LagStatus group_status(const std::string& group) const;

  // The worst status over every group in the latest snapshot.
  LagStatus worst() const;

 private:
  using Key = std::pair<std::string, TopicPartition>;
  size_t m_window;
  std::map<Key, PartitionHistory> m_histories;
  std::map<Key, LagEvaluation> m_latest;
  std::map<std::string, LagStatus> m_groups;
};

}  // namespace evt::lag
