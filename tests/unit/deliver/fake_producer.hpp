#pragma once
// A deliver::Producer without a broker: records queue up, and the test
// decides which reports come back, when, and whether calls throw.

#include "evt/deliver/producer.hpp"
#include "evt/error.hpp"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace evt::test {

class FakeProducer final : public deliver::Producer {
 public:
  struct Pending {
    uint64_t token;
    std::string value;
  };

  void produce(const Record& record, uint64_t token) override {
    if (throw_on_produce) {
      const auto e = *throw_on_produce;
      throw_on_produce.reset();
      throw e;
    }
    pending.push_back({token, record.value.value_or("")});
    received.push_back(pending.back().value);
  }
  // Like produce() for each record; stops before a record that would throw.
  size_t produce_batch(const std::string&, const Record* const* records, const uint64_t* tokens,
                       size_t n) override {
    ++batches;
    for (size_t i = 0; i < n; ++i) {
      if (throw_on_produce || (queue_limit > 0 && pending.size() >= queue_limit)) {
        return i;
      }
      pending.push_back({tokens[i], records[i]->value.value_or("")});
      received.push_back(pending.back().value);
    }
    return n;
  }
  bool batchable(const Record& record) const override { return batch && record.headers.empty(); }
  void poll(int, std::vector<kafka::DeliveryReport>& reports) override {
    move(ready, reports);
    if (throw_on_poll) {
      const auto e = *throw_on_poll;
      throw_on_poll.reset();
      throw e;
    }
  }
  void flush(int, std::vector<kafka::DeliveryReport>& reports) override {
    ++flushes;
    move(ready, reports);
    // A flush answers whatever the test allows; the rest stays in flight.
    while (answer_on_flush > 0 && !pending.empty()) {
      --answer_on_flush;
      reports.push_back(report(pending.front().token, fail_value && pending.front().value == *fail_value));
      pending.pop_front();
    }
  }
  void purge(std::vector<kafka::DeliveryReport>& reports) override {
    while (!pending.empty() && purge_reports) {
      kafka::DeliveryReport r;
      r.token = pending.front().token;
      r.error = "purged";
      reports.push_back(r);
      pending.pop_front();
    }
  }
  size_t in_flight() const override { return pending.size(); }

  // Makes the report of the oldest pending record ready.
  void acknowledge(bool ok, std::string error = "broker down") {
    auto r = report(pending.front().token, !ok);
    if (!ok) {
      r.error = std::move(error);
    }
    ready.push_back(r);
    pending.pop_front();
  }
  // Acknowledges the pending record at index i (out of order).
  void acknowledge_at(size_t i, bool ok, std::string error = "broker down") {
    std::swap(pending[0], pending[i]);
    acknowledge(ok, std::move(error));
  }

  std::deque<Pending> pending;
  std::vector<std::string> received;  // every value produced, in order
  std::vector<kafka::DeliveryReport> ready;
  std::optional<BrokerError> throw_on_produce;
  std::optional<BrokerError> throw_on_poll;
  size_t answer_on_flush = 1000000;
  std::optional<std::string> fail_value;
  bool purge_reports = true;
  int flushes = 0;
  bool batch = false;      // batchable() takes records without headers
  int batches = 0;         // produce_batch calls
  size_t queue_limit = 0;  // produce_batch stops when this many are pending (0: no limit)

 private:
  static kafka::DeliveryReport report(uint64_t token, bool failed) {
    kafka::DeliveryReport r;
    r.token = token;
    r.delivered = !failed;
    if (failed) {
      r.error = "broker down";
    }
    return r;
  }
  static void move(std::vector<kafka::DeliveryReport>& from, std::vector<kafka::DeliveryReport>& to) {
    to.insert(to.end(), from.begin(), from.end());
    from.clear();
  }
};

}  // namespace evt::test
