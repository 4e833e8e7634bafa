#include "evt/tail/source.hpp"

namespace evt::tail {

size_t ConsumerSource::poll(const std::function<void(const RecordView&)>& visit,
                            std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                            bool with_headers) {
  return m_consumer.poll_view(visit, reached_end, max_records, timeout_ms, with_headers);
}

std::vector<TopicPartition> ConsumerSource::assignment() {
  return m_consumer.assignment();
}

void ConsumerSource::commit(const std::map<TopicPartition, int64_t>& next_offsets) {
  std::vector<kafka::StartPosition> positions;
  for (const auto& [tp, offset] : next_offsets) {
    positions.push_back({tp, offset});
  }
  m_consumer.commit(positions);
}

std::vector<kafka::StartPosition> start_positions(const std::vector<read::PartitionPlan>& plans) {
  std::vector<kafka::StartPosition> positions;
  for (const auto& p : plans) {
    if (!p.empty()) {
      positions.push_back({p.partition, p.start});
    }
  }
  return positions;
}

}  // namespace evt::tail
