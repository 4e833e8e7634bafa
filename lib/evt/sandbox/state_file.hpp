#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace evt::sandbox {

// What a running `evt sandbox` tells other evt commands about itself.
struct SandboxState {
  long pid = 0;
  std::string bootstrap;       // the address clients should use
  std::string control_socket;  // Unix socket path for `evt sandbox ctl`
};

// $XDG_RUNTIME_DIR/evt, else $XDG_CACHE_HOME/evt, else ~/.cache/evt.
std::filesystem::path state_dir();

// Creates the state directory (mode 0700) and returns it; throws on failure.
std::filesystem::path ensure_state_dir();

// Where the state file of the running sandbox lives.
std::filesystem::path state_file_path();

// Writes the state file (mode 0600); throws on I/O errors.
void write_state(const SandboxState& state);

// The running sandbox, if the state file names a live process.
std::optional<SandboxState> find_running_sandbox();

// The control socket of the running sandbox when `brokers` is its
// bootstrap address (what evt connects to is that sandbox), else nullopt.
std::optional<std::string> control_socket_for(const std::string& brokers);

// Removes the state file if it still belongs to `pid`.
void remove_state(long pid);

// An exclusive lock (flock) on the state directory's lock file, held by the
// sandbox that publishes the state file for as long as it runs, so a second
// sandbox cannot overwrite (and, when it exits, delete) the first one's state.
class StateLock {
 public:
  // Tries to take the lock without waiting; owns() says whether it did.
  StateLock();
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

  bool owns() const { return m_fd >= 0; }

 private:
  int m_fd = -1;
};

}  // namespace evt::sandbox
