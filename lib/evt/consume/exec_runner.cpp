#include "evt/consume/runner.hpp"

#include "evt/codec/record_line.hpp"

#include <algorithm>

namespace evt::consume {
namespace {

class ExecRunner : public Runner {
 public:
  explicit ExecRunner(RunnerSpec spec) : m_spec(std::move(spec)) {}

  bool has_free_slot() const override { return m_running.size() < m_spec.slots; }

  void start(uint64_t id, const Record& record, int attempt) override {
    launch(id, handler_environment(m_spec.base_env, record, {m_spec.group, attempt, m_spec.max_attempts}),
           record.value ? std::string_view(*record.value) : std::string_view());
  }

  void start_batch(uint64_t id, const std::vector<const Record*>& records, int attempt) override {
    std::string lines;
    for (const Record* r : records) {
      codec::append_record_line(lines, *r);
    }
    launch(id, batch_environment(m_spec.base_env, records, {m_spec.group, attempt, m_spec.max_attempts}),
           lines);
  }

  void add_poll_fds(std::vector<pollfd>& fds) const override {
    for (const auto& s : m_running) {
      s.child->add_poll_fds(fds);
    }
  }

  void pump(std::vector<FinishedAttempt>& finished) override {
    const int64_t now = monotonic_ms();
    for (auto it = m_running.begin(); it != m_running.end();) {
      it->child->pump();
      if (!it->child->finished() && now >= it->deadline_ms) {
        it->child->terminate(k_kill_grace_ms, true);
      }
      if (m_spec.capture_stdout && !it->too_much &&
          it->child->stdout_buffer().size() > k_max_handler_output) {
        // Bounded memory: the run fails rather than growing without end.
        it->too_much = true;
        it->child->terminate(k_kill_grace_ms, false);
      }
      if (!it->child->finished()) {
        ++it;
        continue;
      }
      FinishedAttempt f;
      f.id = it->id;
      f.abandoned = it->abandoned;
      f.result = verdict_of(it->child->end());
      f.result.detail = it->child->stderr_tail();
      if (m_spec.capture_stdout) {
        it->child->pump();  // what it wrote just before it exited
        f.output = std::move(it->child->stdout_buffer());
        if (it->too_much || f.output.size() > k_max_handler_output) {
          f.result.verdict = Verdict::retry;
          f.result.error = "output";
          f.result.detail = "the handler wrote more than 16 MiB on stdout";
          f.output.clear();
        }
      }
      finished.push_back(std::move(f));
      it = m_running.erase(it);
    }
  }

  void abandon(uint64_t id) override {
    for (auto& s : m_running) {
      if (s.id == id) {
        s.abandoned = true;
        s.child->terminate(k_kill_grace_ms, false);
      }
    }
  }

  std::vector<uint64_t> running() const override {
    std::vector<uint64_t> ids;
    for (const auto& s : m_running) {
      ids.push_back(s.id);
    }
    return ids;
  }

  size_t busy() const override { return m_running.size(); }

  std::optional<int64_t> next_deadline() const override {
    std::optional<int64_t> d;
    for (const auto& s : m_running) {
      d = std::min(d.value_or(s.deadline_ms), s.deadline_ms);
    }
    return d;
  }

  void close(int64_t) override {}

 private:
  void launch(uint64_t id, std::vector<std::string> env, std::string_view input) {
    ChildSpec child;
    child.argv = m_spec.argv;
    child.env = std::move(env);
    child.on_stderr = m_spec.on_stderr;
    child.capture_stdout = m_spec.capture_stdout;
    Slot s;
    s.id = id;
    s.child = std::make_unique<ChildProcess>(child);
    s.deadline_ms = monotonic_ms() + m_spec.timeout_ms;
    s.child->write_stdin(input);
    s.child->close_stdin_when_written();
    m_running.push_back(std::move(s));
  }

  struct Slot {
    uint64_t id = 0;
    std::unique_ptr<ChildProcess> child;
    int64_t deadline_ms = 0;
    bool abandoned = false;
    bool too_much = false;  // stopped for writing more than k_max_handler_output
  };
  RunnerSpec m_spec;
  std::vector<Slot> m_running;
};

}  // namespace

std::unique_ptr<Runner> make_exec_runner(const RunnerSpec& spec) {
  return std::make_unique<ExecRunner>(spec);
}

}  // namespace evt::consume
