#include "evt/consume/runner.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using namespace evt::consume;

namespace {

const bool k_sigpipe_ignored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

RunnerSpec pipe_spec(const std::string& script, int64_t timeout_ms = 10000) {
  RunnerSpec s;
  s.argv = {"/bin/sh", "-c", script};
  s.base_env = {"PATH=/usr/bin:/bin"};
  s.slots = 1;
  s.timeout_ms = timeout_ms;
  return s;
}

evt::Record record(int64_t offset) {
  evt::Record r;
  r.topic = "t";
  r.partition = 0;
  r.offset = offset;
  r.value = "v" + std::to_string(offset);
  return r;
}

// Pumps the runner as the engine does until `count` attempts ended (or 20 s).
std::vector<FinishedAttempt> collect(Runner& runner, size_t count) {
  std::vector<FinishedAttempt> all;
  const int64_t deadline = monotonic_ms() + 20000;
  while (all.size() < count && monotonic_ms() < deadline) {
    std::vector<pollfd> fds;
    runner.add_poll_fds(fds);
    ::poll(fds.data(), fds.size(), 20);
    runner.pump(all);
  }
  return all;
}

}  // namespace

TEST_CASE("pipe runner: many records in flight to one handler, verdicts in order") {
  auto runner = make_pipe_runner(pipe_spec("sed -u 's/.*/ok/'"));
  for (uint64_t id = 1; id <= 50; ++id) {
    REQUIRE(runner->has_free_slot());
    runner->start(id, record(static_cast<int64_t>(id)), 1);
  }
  CHECK(runner->busy() == 50);
  const auto done = collect(*runner, 50);
  REQUIRE(done.size() == 50);
  for (size_t i = 0; i < done.size(); ++i) {
    CHECK(done[i].id == i + 1);
    CHECK(done[i].result.verdict == Verdict::done);
    CHECK_FALSE(done[i].abandoned);
  }
  CHECK(runner->busy() == 0);
  runner->close(2000);
}

TEST_CASE("pipe runner: at most a window of unanswered records per handler") {
  auto runner = make_pipe_runner(pipe_spec("exec cat >/dev/null"));
  for (uint64_t id = 1; id <= k_pipe_window_records; ++id) {
    REQUIRE(runner->has_free_slot());
    runner->start(id, record(static_cast<int64_t>(id)), 1);
  }
  CHECK_FALSE(runner->has_free_slot());
  CHECK(runner->running().size() == k_pipe_window_records);
  runner->close(0);
}

TEST_CASE("pipe runner: a crash fails the first unanswered record; the others are re-sent") {
  // Answers three lines, then exits 3 on the fourth; every process logs what it read.
  const std::string log = "/tmp/evt-pipe-runner-test-" + std::to_string(::getpid());
  std::remove(log.c_str());
  auto runner = make_pipe_runner(pipe_spec("n=0; while read -r l; do echo \"$$ $l\" >>" + log +
                                           "; n=$((n+1)); [ $n = 4 ] && exit 3; echo ok; done"));
  for (uint64_t id = 1; id <= 6; ++id) {
    runner->start(id, record(static_cast<int64_t>(id)), 1);
  }
  const auto got = collect(*runner, 6);
  REQUIRE(got.size() == 6);
  std::map<uint64_t, FinishedAttempt> by_id;
  for (const auto& f : got) {
    by_id[f.id] = f;
  }
  for (const uint64_t id : {1, 2, 3, 5, 6}) {
    CHECK(by_id[id].result.verdict == Verdict::done);
  }
  CHECK(by_id[4].result.verdict == Verdict::retry);
  CHECK(by_id[4].result.error == "exit:3");
  // Record 4 is not sent again by the runner (its retry is the engine's);
  // 5 and 6 went to the first process (maybe) and, unanswered, to a second.
  std::FILE* f = std::fopen(log.c_str(), "r");
  REQUIRE(f != nullptr);
  std::map<std::string, int> per_process;
  int fours = 0;
  char line[4096];
  std::string second_process_values;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    const std::string l(line);
    const std::string pid = l.substr(0, l.find(' '));
    ++per_process[pid];
    if (l.find("\"offset\":4,") != std::string::npos) {
      ++fours;
    }
  }
  std::fclose(f);
  std::remove(log.c_str());
  CHECK(fours == 1);
  CHECK(per_process.size() == 2);
  runner->close(2000);
}

TEST_CASE("pipe runner: the timeout runs per record from when it is the one being worked on") {
  // Each process answers its first record and hangs on the second.
  auto runner = make_pipe_runner(pipe_spec("read -r l; echo ok; read -r l; exec sleep 60", 300));
  for (uint64_t id = 1; id <= 3; ++id) {
    runner->start(id, record(static_cast<int64_t>(id)), 1);
  }
  const auto got = collect(*runner, 3);
  REQUIRE(got.size() == 3);
  CHECK(got[0].id == 1);
  CHECK(got[0].result.verdict == Verdict::done);
  CHECK(got[1].id == 2);
  CHECK(got[1].result.error == "timeout");
  CHECK(got[2].id == 3);  // re-sent: the first record of a fresh process
  CHECK(got[2].result.verdict == Verdict::done);
  runner->close(0);
}

TEST_CASE("pipe runner: an abandoned record ends as such, the others of its handler are re-sent") {
  auto runner = make_pipe_runner(pipe_spec("read -r l; exec sleep 60"));
  runner->start(1, record(1), 1);
  runner->start(2, record(2), 1);
  std::vector<FinishedAttempt> got;
  runner->pump(got);
  runner->abandon(1);
  got = collect(*runner, 1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].id == 1);
  CHECK(got[0].abandoned);
  CHECK(runner->running() == std::vector<uint64_t>{2});
  runner->abandon(2);
  got = collect(*runner, 1);
  REQUIRE(got.size() == 1);
  CHECK(got[0].id == 2);
  CHECK(got[0].abandoned);
  CHECK(runner->busy() == 0);
}

TEST_CASE("pipe runner: a line that is not a verdict fails the record it answers") {
  auto runner = make_pipe_runner(pipe_spec(
      "while read -r l; do case \"$l\" in *'\"offset\":1,'*) echo hello ;; *) echo ok ;; esac; done"));
  runner->start(1, record(1), 1);
  runner->start(2, record(2), 1);
  const auto got = collect(*runner, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].id == 1);
  CHECK(got[0].result.error == "protocol");
  CHECK(got[0].result.detail == "not a verdict: hello");
  CHECK(got[1].id == 2);
  CHECK(got[1].result.verdict == Verdict::done);
  runner->close(2000);
}
