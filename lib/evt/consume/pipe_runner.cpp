#include "evt/consume/runner.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/consume/pipe_protocol.hpp"
#include "evt/output/terminal_escape.hpp"

#include <algorithm>
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
    auto it = std::find_if(m_workers.begin(), m_workers.end(), [](const Worker& w) { return usable(w); });
    Worker& w = *it;
    if (!w.child || w.child->finished()) {
      // First use, or the previous process ended: a fresh one.
      ChildSpec child;
      child.argv = m_spec.argv;
      child.env = m_env;
      child.capture_stdout = true;
      child.on_stderr = m_spec.on_stderr;
      w.child = std::make_unique<ChildProcess>(child);
      w.broken = false;
    }
    w.id = id;
    w.abandoned = false;
    w.deadline_ms = monotonic_ms() + m_spec.timeout_ms;
    m_line.clear();
    codec::append_record_line(m_line, record);
    w.child->write_stdin(m_line);
  }

  void start_batch(uint64_t, const std::vector<const Record*>&, int) override {
    throw std::logic_error("--pipe handlers take one record at a time");
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
      read_verdicts(w, finished);
      if (w.child->finished()) {
        if (w.id != 0) {
          // It ended while working on a record: that record failed.
          FinishedAttempt f{w.id, verdict_of(w.child->end()), w.abandoned, {}};
          if (f.result.verdict == Verdict::done) {
            f.result.verdict = Verdict::retry;
            f.result.error = "exit:0";
          }
          if (f.result.detail.empty()) {
            f.result.detail = w.child->stderr_tail();
          }
          finished.push_back(std::move(f));
          w.id = 0;
        }
        w.child.reset();
        w.broken = false;
        continue;
      }
      if (w.id != 0 && now >= w.deadline_ms) {
        w.child->terminate(k_kill_grace_ms, true);
        w.broken = true;
      }
    }
  }

  void abandon(uint64_t id) override {
    for (auto& w : m_workers) {
      if (w.id == id && w.child) {
        w.abandoned = true;
        w.broken = true;
        w.child->terminate(k_kill_grace_ms, false);
      }
    }
  }

  std::vector<uint64_t> running() const override {
    std::vector<uint64_t> ids;
    for (const auto& w : m_workers) {
      if (w.id != 0) {
        ids.push_back(w.id);
      }
    }
    return ids;
  }

  size_t busy() const override {
    return static_cast<size_t>(
        std::count_if(m_workers.begin(), m_workers.end(), [](const Worker& w) { return w.id != 0; }));
  }

  std::optional<int64_t> next_deadline() const override {
    std::optional<int64_t> d;
    for (const auto& w : m_workers) {
      if (w.id != 0) {
        d = std::min(d.value_or(w.deadline_ms), w.deadline_ms);
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
  struct Worker {
    std::unique_ptr<ChildProcess> child;
    uint64_t id = 0;  // the record it works on; 0: idle
    int64_t deadline_ms = 0;
    bool abandoned = false;
    bool broken = false;  // being stopped: not for new records
  };

  static bool usable(const Worker& w) { return w.id == 0 && !w.broken; }

  void read_verdicts(Worker& w, std::vector<FinishedAttempt>& finished) {
    std::string& out = w.child->stdout_buffer();
    size_t start = 0;
    while (true) {
      const size_t nl = out.find('\n', start);
      if (nl == std::string::npos) {
        break;
      }
      const std::string_view line(out.data() + start, nl - start);
      start = nl + 1;
      if (w.broken) {
        continue;  // it is being stopped; its verdicts no longer count
      }
      auto verdict = parse_verdict_line(line);
      if (w.id != 0 && verdict) {
        finished.push_back({w.id, std::move(*verdict), false, {}});
        w.id = 0;
        continue;
      }
      // A line that is not a verdict, or a verdict nobody asked for: the
      // stream is out of step, so the process is replaced.
      if (w.id != 0) {
        AttemptResult r;
        r.verdict = Verdict::retry;
        r.error = "protocol";
        r.detail = "not a verdict: " + output::terminal_safe(line.substr(0, 200));
        finished.push_back({w.id, std::move(r), false, {}});
        w.id = 0;
      }
      w.broken = true;
      w.child->terminate(k_kill_grace_ms, false);
    }
    out.erase(0, start);
    if (out.size() > k_max_verdict_line && !w.broken) {
      out.clear();
      if (w.id != 0) {
        AttemptResult r;
        r.verdict = Verdict::retry;
        r.error = "protocol";
        r.detail = "verdict line longer than 64 KiB";
        finished.push_back({w.id, std::move(r), false, {}});
        w.id = 0;
      }
      w.broken = true;
      w.child->terminate(k_kill_grace_ms, false);
    }
  }

  RunnerSpec m_spec;
  std::vector<std::string> m_env;
  std::vector<Worker> m_workers;
  std::string m_line;
};

}  // namespace

std::unique_ptr<Runner> make_pipe_runner(const RunnerSpec& spec) {
  return std::make_unique<PipeRunner>(spec);
}

}  // namespace evt::consume
