#pragma once
// Which buffered record may start next. Records are grouped into lanes by
// the ordering rule (--ordering key: topic+partition+key; partition:
// topic+partition; none: every record alone). A lane runs one record at a
// time, in arrival order; a record waiting for its retry holds its lane, so
// the records behind it wait and every other lane goes on.

#include "evt/record.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace evt::consume {

// --ordering: what must never run concurrently or out of order.
enum class Ordering { partition, key, none };

// Parses "partition", "key" or "none"; throws UsageError otherwise.
Ordering parse_ordering(std::string_view text);

// The lanes and their queues; ids are the caller's, increasing in arrival order.
class Scheduler {
 public:
  explicit Scheduler(Ordering ordering) : m_ordering(ordering) {}

  // Queues record `id` of `tp` (key nullopt = Kafka NULL, one lane of its own).
  void add(uint64_t id, const TopicPartition& tp, const std::optional<std::string>& key);

  // The oldest record that may start at `now_ms`, marked running; nullopt
  // when every lane is empty, running or waiting for a retry.
  std::optional<uint64_t> next(int64_t now_ms);

  // Batch mode: up to max_for(lane's partition) records from the front of
  // the oldest ready lane, marked running together; empty when none.
  std::vector<uint64_t> next_batch(int64_t now_ms,
                                   const std::function<size_t(const TopicPartition&)>& max_for);

  // The running record `id` is finished for good: its lane moves on.
  void finish(uint64_t id);

  // The running batch `ids` (from next_batch, in order) is finished for good.
  void finish_batch(const std::vector<uint64_t>& ids);

  // The running batch `ids` goes back to the front of its lane, ready at
  // once (to be split by a smaller max_for).
  void requeue_batch(const std::vector<uint64_t>& ids);

  // The running record `id` runs again at `due_ms`; its lane waits until then.
  void retry_at(uint64_t id, int64_t due_ms);

  // The earliest time a waiting retry becomes due.
  std::optional<int64_t> next_due() const;

  // Removes every record of `tp` (running ones too: the caller has dealt
  // with them) and returns their ids.
  std::vector<uint64_t> drop_partition(const TopicPartition& tp);

  // Records queued (running, waiting or not started), in all or one partition.
  size_t size() const noexcept { return m_size; }
  size_t size(const TopicPartition& tp) const;

 private:
  struct Lane {
    std::string name;
    TopicPartition tp;
    std::deque<uint64_t> ids;
    bool running = false;
    int64_t due_ms = -1;  // >= 0 while waiting for a retry
  };
  using LanePtr = Lane*;
  std::string lane_name(uint64_t id, const TopicPartition& tp, const std::optional<std::string>& key) const;
  void make_ready(Lane& lane);
  void remove_lane(Lane& lane);

  Ordering m_ordering;
  std::unordered_map<std::string, std::unique_ptr<Lane>> m_lanes;
  std::set<std::pair<uint64_t, LanePtr>> m_ready;   // by front id
  std::set<std::pair<int64_t, LanePtr>> m_waiting;  // by due time
  std::unordered_map<uint64_t, LanePtr> m_running;
  std::map<TopicPartition, size_t> m_per_partition;
  size_t m_size = 0;
};

}  // namespace evt::consume
