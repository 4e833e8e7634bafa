#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt {

// One record header; a null value is distinct from an empty one.
struct Header {
  std::string key;
  std::optional<std::string> value;
  bool operator==(const Header&) const = default;
};

// Kafka's timestamp types as carried on a record.
enum class TimestampType { none, create_time, log_append_time };

// A Kafka record as plain bytes; no librdkafka types leak through it.
// Keys and values are raw bytes (std::string is a byte container here);
// std::nullopt means a Kafka NULL, distinct from an empty string.
struct Record {
  std::string topic;
  int32_t partition = -1;  // -1: unassigned (let the partitioner choose)
  int64_t offset = -1;     // -1: not yet written
  int64_t timestamp = -1;  // milliseconds since the epoch, -1: none
  TimestampType timestamp_type = TimestampType::none;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
  bool operator==(const Record&) const = default;
};

// A topic and partition pair.
struct TopicPartition {
  std::string topic;
  int32_t partition = -1;
  auto operator<=>(const TopicPartition&) const = default;
};

// Log start (earliest available offset) and log end (next offset to be written).
struct OffsetRange {
  int64_t start = -1;
  int64_t end = -1;
};

}  // namespace evt
