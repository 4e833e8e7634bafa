#pragma once
// One handler process: started without a shell (posix_spawnp) in its own
// process group, stdin fed from a buffer through a non-blocking pipe, stderr
// (and optionally stdout) read back, its end noticed through a pidfd. The
// caller multiplexes many of them with poll(2); nothing here blocks.
// The process must ignore SIGPIPE (evt's install_signal_handlers does), so
// a handler that closes its stdin early is an EPIPE, not the end of evt.

#include <poll.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// How a handler process ended.
struct ProcessEnd {
  bool exited = false;  // normal exit: exit_code is set
  int exit_code = -1;
  int signal = 0;          // killed by this signal (exited == false)
  bool timed_out = false;  // killed by evt because it ran past its timeout
};

// What a ChildProcess needs to start.
struct ChildSpec {
  std::vector<std::string> argv;    // argv[0] is looked up in PATH
  std::vector<std::string> env;     // "NAME=value" entries, the whole environment
  bool capture_stdout = false;      // false: the child writes to evt's stdout
  size_t stderr_tail_limit = 2048;  // bytes of stderr kept (the last ones)
  // Receives every stderr chunk as it arrives (may be null).
  std::function<void(std::string_view)> on_stderr;
};

// A started handler process. Not copyable; the destructor kills the
// process group if it is still running and reaps it.
class ChildProcess {
 public:
  // Starts the process. Throws UsageError when the command cannot be found
  // or executed, RuntimeError for other failures (pipes, fork).
  explicit ChildProcess(const ChildSpec& spec);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Queues bytes for the child's stdin and writes what the pipe takes.
  void write_stdin(std::string_view bytes);
  // Queues bytes for the child's stdin; written by the next pump() (many
  // small lines become one write).
  void queue_stdin(std::string_view bytes);
  // Closes stdin once everything queued is written (EOF for the child).
  void close_stdin_when_written();

  // Appends the file descriptors to wait on (with their events).
  void add_poll_fds(std::vector<pollfd>& fds) const;
  // Does all the non-blocking work that is possible now: writes stdin,
  // reads stdout/stderr, reaps the process. Call after poll(2) returns (or
  // periodically); cheap when nothing is ready.
  void pump();

  // Sends SIGTERM to the process group and SIGKILL `grace_ms` later (pump()
  // does that); the end is then reported with timed_out = true.
  void terminate(int grace_ms, bool timed_out);

  // True once the process has been reaped.
  bool finished() const noexcept { return m_finished; }
  const ProcessEnd& end() const noexcept { return m_end; }
  pid_t pid() const noexcept { return m_pid; }
  // The last stderr_tail_limit bytes of stderr.
  const std::string& stderr_tail() const noexcept { return m_stderr_tail; }
  // Stdout read so far (capture_stdout only); the caller consumes it.
  std::string& stdout_buffer() noexcept { return m_stdout; }
  // True when stdout reached EOF (capture_stdout only).
  bool stdout_closed() const noexcept { return m_stdout_fd < 0; }

 private:
  void write_pending();
  void read_stdout();
  void read_stderr();
  void reap(bool block);
  void close_fd(int& fd);

  pid_t m_pid = -1;
  int m_stdin_fd = -1;
  int m_stdout_fd = -1;
  int m_stderr_fd = -1;
  int m_pidfd = -1;
  std::string m_stdin_pending;
  size_t m_stdin_written = 0;
  bool m_close_stdin = false;
  std::string m_stdout;
  std::string m_stderr_tail;
  size_t m_stderr_tail_limit;
  std::function<void(std::string_view)> m_on_stderr;
  bool m_finished = false;
  ProcessEnd m_end;
  bool m_timed_out = false;
  int64_t m_kill_at_ms = -1;  // monotonic ms for SIGKILL after SIGTERM
};

// Monotonic clock in milliseconds (for deadlines).
int64_t monotonic_ms();

}  // namespace evt::consume
