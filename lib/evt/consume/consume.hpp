#pragma once
// The consume engine: reads a group's records, runs a handler per record
// (in lanes, see scheduler.hpp), retries with backoff, dead-letters what
// keeps failing, and commits per partition only the prefix of records that
// are done (handled, dead-lettered and acknowledged, or skipped).

#include "evt/consume/backoff.hpp"
#include "evt/consume/dedupe_key.hpp"
#include "evt/consume/dedupe_store.hpp"
#include "evt/consume/scheduler.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/producer.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::consume {

// --exec runs a process per record; --pipe keeps handlers running.
enum class HandlerMode { exec, pipe };

// What happens to a record whose attempts are used up and no --dlq is given.
enum class OnFailure { stop, skip };

// Everything `evt consume` was asked to do.
struct ConsumeOptions {
  std::vector<std::string> topics;
  std::string group;
  std::vector<std::string> argv;  // the handler (see command_line.hpp)
  std::string handler_text;       // the command as given, for evt_dlq_handler
  HandlerMode mode = HandlerMode::exec;
  size_t batch = 0;           // --batch N: up to N records of a partition per run; 0: one
  int64_t batch_wait_ms = 0;  // --batch-wait: how long a partial batch waits to fill
  int concurrency = 1;
  Ordering ordering = Ordering::key;
  int retries = 3;  // attempts = retries + 1
  Backoff backoff{1000, 60000};
  int64_t handler_timeout_ms = 60000;  // per attempt; then SIGTERM, SIGKILL after k_kill_grace_ms
  std::string dlq_topic;               // empty: no dead letters
  OnFailure on_failure = OnFailure::stop;
  int64_t shutdown_timeout_ms = 30000;
  int64_t commit_interval_ms = 1000;
  // Buffered records per partition before pausing it. Not small: librdkafka
  // drops what it prefetched for a paused partition and fetches it again
  // on resume, so at 1,000 a --pipe run spent most of its time refetching.
  size_t partition_buffer = 10000;
  // And before its buffered keys and values pass this many bytes, so that
  // large records cannot make the buffer unbounded (librdkafka's own
  // prefetch per partition is 64 MiB by default, queued.max.messages.kbytes).
  size_t partition_buffer_bytes = 64u << 20;
  bool exit_at_end = false;        // stop once every assigned partition is read and done
  int64_t dlq_timeout_ms = 10000;  // a dead letter must be acknowledged within this
  std::string to_topic;            // --to: handlers' stdout lines are published here
  std::string metrics_path;        // --metrics: Prometheus text, rewritten every metrics_interval_ms
  int64_t metrics_interval_ms = 5000;
  std::optional<DedupeKey> dedupe_by;  // --dedupe-by; unset: every record is handled
  std::string dedupe_store;            // the store's file (see dedupe_store.hpp)
  bool dedupe_store_given = false;     // --dedupe-store: its directory must exist
  DedupeWindow dedupe_window{24LL * 3600 * 1000, 0};
};

// Counts for the summary and the status line.
struct ConsumeStats {
  uint64_t received = 0;
  uint64_t done = 0;           // handled successfully
  uint64_t attempts = 0;       // handler runs
  uint64_t retries = 0;        // attempts that were scheduled again
  uint64_t dead_lettered = 0;  // acknowledged dead letters
  uint64_t skipped = 0;        // given up on with --on-failure skip
  uint64_t deduplicated = 0;   // not run: their id was handled before (--dedupe-by)
  uint64_t published = 0;      // --to: output events acknowledged
  uint64_t abandoned = 0;      // left uncommitted at shutdown or revoke (run again later)
  uint64_t commits = 0;
  size_t in_flight = 0;  // records handed to handlers whose outcome has not come
  size_t queued = 0;     // buffered: not started, running or waiting for a retry
  // Records behind the end of the log over this member's assigned
  // partitions (the end as last seen by its fetches, minus the first
  // record not done); nullopt until known for at least one partition.
  std::optional<uint64_t> lag;
  std::vector<std::pair<TopicPartition, uint64_t>> partition_lag;  // the partitions it is known for
};

// Something the user should hear about (the caller prints it).
struct ConsumeEvent {
  enum class Kind { retry, dead_letter, skipped, note } kind;
  std::string text;  // network bytes in it are terminal-escaped
};

// Callbacks to the caller; any may be null.
struct ConsumeHooks {
  std::function<void(std::string_view)> handler_stderr;  // raw stderr chunks of handlers
  std::function<void(const ConsumeEvent&)> event;
  std::function<void(const ConsumeStats&)> progress;  // about once a second
};

// How a run ended.
struct ConsumeResult {
  ConsumeStats stats;
  bool interrupted = false;
  std::string failure;  // non-empty: evt stopped because of it (exit 3)
};

// Runs until SIGINT/SIGTERM, a failure that must stop it, or (exit_at_end)
// the end. Subscribes `consumer` (created with options.group) to the
// topics; `dlq` (the producer of dead letters and --to outputs) is null
// without --dlq and --to. Commits what is done before returning.
ConsumeResult run_consume(kafka::Consumer& consumer, kafka::Producer* dlq, const ConsumeOptions& options,
                          const ConsumeHooks& hooks);

}  // namespace evt::consume
