#include "evt/consume/scheduler.hpp"

#include "evt/error.hpp"

#include <algorithm>

namespace evt::consume {

Ordering parse_ordering(std::string_view text) {
  if (text == "key") {
    return Ordering::key;
  }
  if (text == "partition") {
    return Ordering::partition;
  }
  if (text == "none") {
    return Ordering::none;
  }
  throw UsageError("--ordering must be key, partition or none, not '" + std::string(text) + "'");
}

std::string Scheduler::lane_name(uint64_t id, const TopicPartition& tp,
                                 const std::optional<std::string>& key) const {
  // NUL separates the parts: topic names cannot contain it, so names never collide.
  std::string name = tp.topic;
  name += '\0';
  name += std::to_string(tp.partition);
  switch (m_ordering) {
    case Ordering::partition:
      break;
    case Ordering::key:
      name += key ? '\1' : '\2';
      if (key) {
        name += *key;
      }
      break;
    case Ordering::none:
      name += '\3';
      name += std::to_string(id);
      break;
  }
  return name;
}

void Scheduler::add(uint64_t id, const TopicPartition& tp, const std::optional<std::string>& key) {
  auto name = lane_name(id, tp, key);
  auto it = m_lanes.find(name);
  if (it == m_lanes.end()) {
    auto lane = std::make_unique<Lane>();
    lane->name = name;
    lane->tp = tp;
    it = m_lanes.emplace(std::move(name), std::move(lane)).first;
  }
  Lane& lane = *it->second;
  lane.ids.push_back(id);
  if (lane.ids.size() == 1 && !lane.running && lane.due_ms < 0) {
    make_ready(lane);
  }
  ++m_per_partition[tp];
  ++m_size;
}

void Scheduler::make_ready(Lane& lane) {
  if (!lane.ids.empty()) {
    m_ready.insert({lane.ids.front(), &lane});
  }
}

std::optional<uint64_t> Scheduler::next(int64_t now_ms) {
  while (!m_waiting.empty() && m_waiting.begin()->first <= now_ms) {
    Lane* lane = m_waiting.begin()->second;
    m_waiting.erase(m_waiting.begin());
    lane->due_ms = -1;
    make_ready(*lane);
  }
  if (m_ready.empty()) {
    return std::nullopt;
  }
  auto [id, lane] = *m_ready.begin();
  m_ready.erase(m_ready.begin());
  lane->running = true;
  m_running[id] = lane;
  return id;
}

std::vector<uint64_t> Scheduler::next_batch(int64_t now_ms,
                                            const std::function<size_t(const TopicPartition&)>& max_for) {
  std::vector<uint64_t> batch;
  const auto first = next(now_ms);
  if (!first) {
    return batch;
  }
  Lane* lane = m_running.at(*first);
  const size_t max = std::max<size_t>(1, max_for(lane->tp));
  for (size_t i = 0; i < lane->ids.size() && i < max; ++i) {
    batch.push_back(lane->ids[i]);
    m_running[lane->ids[i]] = lane;
  }
  return batch;
}

void Scheduler::finish_batch(const std::vector<uint64_t>& ids) {
  if (ids.empty()) {
    return;
  }
  const auto it = m_running.find(ids.front());
  if (it == m_running.end()) {
    return;
  }
  Lane& lane = *it->second;
  for (const auto id : ids) {
    m_running.erase(id);
    if (!lane.ids.empty() && lane.ids.front() == id) {
      lane.ids.pop_front();
      --m_size;
      auto pp = m_per_partition.find(lane.tp);
      if (pp != m_per_partition.end() && --pp->second == 0) {
        m_per_partition.erase(pp);
      }
    }
  }
  lane.running = false;
  if (lane.ids.empty()) {
    remove_lane(lane);
  } else {
    make_ready(lane);
  }
}

void Scheduler::requeue_batch(const std::vector<uint64_t>& ids) {
  if (ids.empty()) {
    return;
  }
  const auto it = m_running.find(ids.front());
  if (it == m_running.end()) {
    return;
  }
  Lane& lane = *it->second;
  for (const auto id : ids) {
    m_running.erase(id);
  }
  lane.running = false;
  make_ready(lane);
}

void Scheduler::finish(uint64_t id) {
  const auto it = m_running.find(id);
  if (it == m_running.end()) {
    return;
  }
  Lane& lane = *it->second;
  m_running.erase(it);
  lane.running = false;
  if (!lane.ids.empty() && lane.ids.front() == id) {
    lane.ids.pop_front();
    --m_size;
    auto pp = m_per_partition.find(lane.tp);
    if (pp != m_per_partition.end() && --pp->second == 0) {
      m_per_partition.erase(pp);
    }
  }
  if (lane.ids.empty()) {
    remove_lane(lane);
  } else {
    make_ready(lane);
  }
}

void Scheduler::retry_at(uint64_t id, int64_t due_ms) {
  const auto it = m_running.find(id);
  if (it == m_running.end()) {
    return;
  }
  Lane& lane = *it->second;
  m_running.erase(it);
  lane.running = false;
  lane.due_ms = due_ms;
  m_waiting.insert({due_ms, &lane});
}

std::optional<int64_t> Scheduler::next_due() const {
  if (m_waiting.empty()) {
    return std::nullopt;
  }
  return m_waiting.begin()->first;
}

void Scheduler::remove_lane(Lane& lane) {
  if (!lane.ids.empty()) {
    m_ready.erase({lane.ids.front(), &lane});
  }
  if (lane.due_ms >= 0) {
    m_waiting.erase({lane.due_ms, &lane});
  }
  for (const auto id : lane.ids) {
    m_running.erase(id);
  }
  const std::string name = lane.name;
  m_lanes.erase(name);
}

std::vector<uint64_t> Scheduler::drop_partition(const TopicPartition& tp) {
  std::vector<uint64_t> dropped;
  std::vector<Lane*> lanes;
  for (auto& [name, lane] : m_lanes) {
    if (lane->tp == tp) {
      lanes.push_back(lane.get());
    }
  }
  for (Lane* lane : lanes) {
    dropped.insert(dropped.end(), lane->ids.begin(), lane->ids.end());
    m_size -= lane->ids.size();
    remove_lane(*lane);
  }
  m_per_partition.erase(tp);
  return dropped;
}

size_t Scheduler::size(const TopicPartition& tp) const {
  const auto it = m_per_partition.find(tp);
  return it == m_per_partition.end() ? 0 : it->second;
}

}  // namespace evt::consume
