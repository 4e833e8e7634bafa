#pragma once

#include "evt/kafka/admin.hpp"
#include "evt/kafka/client.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <map>
#include <memory>
#include <vector>

namespace evt::kafka {

// Log start and end of many partitions for `evt lag`, which may ask for tens
// of thousands at once. librdkafka 2.0.2 matches ListOffsets answers to the
// request with a linear search per partition (quadratic in the partitions
// per call), so the partitions go in slices of k_min_chunk to k_max_chunk
// (up to k_max_chunks slices when that keeps them under k_max_chunk),
// queried k_max_chunks at a time per end of the log: linear CPU in the
// partition count, and at most 2 × k_max_chunks requests in flight.
class Watermarks {
 public:
  static constexpr size_t k_max_chunks = 8;
  static constexpr size_t k_min_chunk = 250;
  static constexpr size_t k_max_chunk = 500;

  explicit Watermarks(const ClientConfig& config);
  // Over a client shared with other users.
  explicit Watermarks(const Client& client);
  // Over a client's core (for the other kafka/ classes that hold one).
  explicit Watermarks(std::shared_ptr<Client::Core> core);
  ~Watermarks();
  Watermarks(const Watermarks&) = delete;
  Watermarks& operator=(const Watermarks&) = delete;

  // Log start and end per partition; throws BrokerError/UsageError on failure.
  std::map<TopicPartition, OffsetRange> ranges(const std::vector<TopicPartition>& partitions);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Splits `count` items into slices of at least `min_chunk` and at most
// `max_chunks` slices; returns the slice size.
size_t chunk_size(size_t count, size_t min_chunk, size_t max_chunks);

}  // namespace evt::kafka
