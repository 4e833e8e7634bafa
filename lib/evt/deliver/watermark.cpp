#include "evt/deliver/watermark.hpp"

#include <algorithm>
#include <stdexcept>

namespace evt::deliver {

void AckWatermark::read_to(const TopicPartition& tp, int64_t next_offset) {
  auto& p = m_partitions[tp];
  p.read_to = std::max(p.read_to, next_offset);
}

void AckWatermark::sent(const TopicPartition& tp, int64_t offset) {
  auto& p = m_partitions[tp];
  if (!p.pending.empty() && offset <= p.pending.back().offset) {
    // A programming error in the engine, not a user problem: offsets are
    // handed out in order, so a step back would commit past unsent records.
    throw std::logic_error("AckWatermark: offsets must increase per partition");
  }
  p.pending.push_back({offset, false});
  p.read_to = std::max(p.read_to, offset + 1);
  ++m_in_flight;
}

bool AckWatermark::acked(const TopicPartition& tp, int64_t offset) {
  const auto it = m_partitions.find(tp);
  if (it == m_partitions.end()) {
    return false;
  }
  auto& pending = it->second.pending;
  // Acknowledgements mostly come in order (one destination partition is
  // written in order): the front first. Otherwise offsets increase along
  // the deque, so a binary search finds the entry in O(log n).
  const auto pos = !pending.empty() && pending.front().offset == offset
                       ? pending.begin()
                       : std::lower_bound(pending.begin(), pending.end(), offset,
                                          [](const Pending& p, int64_t o) { return p.offset < o; });
  if (pos == pending.end() || pos->offset != offset || pos->done) {
    return false;
  }
  pos->done = true;
  --m_in_flight;
  while (!pending.empty() && pending.front().done) {
    pending.pop_front();
  }
  return true;
}

std::optional<int64_t> AckWatermark::commit_offset(const TopicPartition& tp) const {
  const auto it = m_partitions.find(tp);
  if (it == m_partitions.end()) {
    return std::nullopt;
  }
  const auto& p = it->second;
  if (!p.pending.empty()) {
    return p.pending.front().offset;
  }
  if (p.read_to < 0) {
    return std::nullopt;
  }
  return p.read_to;
}

std::map<TopicPartition, int64_t> AckWatermark::commit_offsets() const {
  std::map<TopicPartition, int64_t> out;
  for (const auto& [tp, p] : m_partitions) {
    if (const auto o = commit_offset(tp)) {
      out.emplace(tp, *o);
    }
  }
  return out;
}

size_t AckWatermark::in_flight(const TopicPartition& tp) const {
  const auto it = m_partitions.find(tp);
  if (it == m_partitions.end()) {
    return 0;
  }
  return static_cast<size_t>(std::count_if(it->second.pending.begin(), it->second.pending.end(),
                                           [](const Pending& p) { return !p.done; }));
}

void AckWatermark::forget(const TopicPartition& tp) {
  const auto it = m_partitions.find(tp);
  if (it == m_partitions.end()) {
    return;
  }
  m_in_flight -= static_cast<size_t>(std::count_if(it->second.pending.begin(), it->second.pending.end(),
                                                   [](const Pending& p) { return !p.done; }));
  m_partitions.erase(it);
}

}  // namespace evt::deliver
