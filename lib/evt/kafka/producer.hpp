#pragma once

#include "evt/kafka/client_config.hpp"
#include "evt/kafka/native_headers.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace evt::kafka {

// The outcome of one produced record, matched to the caller's token.
struct DeliveryReport {
  uint64_t token = 0;
  bool delivered = false;
  std::string error;  // set when !delivered
  int32_t partition = -1;
  int64_t offset = -1;
};

// How the producer behaves; defaults are evt's safe ones.
// librdkafka's partitioners (`partitioner`), evt's default first.
inline const std::vector<std::string> k_partitioners{
    "murmur2_random", "murmur2", "random", "consistent", "consistent_random", "fnv1a", "fnv1a_random"};

// librdkafka's compression codecs (`compression.codec`).
inline const std::vector<std::string> k_compression_codecs{"none", "gzip", "snappy", "lz4", "zstd"};

struct ProducerOptions {
  bool idempotent = true;        // enable.idempotence=true, acks=all
  std::string compression;       // empty: librdkafka's default (none)
  std::string partitioner;       // empty: murmur2_random (Java-compatible)
  int delivery_timeout_ms = -1;  // -1: librdkafka's default message.timeout.ms
  size_t max_message_bytes = 0;  // largest record to send; 0: librdkafka's limit (1000000)
};

// A producer whose every record ends in exactly one DeliveryReport.
class Producer {
 public:
  Producer(const ClientConfig& config, const ProducerOptions& options = {});
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues a record (partition -1 lets the partitioner choose). When the
  // local queue is full it serves delivery reports until there is room.
  // Throws UsageError/BrokerError for errors that concern every record.
  void produce(const Record& record, uint64_t token);

  // The same with the record's headers already in the client's form
  // (`headers`, built from record.headers, e.g. on another thread; taken on
  // success and freed on a throw).
  void produce(const Record& record, uint64_t token, NativeHeaders headers);

  // The same from borrowed bytes (the view's key, value and timestamp; its
  // topic, partition and decoded headers are not used) with headers in the
  // client's form, handed over as they are: no per-header copy. `headers`
  // is taken on success and freed on a throw.
  void produce(const std::string& topic, int32_t partition, const RecordView& record, NativeHeaders headers,
               uint64_t token);

  // Enqueues records[0..n) of `topic` in one call (rd_kafka_produce_batch:
  // one clock reading and one topic lock for the lot instead of per record),
  // tokens[i] for records[i]. Only for records the batch call can take as
  // they are (batchable(); they get the time of the call as their
  // timestamp, like produce() of a record without one). Waits for room like
  // produce(). Returns how many leading records were enqueued; when fewer
  // than n, produce() of the next one gives its error (or sends it).
  size_t produce_batch(const std::string& topic, const Record* const* records, const uint64_t* tokens,
                       size_t n);

  // Whether produce_batch takes this record: no headers, no timestamp of
  // its own, and key + value well under message.max.bytes, so that the
  // batch call can only fail for every record alike.
  bool batchable(const Record& record) const;

  // Serves delivery callbacks for up to timeout_ms and moves the finished
  // reports into `reports` (appended).
  void poll(int timeout_ms, std::vector<DeliveryReport>& reports);

  // Waits up to timeout_ms for everything in flight; appends reports.
  // Returns how many records are still undelivered.
  size_t flush(int timeout_ms, std::vector<DeliveryReport>& reports);

  // Gives up on everything still queued or in flight: each gets a failed report.
  void purge(std::vector<DeliveryReport>& reports);

  // Records handed to produce() without a report yet.
  size_t in_flight() const;

  // The number of partitions of a topic (from metadata); throws if unknown.
  int partition_count(const std::string& topic);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::kafka
