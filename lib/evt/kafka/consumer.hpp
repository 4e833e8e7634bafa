#pragma once

#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::kafka {

// Logical offsets accepted by Consumer::assign besides absolute ones.
inline constexpr int64_t k_offset_beginning = -2;
inline constexpr int64_t k_offset_end = -1;
inline constexpr int64_t k_offset_stored = -1000;

// Where to start reading one partition.
struct StartPosition {
  TopicPartition partition;
  int64_t offset = k_offset_beginning;
};

// How the consumer joins (or does not join) a consumer group.
struct ConsumerOptions {
  std::optional<std::string> group;  // no group: nothing is ever committed
  bool auto_commit = false;          // with a group: commit in the background
  std::string auto_offset_reset = "earliest";
};

// What one poll returned: records in arrival order and partitions that
// reached their current end (EOF) during this poll.
struct ConsumedBatch {
  std::vector<Record> records;
  std::vector<TopicPartition> reached_end;
  void clear() {
    records.clear();
    reached_end.clear();
  }
};

// A consumer over librdkafka's high-level consumer with manual assignment or
// group subscription. Every blocking call is bounded.
class Consumer {
 public:
  Consumer(const ClientConfig& config, const ConsumerOptions& options = {});
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Reads the given partitions from the given offsets, without a group rebalance.
  void assign(const std::vector<StartPosition>& positions);

  // Joins the group and lets the group coordinator assign partitions.
  void subscribe(const std::vector<std::string>& topics);

  // Appends up to max_records records to `batch`, waiting at most timeout_ms
  // for the first one. Throws BrokerError on fatal or topic-level errors.
  void poll(ConsumedBatch& batch, size_t max_records, int timeout_ms);

  // Like poll, without copying: calls `visit` for each record, borrowed for
  // the duration of the call, and appends partitions that reached their end
  // to `reached_end`. Headers are decoded only when `with_headers`.
  // Returns the number of records visited.
  size_t poll_view(const std::function<void(const RecordView&)>& visit,
                   std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                   bool with_headers = true);

  // The partitions currently assigned (by assign() or by the group).
  std::vector<TopicPartition> assignment();

  // Commits "next offset to read" per partition (synchronously).
  void commit(const std::vector<StartPosition>& next_offsets);

  // The group's committed offsets for these partitions (-1001 when none).
  std::vector<StartPosition> committed(const std::vector<TopicPartition>& partitions);

  // Leaves the group cleanly (idempotent; the destructor calls it too).
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::kafka
