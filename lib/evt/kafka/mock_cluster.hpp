#pragma once

#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace evt::kafka {

// librdkafka's in-process mock cluster: a Kafka-protocol broker set on
// ephemeral loopback ports, plus its fault-injection knobs.
class MockCluster {
 public:
  MockCluster(int broker_count, LogSink log_sink);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  // "host:port,host:port" of the mock brokers.
  std::string bootstraps() const;
  int broker_count() const;

  // Creates a topic with a chosen partition count (replication = brokers).
  void create_topic(const std::string& name, int partitions);

  // Takes a broker down (its connections close, it stops answering) or back up.
  void set_broker_down(int32_t broker_id, bool down);

  // Moves a partition's leadership to a broker, or -1 for no leader (its
  // metadata then reports an error, as an offline partition does).
  void set_partition_leader(const std::string& topic, int32_t partition, int32_t broker_id);

  // Adds round-trip latency to every response of a broker.
  void set_rtt(int32_t broker_id, int rtt_ms);

  // Makes the next `count` requests of one API kind fail with `error`.
  void fail_requests(int16_t api_key, size_t count, std::string_view error_name);

  // Clears any queued request errors for an API kind.
  void clear_request_errors(int16_t api_key);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Maps a Kafka protocol API name ("Produce", "Fetch", "Metadata", …) or its
// number to the ApiKey; throws UsageError listing the known names.
int16_t api_key_from_name(std::string_view name);

// Validates a Kafka error name such as REQUEST_TIMED_OUT or _TRANSPORT.
bool is_known_error_name(std::string_view name);

}  // namespace evt::kafka
