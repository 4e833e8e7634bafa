#pragma once
// How handlers run: a process per record (--exec) or long-running
// processes fed a stream of record lines (--pipe). The engine hands a
// runner records and collects their outcomes; runners never block.

#include "evt/consume/child_process.hpp"
#include "evt/consume/handler_env.hpp"
#include "evt/consume/verdict.hpp"
#include "evt/record.hpp"

#include <poll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// The grace between SIGTERM and SIGKILL for a handler evt stops.
inline constexpr int k_kill_grace_ms = 2000;

// One attempt that ended.
struct FinishedAttempt {
  uint64_t id = 0;
  AttemptResult result;
  bool abandoned = false;  // stopped by evt (shutdown, revoke): no verdict
  std::string output;      // the handler's stdout (RunnerSpec::capture_stdout)
};

// What every runner needs to start handlers.
struct RunnerSpec {
  std::vector<std::string> argv;
  std::vector<std::string> base_env;  // see inherited_environment
  std::string group;
  int max_attempts = 1;
  size_t slots = 1;            // --concurrency
  int64_t timeout_ms = 60000;  // per attempt
  std::function<void(std::string_view)> on_stderr;
  bool capture_stdout = false;  // --to: per-record handlers' stdout is kept (FinishedAttempt::output)
};

// The most stdout a handler may write for --to; more fails the attempt.
inline constexpr size_t k_max_handler_output = 16 * 1024 * 1024;

// --pipe: how far evt writes ahead of a handler's verdicts. A handler has
// at most this many records unanswered, and gets no new one while the
// unanswered record lines add up to k_pipe_window_bytes or more.
inline constexpr size_t k_pipe_window_records = 1000;
inline constexpr size_t k_pipe_window_bytes = 1024 * 1024;

// Runs attempts; at most `slots` at once (--pipe: slots handlers, each with
// up to a window of records in flight).
class Runner {
 public:
  virtual ~Runner() = default;
  // True when another attempt may start now.
  virtual bool has_free_slot() const = 0;
  // Starts attempt number `attempt` (1-based) of record `id`.
  virtual void start(uint64_t id, const Record& record, int attempt) = 0;
  // --batch: starts one handler for these records of one partition (record
  // lines on stdin); the attempt is reported under `id`.
  virtual void start_batch(uint64_t id, const std::vector<const Record*>& records, int attempt) = 0;
  // The descriptors to wait on.
  virtual void add_poll_fds(std::vector<pollfd>& fds) const = 0;
  // Does what is possible now (after poll) and appends ended attempts;
  // enforces the per-attempt timeout.
  virtual void pump(std::vector<FinishedAttempt>& finished) = 0;
  // Stops the attempt of record `id` if it runs; it ends as abandoned.
  virtual void abandon(uint64_t id) = 0;
  // Ids of the records being worked on, and how many there are.
  virtual std::vector<uint64_t> running() const = 0;
  virtual size_t busy() const = 0;
  // The earliest attempt deadline (monotonic ms), if any runs.
  virtual std::optional<int64_t> next_deadline() const = 0;
  // Ends idle long-running handlers (EOF on stdin), waiting up to timeout_ms.
  virtual void close(int64_t timeout_ms) = 0;
};

// A process per record: the value on stdin, metadata in the environment,
// the exit status as the verdict.
std::unique_ptr<Runner> make_exec_runner(const RunnerSpec& spec);

// `slots` long-running processes speaking the --pipe protocol
// (pipe_protocol.hpp), each fed up to a window of records ahead of its
// verdicts. When one crashes, times out or breaks the protocol, the first
// record it had not answered fails (one attempt) and the others it had are
// re-sent, in order, to a fresh process (no attempt counted). The timeout
// runs from when a record becomes the first unanswered one.
std::unique_ptr<Runner> make_pipe_runner(const RunnerSpec& spec);

}  // namespace evt::consume
