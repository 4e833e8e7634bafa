#include "evt/signals.hpp"

#include "evt/error.hpp"

#include <unistd.h>

#include <csignal>
#include <cstddef>
#include <cstring>

namespace evt {
namespace {
volatile std::sig_atomic_t g_signal = 0;
volatile std::sig_atomic_t g_exit_now = 0;  // ExitOnInterrupt nesting depth
const char* g_exit_line = "";
std::size_t g_exit_line_size = 0;

extern "C" void on_signal(int sig) {
  g_signal = sig;
  if (g_exit_now > 0) {
    // Only async-signal-safe calls here: write(2) and _exit(2).
    const ssize_t ignored = ::write(STDERR_FILENO, g_exit_line, g_exit_line_size);
    (void)ignored;
    ::_exit(static_cast<int>(ExitCode::interrupted));
  }
}
}  // namespace

void install_signal_handlers(const char* exit_line) {
  g_exit_line = exit_line;
  g_exit_line_size = std::strlen(exit_line);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking reads return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool interrupted() {
  return g_signal != 0;
}

int interrupt_signal() {
  return g_signal;
}

ExitOnInterrupt::ExitOnInterrupt() {
  g_exit_now = g_exit_now + 1;
  // A signal that came before the guard was up only set the flag.
  if (g_signal != 0) {
    g_exit_now = g_exit_now - 1;
    throw Interrupted();
  }
}

ExitOnInterrupt::~ExitOnInterrupt() {
  g_exit_now = g_exit_now - 1;
}

}  // namespace evt
