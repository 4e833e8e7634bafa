#pragma once
// kafka::Consumer as the record source of the tail engine.

#include "evt/kafka/consumer.hpp"
#include "evt/tail/tail.hpp"

namespace evt::tail {

// Reads through a kafka::Consumer (assigned or subscribed by the caller);
// in group mode it is the consumer's rebalance listener.
class ConsumerSource : public RecordSource, private kafka::RebalanceListener {
 public:
  // Registers itself as the consumer's rebalance listener (before subscribe()).
  explicit ConsumerSource(kafka::Consumer& consumer);
  size_t poll(const std::function<void(const RecordView&)>& visit, std::vector<TopicPartition>& reached_end,
              size_t max_records, int timeout_ms, bool with_headers) override;
  std::vector<TopicPartition> assignment() override;
  bool commit(const std::map<TopicPartition, int64_t>& next_offsets) override;
  void rewind(const std::map<TopicPartition, int64_t>& positions) override;
  void set_revoke_handler(RevokeHandler* handler) override { m_handler = handler; }

 private:
  std::vector<kafka::StartPosition> on_revoke(const std::vector<TopicPartition>& partitions) override;
  void on_assign(const std::vector<kafka::StartPosition>& committed) override;

  kafka::Consumer& m_consumer;
  RevokeHandler* m_handler = nullptr;
};

// The start positions to assign: every partition with something to read.
std::vector<kafka::StartPosition> start_positions(const std::vector<read::PartitionPlan>& plans);

}  // namespace evt::tail
