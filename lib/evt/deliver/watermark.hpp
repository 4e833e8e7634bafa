#pragma once
// The per-partition "every record before here is done" watermark that copy
// engines and consumers commit: records are handed out in offset order, their
// acknowledgements come back in any order, and only the contiguous prefix of
// finished records may be committed.

#include "evt/record.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>

namespace evt::deliver {

// Tracks in-flight records per source partition and answers which offset is
// safe to commit (the next offset to read after a restart).
class AckWatermark {
 public:
  // Everything below `next_offset` of `tp` has been read; records below it
  // that were never sent (filtered out) count as done once all before them are.
  void read_to(const TopicPartition& tp, int64_t next_offset);

  // The record of `tp` at `offset` was handed on; offsets per partition must
  // increase. Also advances the read position past it.
  void sent(const TopicPartition& tp, int64_t offset);

  // The record of `tp` at `offset` is done (delivered, or handled). Unknown or
  // repeated acknowledgements are ignored and return false.
  bool acked(const TopicPartition& tp, int64_t offset);

  // The offset to commit for `tp`: the lowest offset not yet done, or the read
  // position when nothing is in flight. nullopt when nothing was read.
  std::optional<int64_t> commit_offset(const TopicPartition& tp) const;

  // commit_offset for every tracked partition.
  std::map<TopicPartition, int64_t> commit_offsets() const;

  // Records handed on and not yet acknowledged, over all partitions or one.
  size_t in_flight() const noexcept { return m_in_flight; }
  size_t in_flight(const TopicPartition& tp) const;

  // Drops a partition (revoked in a rebalance, or finished and committed).
  void forget(const TopicPartition& tp);

 private:
  struct Pending {
    int64_t offset;
    bool done;
  };
  struct Partition {
    int64_t read_to = -1;
    std::deque<Pending> pending;  // increasing offsets; front is the lowest not yet popped
  };
  std::map<TopicPartition, Partition> m_partitions;
  size_t m_in_flight = 0;
};

}  // namespace evt::deliver
