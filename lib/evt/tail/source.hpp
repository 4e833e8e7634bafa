#pragma once
// kafka::Consumer as the record source of the tail engine.

#include "evt/kafka/consumer.hpp"
#include "evt/tail/tail.hpp"

namespace evt::tail {

// Reads through a kafka::Consumer (assigned or subscribed by the caller).
class ConsumerSource : public RecordSource {
 public:
  explicit ConsumerSource(kafka::Consumer& consumer) : m_consumer(consumer) {}
  size_t poll(const std::function<void(const RecordView&)>& visit, std::vector<TopicPartition>& reached_end,
              size_t max_records, int timeout_ms, bool with_headers) override;
  std::vector<TopicPartition> assignment() override;
  void commit(const std::map<TopicPartition, int64_t>& next_offsets) override;

 private:
  kafka::Consumer& m_consumer;
};

// The start positions to assign: every partition with something to read.
std::vector<kafka::StartPosition> start_positions(const std::vector<read::PartitionPlan>& plans);

}  // namespace evt::tail
