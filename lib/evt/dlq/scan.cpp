#include "evt/dlq/scan.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/signals.hpp"

#include <chrono>
#include <set>

namespace evt::dlq {

std::map<int32_t, ScanRange> topic_ranges(const kafka::ClientConfig& config, const std::string& topic) {
  kafka::Admin admin(config);
  const auto info = admin.describe_topic(topic);
  std::vector<TopicPartition> tps;
  for (const auto& p : info.partitions) {
    tps.push_back({topic, p.id});
  }
  std::map<int32_t, ScanRange> out;
  for (const auto& [tp, range] : admin.offset_ranges(tps)) {
    out[tp.partition] = {range.start, range.end};
  }
  return out;
}

void scan_topic(const kafka::ClientConfig& config, const std::string& topic,
                const std::map<int32_t, ScanRange>& ranges, int idle_timeout_ms,
                const std::function<bool(const RecordView&)>& visit) {
  std::vector<kafka::StartPosition> positions;
  std::set<int32_t> pending;
  for (const auto& [p, r] : ranges) {
    if (r.start < r.end) {
      positions.push_back({{topic, p}, r.start});
      pending.insert(p);
    }
  }
  if (pending.empty()) {
    return;
  }
  auto cfg = config;
  kafka::require_partition_eof(cfg);
  kafka::Consumer consumer(cfg);
  consumer.assign(positions);
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  std::vector<TopicPartition> reached;
  bool stop = false;
  while (!pending.empty() && !stop) {
    if (interrupted()) {
      throw Interrupted();
    }
    reached.clear();
    const size_t n = consumer.poll_view(
        [&](const RecordView& r) {
          if (stop || !pending.contains(r.partition)) {
            return;
          }
          const auto end = ranges.at(r.partition).end;
          if (r.offset >= end) {
            pending.erase(r.partition);
            return;
          }
          if (r.offset + 1 >= end) {
            pending.erase(r.partition);
          }
          stop = !visit(r);
        },
        reached, 10000, 100, true);
    for (const auto& tp : reached) {
      pending.erase(tp.partition);  // the current end is at or past the noted end
    }
    if (n > 0 || !reached.empty()) {
      last = Clock::now();
    } else if (Clock::now() - last > std::chrono::milliseconds(idle_timeout_ms)) {
      throw BrokerError(
          "reading '" + topic + "' made no progress for " + std::to_string(idle_timeout_ms / 1000) + " s",
          "check that the brokers are up, or raise --timeout");
    }
  }
  consumer.close();
}

}  // namespace evt::dlq
