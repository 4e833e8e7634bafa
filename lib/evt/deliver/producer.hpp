#pragma once
// The producer the delivery bookkeeping drives: the calls of kafka::Producer
// behind an interface, so the bookkeeping is tested without a broker.

#include "evt/kafka/producer.hpp"
#include "evt/record.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace evt::deliver {

// A producer whose every record ends in exactly one kafka::DeliveryReport.
class Producer {
 public:
  virtual ~Producer() = default;
  // Enqueues a record; throws Interrupted or an evt::Error like kafka::Producer.
  virtual void produce(const Record& record, uint64_t token) = 0;
  // The same with the record's headers already in the client's form (built
  // from record.headers); a producer without its own use for them sends
  // the record as produce() does.
  virtual void produce_prepared(const Record& record, uint64_t token, kafka::NativeHeaders /*headers*/) {
    produce(record, token);
  }
  // Enqueues records[0..n) of `topic`, each of which batchable() took, in
  // one call; returns how many leading ones were enqueued (produce() of the
  // next one then says why it was not, or sends it).
  virtual size_t produce_batch(const std::string& topic, const Record* const* records, const uint64_t* tokens,
                               size_t n) = 0;
  // Whether produce_batch takes this record.
  virtual bool batchable(const Record& record) const = 0;
  // Serves reports for up to timeout_ms; appends the finished ones.
  virtual void poll(int timeout_ms, std::vector<kafka::DeliveryReport>& reports) = 0;
  // Waits up to timeout_ms for what is in flight; appends reports.
  virtual void flush(int timeout_ms, std::vector<kafka::DeliveryReport>& reports) = 0;
  // Gives up on everything in flight; each gets a failed report.
  virtual void purge(std::vector<kafka::DeliveryReport>& reports) = 0;
  // Records produced without a report yet.
  virtual size_t in_flight() const = 0;
};

// The interface over a real kafka::Producer (borrowed).
class KafkaProducer final : public Producer {
 public:
  explicit KafkaProducer(kafka::Producer& producer) : m_producer(producer) {}
  void produce(const Record& record, uint64_t token) override { m_producer.produce(record, token); }
  void produce_prepared(const Record& record, uint64_t token, kafka::NativeHeaders headers) override {
    m_producer.produce(record, token, std::move(headers));
  }
  size_t produce_batch(const std::string& topic, const Record* const* records, const uint64_t* tokens,
                       size_t n) override {
    return m_producer.produce_batch(topic, records, tokens, n);
  }
  bool batchable(const Record& record) const override { return m_producer.batchable(record); }
  void poll(int timeout_ms, std::vector<kafka::DeliveryReport>& reports) override {
    m_producer.poll(timeout_ms, reports);
  }
  void flush(int timeout_ms, std::vector<kafka::DeliveryReport>& reports) override {
    m_producer.flush(timeout_ms, reports);
  }
  void purge(std::vector<kafka::DeliveryReport>& reports) override { m_producer.purge(reports); }
  size_t in_flight() const override { return m_producer.in_flight(); }

 private:
  kafka::Producer& m_producer;
};

}  // namespace evt::deliver
