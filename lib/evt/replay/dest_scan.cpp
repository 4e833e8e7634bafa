#include "evt/replay/dest_scan.hpp"

#include "evt/error.hpp"
#include "evt/kafka/consumer.hpp"

#include <chrono>
#include <set>

namespace evt::replay {

ScanResult scan_for_run(const kafka::ClientConfig& config, const std::string& topic,
                        const std::map<int32_t, std::pair<int64_t, int64_t>>& ranges,
                        const std::string& run_id, int idle_timeout_ms,
                        const std::function<bool()>& stop_requested) {
  ScanResult result;
  if (ranges.empty()) {
    return result;
  }
  kafka::Consumer consumer(config);
  std::vector<kafka::StartPosition> positions;
  std::set<int32_t> pending;
  for (const auto& [dp, range] : ranges) {
    positions.push_back({{topic, dp}, range.first});
    pending.insert(dp);
  }
  consumer.assign(positions);
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  std::vector<TopicPartition> reached;
  while (!pending.empty()) {
    if (stop_requested && stop_requested()) {
      throw Interrupted();
    }
    reached.clear();
    const size_t n = consumer.poll_view(
        [&](const RecordView& r) {
          const auto& range = ranges.at(r.partition);
          if (r.offset >= range.second) {
            pending.erase(r.partition);
            return;
          }
          ++result.scanned;
          if (r.offset + 1 >= range.second) {
            pending.erase(r.partition);
          }
          const std::string_view* src = nullptr;
          bool ours = false;
          std::string_view src_value;
          for (const auto& h : r.headers) {
            if (h.key == k_run_header) {
              ours = h.value && *h.value == run_id;
            } else if (h.key == k_source_header && h.value) {
              src_value = *h.value;
              src = &src_value;
            }
          }
          if (ours && src != nullptr) {
            if (const auto a = parse_source(*src)) {
              result.records.push_back({*a, r.partition, r.offset});
            }
          }
        },
        reached, 10000, 100, true);
    for (const auto& tp : reached) {
      pending.erase(tp.partition);  // at the current end, which is at or past the scan's end
    }
    if (n > 0 || !reached.empty()) {
      last = Clock::now();
    } else if (Clock::now() - last > std::chrono::milliseconds(idle_timeout_ms)) {
      throw BrokerError("the resume scan of '" + topic + "' made no progress for " +
                            std::to_string(idle_timeout_ms / 1000) + " s",
                        "check that the destination brokers are up, or raise --timeout");
    }
  }
  consumer.close();
  return result;
}

}  // namespace evt::replay
