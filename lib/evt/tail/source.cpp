#include "evt/tail/source.hpp"

namespace evt::tail {

namespace {

std::vector<kafka::StartPosition> to_positions(const std::map<TopicPartition, int64_t>& offsets) {
  std::vector<kafka::StartPosition> positions;
  for (const auto& [tp, offset] : offsets) {
    positions.push_back({tp, offset});
  }
  return positions;
}

}  // namespace

ConsumerSource::ConsumerSource(kafka::Consumer& consumer) : m_consumer(consumer) {
  m_consumer.set_rebalance_listener(this);
}

std::vector<kafka::StartPosition> ConsumerSource::on_revoke(const std::vector<TopicPartition>& partitions) {
  if (m_handler == nullptr) {
    return {};
  }
  try {
    return to_positions(m_handler->revoked(partitions));
  } catch (...) {
    return {};  // out of memory: commit nothing rather than throw into C
  }
}

void ConsumerSource::on_assign(const std::vector<kafka::StartPosition>& /*committed*/) {
  // Nothing to do: the engine learns the assignment from assignment().
}

size_t ConsumerSource::poll(const std::function<void(const RecordView&)>& visit,
                            std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                            bool with_headers) {
  return m_consumer.poll_view(visit, reached_end, max_records, timeout_ms, with_headers);
}

std::vector<TopicPartition> ConsumerSource::assignment() {
  return m_consumer.assignment();
}

bool ConsumerSource::commit(const std::map<TopicPartition, int64_t>& next_offsets) {
  return m_consumer.commit(to_positions(next_offsets)) == kafka::CommitResult::committed;
}

void ConsumerSource::rewind(const std::map<TopicPartition, int64_t>& positions) {
  m_consumer.seek(to_positions(positions));
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
