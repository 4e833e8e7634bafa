#pragma once

#include "evt/kafka/client.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace evt::kafka {

// One partition as the cluster metadata describes it.
struct PartitionInfo {
  int32_t id = -1;
  int32_t leader = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isrs;
  std::string error;  // empty when healthy
};

// One topic and its partitions, sorted by partition id.
struct TopicInfo {
  std::string name;
  std::vector<PartitionInfo> partitions;
  std::string error;  // empty when healthy
};

// A broker as advertised in metadata.
struct BrokerInfo {
  int32_t id = -1;
  std::string host;
  int port = 0;
};

// Brokers and topics, sorted by id and name.
struct ClusterInfo {
  std::vector<BrokerInfo> brokers;
  std::vector<TopicInfo> topics;
};

// Which offset ListOffsets should answer with: by timestamp, or the ends of the log.
enum class OffsetSpec : int64_t { latest = -1, earliest = -2 };

// A request to create one topic.
struct NewTopic {
  std::string name;
  int partitions = 1;
  int replication_factor = -1;  // -1: the broker's default
  Properties configs;
};

// Metadata, offsets and topic administration over one client connection.
// Every call is bounded by the client's timeout.
class Admin {
 public:
  explicit Admin(const ClientConfig& config);
  // Over a client shared with other users.
  explicit Admin(const Client& client);
  ~Admin();
  Admin(const Admin&) = delete;
  Admin& operator=(const Admin&) = delete;

  // All topics (internal ones starting with "__" included only when asked).
  ClusterInfo describe_cluster(bool include_internal = false);

  // One topic; throws UsageError when it does not exist.
  TopicInfo describe_topic(const std::string& topic);

  // Log start and end of many partitions, batched per broker (one ListOffsets
  // request per broker and spec, not one per partition).
  std::map<TopicPartition, OffsetRange> offset_ranges(const std::vector<TopicPartition>& partitions);

  // The earliest offset whose timestamp is >= timestamp_ms per partition
  // (-1 when the broker has none, as the sandbox always answers).
  std::map<TopicPartition, int64_t> offsets_for_time(const std::vector<TopicPartition>& partitions,
                                                     int64_t timestamp_ms);

  // Creates a topic with the CreateTopics admin API; throws on failure.
  void create_topic(const NewTopic& topic);

  // A topic's configuration as the broker describes it (DescribeConfigs),
  // waiting at most timeout_ms; throws BrokerError when the broker cannot
  // answer (the sandbox does not implement DescribeConfigs).
  std::map<std::string, std::string> topic_config(const std::string& topic, int timeout_ms);

  // The configured bootstrap servers, for messages.
  const std::string& brokers() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::kafka
