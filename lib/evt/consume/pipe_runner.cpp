#include "evt/consume/runner.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/consume/pipe_protocol.hpp"
#include "evt/output/terminal_escape.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>

namespace evt::consume {
namespace {

// The longest verdict line evt waits for; beyond it the handler is not
// speaking the protocol (bounded memory whatever it writes).
constexpr size_t k_max_verdict_line = 64 * 1024;

class PipeRunner : public Runner {
 public:
  explicit PipeRunner(RunnerSpec spec) : m_spec(std::move(spec)), m_workers(m_spec.slots) {
    m_env = m_spec.base_env;
    if (!m_spec.group.empty()) {
      m_env.push_back("EVT_GROUP=" + m_spec.group);
    }
    m_env.push_back("EVT_MAX_ATTEMPTS=" + std::to_string(m_spec.max_attempts));
  }

  bool has_free_slot() const override {
    return std::any_of(m_workers.begin(), m_workers.end(), [](const Worker& w) { return usable(w); });
  }

  void start(uint64_t id, const Record& record, int) override {
    // The least loaded handler: records spread over --concurrency processes.
    Worker* best = nullptr;
    for (auto& w : m_workers) {
      if (usable(w) && (best == nullptr || w.queue.size() < best->queue.size())) {
        best = &w;
      }
    }
    Worker& w = *best;
    const int64_t now = monotonic_ms();
    if (!w.child) {
      spawn(w, now);
    }
    InFlight f;
    f.id = id;
    codec::append_record_line(f.line, record);
    if (w.queue.empty()) {
      w.head_since_ms = now;
    }
    w.bytes += f.line.size();
    w.child->queue_stdin(f.line);
    w.queue.push_back(std::move(f));
    ++m_busy;
  }

  void start_batch(uint64_t, const std::vector<const Record*>&, int) override {
    throw std::logic_error("--pipe handlers take a stream of records, not batches");
  }

  void add_poll_fds(std::vector<pollfd>& fds) const override {
    for (const auto& w : m_workers) {
      if (w.child) {
        w.child->add_poll_fds(fds);
      }
    }
  }

  void pump(std::vector<FinishedAttempt>& finished) override {
    const int64_t now = monotonic_ms();
    for (auto& w : m_workers) {
      if (!w.child) {
        continue;
      }
      w.child->pump();
      read_verdicts(w, finished, now);
      if (w.child->finished()) {
        ended(w, finished, now);
        continue;
      }
      if (!w.broken && !w.queue.empty() && now >= w.head_since_ms + m_spec.timeout_ms) {
        // The record it works on ran past --handler-timeout: the process
        // is stopped and that record fails ("timeout"); the rest is re-sent.
        w.child->terminate(k_kill_grace_ms, true);
        w.broken = true;
      }
    }
  }

  void abandon(uint64_t id) override {
    for (auto& w : m_workers) {
      for (auto& f : w.queue) {
        if (f.id == id && w.child) {
          // The process may be in the middle of it: it is stopped, the
          // record ends as abandoned and the others it had are re-sent to a
          // fresh process (evt stopped it, so nobody's attempt failed).
          f.abandoned = true;
          w.broken = true;
          w.child->terminate(k_kill_grace_ms, false);
        }
      }
    }
  }

  std::vector<uint64_t> running() const override {
    std::vector<uint64_t> ids;
    for (const auto& w : m_workers) {
      for (const auto& f : w.queue) {
        ids.push_back(f.id);
      }
    }
    return ids;
  }

  size_t busy() const override { return m_busy; }

  std::optional<int64_t> next_deadline() const override {
    std::optional<int64_t> d;
    for (const auto& w : m_workers) {
      if (!w.queue.empty() && !w.broken) {
        const int64_t deadline = w.head_since_ms + m_spec.timeout_ms;
        d = std::min(d.value_or(deadline), deadline);
      }
    }
    return d;
  }

  void close(int64_t timeout_ms) override {
    for (auto& w : m_workers) {
      if (w.child) {
        w.child->close_stdin_when_written();
      }
    }
    // EOF on stdin is the handler's cue to exit; past the timeout the
    // destructor kills what is left.
    const int64_t deadline = monotonic_ms() + timeout_ms;
    while (monotonic_ms() < deadline) {
      std::vector<pollfd> fds;
      add_poll_fds(fds);
      if (fds.empty()) {
        break;
      }
      ::poll(fds.data(), fds.size(), 20);
      for (auto& w : m_workers) {
        if (w.child) {
          w.child->pump();
          w.child->stdout_buffer().clear();
          if (w.child->finished()) {
            w.child.reset();
          }
        }
      }
    }
    for (auto& w : m_workers) {
      w.child.reset();
    }
  }

 private:
  // A record line sent (or queued for sending) whose verdict has not come.
  struct InFlight {
    uint64_t id = 0;
    std::string line;  // kept to re-send it to a fresh process
    bool abandoned = false;
  };

  struct Worker {
    std::unique_ptr<ChildProcess> child;
    std::deque<InFlight> queue;                 // in the order sent = the order of verdicts
    size_t bytes = 0;                           // of the lines in queue
    int64_t head_since_ms = 0;                  // when queue.front() became the one it works on
    bool broken = false;                        // being stopped: no new records, verdicts ignored
    std::optional<AttemptResult> head_failure;  // why it is being stopped, if the head's fault
  };

  static bool usable(const Worker& w) {
    return !w.broken && w.queue.size() < k_pipe_window_records && w.bytes < k_pipe_window_bytes;
  }

  void spawn(Worker& w, int64_t now) {
    ChildSpec child;
    child.argv = m_spec.argv;
    child.env = m_env;
    child.capture_stdout = true;
    child.on_stderr = m_spec.on_stderr;
    w.child = std::make_unique<ChildProcess>(child);
    w.broken = false;
    w.head_failure.reset();
    w.head_since_ms = now;
  }

  void pop_front(Worker& w) {
    w.bytes -= w.queue.front().line.size();
    w.queue.pop_front();
    --m_busy;
  }

  // The process ended (crashed, or stopped by evt): the record it was
  // working on (the first unanswered) failed unless evt stopped it for
  // another reason; abandoned records end as such; the rest is re-sent, in
  // order, to a fresh process.
  void ended(Worker& w, std::vector<FinishedAttempt>& finished, int64_t now) {
    const bool stopped_by_evt = w.broken && !w.head_failure && !w.child->end().timed_out;
    if (!w.queue.empty() && !w.queue.front().abandoned && !stopped_by_evt) {
      FinishedAttempt f{w.queue.front().id, {}, false, {}};
      if (w.head_failure) {
        f.result = std::move(*w.head_failure);
      } else {
        f.result = verdict_of(w.child->end());
        if (f.result.verdict == Verdict::done) {
          f.result.verdict = Verdict::retry;
          f.result.error = "exit:0";
        }
      }
      if (f.result.detail.empty()) {
        f.result.detail = w.child->stderr_tail();
      }
      finished.push_back(std::move(f));
      pop_front(w);
    }
    std::deque<InFlight> rest;
    while (!w.queue.empty()) {
      if (w.queue.front().abandoned) {
        finished.push_back({w.queue.front().id, {}, true, {}});
      } else {
        rest.push_back(std::move(w.queue.front()));
      }
      pop_front(w);
    }
    w.child.reset();
    w.broken = false;
    w.head_failure.reset();
    if (rest.empty()) {
      return;  // the next record starts a fresh process
    }
    spawn(w, now);
    for (auto& f : rest) {
      w.bytes += f.line.size();
      w.child->queue_stdin(f.line);
      w.queue.push_back(std::move(f));
      ++m_busy;
    }
  }

  // Stops the process because of the record it works on (a protocol error).
  void break_worker(Worker& w, AttemptResult why) {
    if (!w.queue.empty()) {
      w.head_failure = std::move(why);
    }
    w.broken = true;
    w.child->terminate(k_kill_grace_ms, false);
  }

  void read_verdicts(Worker& w, std::vector<FinishedAttempt>& finished, int64_t now) {
    std::string& out = w.child->stdout_buffer();
    size_t start = 0;
    while (!w.broken) {
      const size_t nl = out.find('\n', start);
      if (nl == std::string::npos) {
        break;
      }
      const std::string_view line(out.data() + start, nl - start);
      start = nl + 1;
      auto verdict = parse_verdict_line(line);
      if (!w.queue.empty() && verdict) {
        finished.push_back({w.queue.front().id, std::move(*verdict), false, {}});
        pop_front(w);
        w.head_since_ms = now;
        continue;
      }
      // A line that is not a verdict, or a verdict nobody asked for: the
      // stream is out of step, so the process is replaced.
      AttemptResult r;
      r.verdict = Verdict::retry;
      r.error = "protocol";
      r.detail = "not a verdict: " + output::terminal_safe(line.substr(0, 200));
      break_worker(w, std::move(r));
    }
    if (w.broken) {
      out.clear();  // it is being stopped; what it says no longer counts
      return;
    }
    out.erase(0, start);
    if (out.size() > k_max_verdict_line) {
      out.clear();
      AttemptResult r;
      r.verdict = Verdict::retry;
      r.error = "protocol";
      r.detail = "verdict line longer than 64 KiB";
      break_worker(w, std::move(r));
    }
  }

  RunnerSpec m_spec;
  std::vector<std::string> m_env;
  std::vector<Worker> m_workers;
  size_t m_busy = 0;  // records in all queues
};

}  // namespace

std::unique_ptr<Runner> make_pipe_runner(const RunnerSpec& spec) {
  return std::make_unique<PipeRunner>(spec);
}

}  // namespace evt::consume
