#pragma once
// Delivery bookkeeping for one producer run: every record is sent with a
// source reference, every report is matched back to it, failures are kept
// as ranges of source positions, and the end of a run waits for what is in
// flight (bounded), then purges the rest. Engines decide what a failure
// means for them (publish stops; a copy engine stops checkpointing).

#include "evt/deliver/producer.hpp"
#include "evt/deliver/source_ref.hpp"
#include "evt/error.hpp"

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace evt::deliver {

// Consecutive source positions that were not delivered, with the same error.
struct FailedRange {
  uint32_t source = 0;
  int64_t first = 0;
  int64_t last = 0;
  std::string error;
};

// An error that concerns the client rather than one record.
struct ClientError {
  std::string message;
  ExitCode code = ExitCode::runtime;
  std::exception_ptr exception;  // the error itself, so the caller can rethrow it with its hint
};

// Counts of one run's deliveries.
struct DeliveryCounts {
  uint64_t produced = 0;    // handed to the producer
  uint64_t delivered = 0;   // acknowledged
  uint64_t failed = 0;      // failed reports
  uint64_t unreported = 0;  // without any report even after the purge
};

// Matches delivery reports to source references over a Producer.
class DeliveryTracker {
 public:
  // Called for each report with its source reference (e.g. to advance an
  // AckWatermark); optional.
  using OnReport = std::function<void(SourceRef, const kafka::DeliveryReport&)>;

  explicit DeliveryTracker(Producer& producer, OnReport on_report = {});

  // Produces a record; throws what Producer::produce throws (Interrupted
  // when SIGINT came while the queue was full, an evt::Error for a client
  // error) and then counts nothing. `prepared`: the record's headers
  // already in the client's form (taken from it), or null.
  void send(const Record& record, SourceRef from, kafka::NativeHeaders* prepared = nullptr);

  // Sends records[0..n) of one topic, each batchable(), in one producer
  // call; returns how many leading ones were sent (send() of the next one
  // then throws what it means, or sends it). Throws like send().
  size_t send_batch(const std::string& topic, const Record* const* records, const SourceRef* from, size_t n);
  bool batchable(const Record& record) const { return m_producer.batchable(record); }

  // Serves reports for up to timeout_ms. A client error is kept, not thrown.
  void serve(int timeout_ms);

  // Waits for everything in flight, at most `budget_ms` in total, in
  // 200 ms steps calling `tick` after each; stops early on a client error.
  // Then purges what is left; records with no report even then count as
  // unreported (their sources are unknown). Once a delivery has failed, the
  // rest get at most `after_failure_ms` more (they would only fail the same
  // way one by one, up to a whole delivery timeout later); -1: no shortening.
  void drain(int budget_ms, const std::function<void()>& tick = {}, int after_failure_ms = -1);

  const DeliveryCounts& counts() const noexcept { return m_counts; }
  // Records sent without a report yet.
  size_t in_flight() const { return m_producer.in_flight(); }
  // The first client error seen while serving or draining.
  const std::optional<ClientError>& client_error() const noexcept { return m_client_error; }

  // The failures in source order, consecutive positions with the same
  // error merged.
  std::vector<FailedRange> failed_ranges() const;
  // The first failed source reference in source order.
  std::optional<SourceRef> first_failure() const;

 private:
  void note_client_error(const Error& e);
  void handle_reports();

  struct Failure {
    SourceRef where;
    uint32_t error;  // index into m_errors
  };

  Producer& m_producer;
  OnReport m_on_report;
  TokenMap m_tokens;
  DeliveryCounts m_counts;
  std::vector<kafka::DeliveryReport> m_reports;
  std::vector<uint64_t> m_batch_tokens;
  std::vector<Failure> m_failures;
  std::vector<std::string> m_errors;
  std::optional<ClientError> m_client_error;
};

}  // namespace evt::deliver
