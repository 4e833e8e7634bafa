#pragma once
// The publish engine: builds each input line into a record, sends it with
// kafka::Producer, matches every delivery report back to its input line,
// and ends with counts and the lines that were not delivered. It never
// prints; the caller shows rejections, progress and the summary.

#include "evt/deliver/producer.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/deliver/tracker.hpp"
#include "evt/error.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/publish/record.hpp"
#include "evt/read/input.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::publish {

// Counts over one publish run.
struct PublishCounts {
  uint64_t lines = 0;      // input lines read (blank ones included)
  uint64_t produced = 0;   // handed to the producer (dry run: would be sent)
  uint64_t delivered = 0;  // acknowledged by the broker
  uint64_t rejected = 0;   // refused before sending: bad line, schema, guard
  uint64_t failed = 0;     // produced but not delivered
  uint64_t large = 0;      // sent although above the warning size
  uint64_t bytes = 0;      // key + value + header bytes produced
};

// Where an input line came from: index into the inputs, 1-based line.
struct LineRef {
  size_t input = 0;
  uint64_t line = 0;
};

// Consecutive input lines that were not delivered, with the same error.
struct FailedLines {
  size_t input = 0;
  uint64_t first_line = 0;
  uint64_t last_line = 0;
  std::string error;
};

// Why a run ended before the end of its input.
enum class StopReason { none, rejected, delivery_failed, interrupted, client_error };

// The outcome of a run.
struct PublishResult {
  PublishCounts counts;
  std::vector<FailedLines> failures;  // by input and line
  StopReason stop = StopReason::none;
  LineRef stopped_at;        // the rejected or first failed line
  std::string client_error;  // StopReason::client_error
  ExitCode client_error_code = ExitCode::runtime;
  std::exception_ptr client_exception;  // that error itself, for the caller to rethrow
  double seconds = 0;
};

// The exit code a result maps to: a client error's own code, 3 when
// anything was not delivered, 130 after SIGINT, 4 when a line was
// rejected (even with --skip-invalid: it was not sent), else 0.
ExitCode publish_exit_code(const PublishResult& result);

// What the run tells its caller while it goes; every member may be empty.
struct PublishEvents {
  std::function<void(LineRef, const Rejection&)> rejected;
  std::function<void(LineRef, size_t bytes)> large;
  std::function<void(const Record&)> dry_run;                          // each record a dry run would send
  std::function<void(const PublishCounts&, double seconds)> progress;  // ~2 per second
};

// How records are delivered.
struct DeliveryOptions {
  bool dry_run = false;             // build and report, send nothing
  bool skip_invalid = false;        // go on after a rejected line
  double rate = 0;                  // records per second; 0: as fast as possible
  int delivery_timeout_ms = 30000;  // message.timeout.ms; bounds the final flush
};

// One publish run over a producer (null for a dry run).
class PublishSession {
 public:
  PublishSession(RecordBuilder& builder, kafka::Producer* producer, DeliveryOptions options,
                 PublishEvents events);
  // The same over any deliver::Producer (a fake one in tests).
  PublishSession(RecordBuilder& builder, std::nullptr_t dry_run, DeliveryOptions options,
                 PublishEvents events)
      : PublishSession(builder, static_cast<deliver::Producer*>(dry_run), options, std::move(events)) {}
  PublishSession(RecordBuilder& builder, deliver::Producer* producer, DeliveryOptions options,
                 PublishEvents events);

  // Builds and sends one input line; false when the run must stop
  // (rejected line, failed delivery, SIGINT, client error).
  bool submit_line(LineRef where, std::string_view line);

  // Sends (or counts and reports) one input line already built by `from_line`
  // elsewhere, e.g. on a worker thread; the same contract as submit_line.
  // `prepared`: the record's headers in the producer's form, built with
  // it (taken when sent), or null.
  bool submit_built(LineRef where, BuildResult built, const Record& record, const Rejection& why,
                    kafka::NativeHeaders* prepared = nullptr);
  // Whether records are sent to a broker (not a dry run): only then are
  // prepared headers of use.
  bool produces() const { return m_tracker.has_value(); }

  // Whether a record built BuildResult::ok may go to submit_run: a real
  // run without a rate limit, and a record the producer takes in batches.
  bool batchable(const Record& record) const;

  // Sends n records built BuildResult::ok, each batchable, all of one
  // topic, as n submit_built calls would (same counts, same stops), in as
  // few producer calls as the producer allows.
  bool submit_run(const LineRef* where, const Record* const* records, size_t n);

  // Counts and reports a line rejected before building (e.g. too long);
  // false when the run must stop.
  bool reject_line(LineRef where, const Rejection& why);

  // Builds and sends the single event given by flags (input 0, line 1).
  bool submit_data(const std::optional<std::string>& data);

  // Notes that reading ended because of SIGINT.
  void interrupt();

  // Notes that reading the input failed (`error` holds an evt::Error, e.g.
  // an InputError naming the file): the run stops there like at a client
  // error, and what was sent before is still flushed and reported.
  void input_failed(std::exception_ptr error);

  // Waits for the outstanding delivery reports (bounded by the delivery
  // timeout), gives up on what is left, and returns the outcome.
  PublishResult finish();

 private:
  bool send(LineRef where, const Record& record, kafka::NativeHeaders* prepared = nullptr);
  void serve_reports(int timeout_ms);
  // Takes the tracker's client error and failures into the result.
  void sync_delivery();
  void maybe_progress();
  void stop(StopReason reason, LineRef where);
  // Stops at `where` for a client or input error `e` (`error` holds it).
  void stop_on_error(const Error& e, std::exception_ptr error, LineRef where);
  // Keeps the first client error seen while serving reports or flushing.
  void note_client_error(const deliver::ClientError& error);

  RecordBuilder& m_builder;
  std::optional<deliver::KafkaProducer> m_kafka;
  std::optional<deliver::DeliveryTracker> m_tracker;  // empty for a dry run
  DeliveryOptions m_options;
  PublishEvents m_events;
  Record m_record;
  Rejection m_rejection;
  std::vector<deliver::SourceRef> m_run_sources;  // reused by submit_run
  PublishResult m_result;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_progress;
  deliver::RateLimiter m_limiter;
};

// Feeds every line of the reader to the session until the end of the
// input or a stop, then finishes the run. Lines over the reader's limit
// are rejected.
PublishResult publish_lines(read::LineReader& reader, PublishSession& session);

// The same with the lines built (parsed, checked, enveloped) by `builder`,
// the session's own, on a worker thread, while this thread reads and
// sends them in input order. Stops exactly where publish_lines would.
PublishResult publish_lines_pipelined(read::LineReader& reader, PublishSession& session,
                                      RecordBuilder& builder);

}  // namespace evt::publish
