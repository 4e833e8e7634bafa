#include "evt/consume/child_process.hpp"

#include "evt/error.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace evt::consume {
namespace {

std::string errno_text(int err) {
  return std::strerror(err);
}

// A pipe whose ends are close-on-exec; the child gets its end through
// dup2 (which clears the flag on the copy).
void make_pipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw RuntimeError("cannot create a pipe for the handler: " + errno_text(errno));
  }
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Owns the spawn attribute objects for the duration of one spawn.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attr{};
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

int64_t monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

ChildProcess::ChildProcess(const ChildSpec& spec)
    : m_stderr_tail_limit(spec.stderr_tail_limit), m_on_stderr(spec.on_stderr) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    throw UsageError("the handler command is empty");
  }
  int in[2] = {-1, -1};
  int err[2] = {-1, -1};
  int out[2] = {-1, -1};
  make_pipe(in);
  m_stdin_fd = in[1];
  make_pipe(err);
  m_stderr_fd = err[0];
  if (spec.capture_stdout) {
    make_pipe(out);
    m_stdout_fd = out[0];
  }
  SpawnSetup s;
  posix_spawn_file_actions_adddup2(&s.actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&s.actions, err[1], STDERR_FILENO);
  if (spec.capture_stdout) {
    posix_spawn_file_actions_adddup2(&s.actions, out[1], STDOUT_FILENO);
  }
  // Broker sockets and other descriptors of evt stay out of the handler.
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  // Its own process group, so a timeout can kill everything it started and
  // a Ctrl-C on the terminal reaches evt, which then lets it finish.
  sigset_t defaults;
  sigemptyset(&defaults);
  // evt ignores SIGPIPE; ignored signals survive exec, so restore them.
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGCHLD);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setsigmask(&s.attr, &empty);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv;
  for (const auto& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : spec.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  const int rc = ::posix_spawnp(&m_pid, argv[0], &s.actions, &s.attr, argv.data(), envp.data());
  ::close(in[0]);
  ::close(err[1]);
  if (out[1] >= 0) {
    ::close(out[1]);
  }
  if (rc != 0) {
    m_pid = -1;
    close_fd(m_stdin_fd);
    close_fd(m_stderr_fd);
    close_fd(m_stdout_fd);
    m_finished = true;
    if (rc == ENOENT || rc == EACCES || rc == ENOEXEC || rc == ENOTDIR) {
      throw UsageError("cannot run the handler '" + spec.argv[0] + "': " + errno_text(rc),
                       "give a program on PATH or a path to an executable; --shell runs CMD with sh -c");
    }
    throw RuntimeError("cannot start the handler '" + spec.argv[0] + "': " + errno_text(rc));
  }
  set_nonblocking(m_stdin_fd);
  set_nonblocking(m_stderr_fd);
  if (m_stdout_fd >= 0) {
    set_nonblocking(m_stdout_fd);
  }
  m_pidfd = pidfd_open(m_pid);
}

ChildProcess::~ChildProcess() {
  if (!m_finished && m_pid > 0) {
    ::kill(-m_pid, SIGKILL);
    reap(true);
  }
  close_fd(m_stdin_fd);
  close_fd(m_stdout_fd);
  close_fd(m_stderr_fd);
  close_fd(m_pidfd);
}

void ChildProcess::close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

void ChildProcess::write_stdin(std::string_view bytes) {
  if (m_stdin_fd >= 0) {
    m_stdin_pending.append(bytes);
    write_pending();
  }
}

void ChildProcess::queue_stdin(std::string_view bytes) {
  if (m_stdin_fd >= 0) {
    m_stdin_pending.append(bytes);
  }
}

void ChildProcess::close_stdin_when_written() {
  m_close_stdin = true;
  write_pending();
}

void ChildProcess::write_pending() {
  while (m_stdin_fd >= 0 && m_stdin_written < m_stdin_pending.size()) {
    const ssize_t n = ::write(m_stdin_fd, m_stdin_pending.data() + m_stdin_written,
                              m_stdin_pending.size() - m_stdin_written);
    if (n > 0) {
      m_stdin_written += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      // EPIPE: the handler does not read its stdin; that is its business.
      close_fd(m_stdin_fd);
      break;
    }
  }
  if (m_stdin_written > 65536 && m_stdin_written * 2 > m_stdin_pending.size()) {
    // A handler kept busy never drains the buffer whole: drop what is written.
    m_stdin_pending.erase(0, m_stdin_written);
    m_stdin_written = 0;
  }
  if (m_stdin_written == m_stdin_pending.size()) {
    m_stdin_pending.clear();
    m_stdin_written = 0;
    if (m_close_stdin) {
      close_fd(m_stdin_fd);
    }
  }
}

void ChildProcess::read_stdout() {
  char buf[65536];
  while (m_stdout_fd >= 0) {
    const ssize_t n = ::read(m_stdout_fd, buf, sizeof buf);
    if (n > 0) {
      m_stdout.append(buf, static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      close_fd(m_stdout_fd);
    }
  }
}

void ChildProcess::read_stderr() {
  char buf[16384];
  while (m_stderr_fd >= 0) {
    const ssize_t n = ::read(m_stderr_fd, buf, sizeof buf);
    if (n > 0) {
      const std::string_view chunk(buf, static_cast<size_t>(n));
      if (m_on_stderr) {
        m_on_stderr(chunk);
      }
      m_stderr_tail.append(chunk);
      if (m_stderr_tail.size() > m_stderr_tail_limit) {
        m_stderr_tail.erase(0, m_stderr_tail.size() - m_stderr_tail_limit);
      }
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      return;
    } else {
      close_fd(m_stderr_fd);
    }
  }
}

void ChildProcess::reap(bool block) {
  if (m_finished || m_pid <= 0) {
    return;
  }
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(m_pid, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != m_pid) {
    return;
  }
  m_finished = true;
  m_end.timed_out = m_timed_out;
  if (WIFEXITED(status)) {
    m_end.exited = true;
    m_end.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    m_end.signal = WTERMSIG(status);
  }
  // Whatever it wrote before it ended is read now; a grandchild that keeps
  // the pipes open does not hold the record up.
  read_stderr();
  read_stdout();
  close_fd(m_stdin_fd);
  close_fd(m_stderr_fd);
  close_fd(m_pidfd);
}

void ChildProcess::add_poll_fds(std::vector<pollfd>& fds) const {
  if (m_finished) {
    return;
  }
  if (m_stdin_fd >= 0 && !m_stdin_pending.empty()) {
    fds.push_back({m_stdin_fd, POLLOUT, 0});
  }
  if (m_stdout_fd >= 0) {
    fds.push_back({m_stdout_fd, POLLIN, 0});
  }
  if (m_stderr_fd >= 0) {
    fds.push_back({m_stderr_fd, POLLIN, 0});
  }
  if (m_pidfd >= 0) {
    fds.push_back({m_pidfd, POLLIN, 0});
  }
}

void ChildProcess::pump() {
  if (m_finished) {
    read_stdout();  // a crashed pipe handler's last lines
    return;
  }
  write_pending();
  read_stdout();
  read_stderr();
  reap(false);
  if (!m_finished && m_kill_at_ms >= 0 && monotonic_ms() >= m_kill_at_ms) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    m_kill_at_ms = -1;
    reap(true);
  }
}

void ChildProcess::terminate(int grace_ms, bool timed_out) {
  if (m_finished || m_pid <= 0) {
    return;
  }
  m_timed_out = m_timed_out || timed_out;
  if (m_kill_at_ms < 0) {
    ::kill(-m_pid, SIGTERM);
    m_kill_at_ms = monotonic_ms() + grace_ms;
  }
}

}  // namespace evt::consume
