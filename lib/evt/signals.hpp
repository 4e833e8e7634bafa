#pragma once

namespace evt {

// Installs SIGINT/SIGTERM handlers that only set a flag (and ignores
// SIGPIPE so a closed stdout becomes EPIPE). Loops poll interrupted().
// `exit_line` (static storage: a literal) is what the handler writes to
// stderr when an ExitOnInterrupt ends the process; main owns its wording.
void install_signal_handlers(const char* exit_line);

// True once SIGINT or SIGTERM arrived.
bool interrupted();

// The signal that arrived (SIGINT or SIGTERM), or 0.
int interrupt_signal();

// While one is alive, SIGINT/SIGTERM end the process at once with exit 130
// (writing install_signal_handlers' exit line) instead of only setting the flag.
// For blocking read-only calls librdkafka cannot cancel (metadata,
// ListOffsets), where waiting out --timeout would ignore Ctrl-C, and only
// where nothing is buffered, in flight or uncommitted. Throws
// evt::Interrupted when a signal already arrived. Main thread only.
class ExitOnInterrupt {
 public:
  ExitOnInterrupt();
  ~ExitOnInterrupt();
  ExitOnInterrupt(const ExitOnInterrupt&) = delete;
  ExitOnInterrupt& operator=(const ExitOnInterrupt&) = delete;
};

}  // namespace evt
