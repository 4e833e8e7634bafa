#include "evt/consume/child_process.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace evt::consume;

namespace {

// evt ignores SIGPIPE (install_signal_handlers); ChildProcess relies on it
// when a handler closes its stdin early.
const bool k_sigpipe_ignored = [] {
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}();

// Drives a child to its end with poll(2), as the engine does.
void run_to_end(ChildProcess& c, int64_t timeout_ms = -1) {
  const int64_t deadline = timeout_ms < 0 ? -1 : monotonic_ms() + timeout_ms;
  while (!c.finished()) {
    std::vector<pollfd> fds;
    c.add_poll_fds(fds);
    ::poll(fds.data(), fds.size(), 20);
    c.pump();
    if (deadline >= 0 && monotonic_ms() >= deadline) {
      c.terminate(200, true);
    }
  }
}

ChildSpec sh(const std::string& script) {
  ChildSpec s;
  s.argv = {"/bin/sh", "-c", script};
  s.env = {"PATH=/usr/bin:/bin", "X=42"};
  s.capture_stdout = true;
  return s;
}

}  // namespace

TEST_CASE("child: stdin in, stdout and stderr out, exit status, the given environment only") {
  ChildProcess c(sh("cat; echo \"x=$X home=${HOME:-none}\"; echo oops >&2; exit 3"));
  c.write_stdin("hello ");
  c.write_stdin("world\n");
  c.close_stdin_when_written();
  run_to_end(c);
  CHECK(c.end().exited);
  CHECK(c.end().exit_code == 3);
  CHECK_FALSE(c.end().timed_out);
  CHECK(c.stdout_buffer() == "hello world\nx=42 home=none\n");
  CHECK(c.stderr_tail() == "oops\n");
}

TEST_CASE("child: a big value goes through a non-blocking pipe; stderr keeps only its tail") {
  ChildSpec s = sh("wc -c; head -c 5000 /dev/zero | tr '\\0' e >&2; printf END >&2");
  s.stderr_tail_limit = 100;
  std::string seen;
  s.on_stderr = [&](std::string_view chunk) { seen.append(chunk); };
  ChildProcess c(s);
  c.write_stdin(std::string(1 << 20, 'v'));
  c.close_stdin_when_written();
  run_to_end(c);
  CHECK(c.end().exit_code == 0);
  CHECK(c.stdout_buffer() == "1048576\n");
  CHECK(c.stderr_tail().size() == 100);
  CHECK(c.stderr_tail().ends_with("eeeEND"));
  CHECK(seen.size() == 5003);
}

TEST_CASE("child: a handler that does not read stdin is not an error") {
  ChildProcess c(sh("exit 0"));
  c.write_stdin(std::string(1 << 20, 'v'));
  c.close_stdin_when_written();
  run_to_end(c);
  CHECK(c.end().exited);
  CHECK(c.end().exit_code == 0);
}

TEST_CASE("child: a timeout kills the whole process group, even one ignoring SIGTERM") {
  // The shell ignores TERM and waits on a grandchild that would keep the
  // pipes open: the group kill ends both.
  ChildProcess c(sh("trap '' TERM; sleep 30 & wait; exit 0"));
  c.close_stdin_when_written();
  const auto start = monotonic_ms();
  run_to_end(c, 100);
  CHECK(c.end().timed_out);
  CHECK_FALSE(c.end().exited);
  CHECK(c.end().signal == SIGKILL);
  CHECK(monotonic_ms() - start < 10000);
}

TEST_CASE("child: a signal is reported; an unknown program is a usage error") {
  ChildProcess c(sh("kill -SEGV $$"));
  c.close_stdin_when_written();
  run_to_end(c);
  CHECK_FALSE(c.end().exited);
  CHECK(c.end().signal == SIGSEGV);
  ChildSpec missing;
  missing.argv = {"evt-no-such-handler-anywhere"};
  CHECK_THROWS_AS(ChildProcess{missing}, evt::UsageError);
}
