#include "evt/sandbox/state_file.hpp"

#include "evt/error.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>

namespace evt::sandbox {

namespace fs = std::filesystem;

fs::path state_dir() {
  if (const char* dir = std::getenv("XDG_RUNTIME_DIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "evt";
  }
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "evt";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/tmp") / ".cache" / "evt";
}

fs::path state_file_path() {
  return state_dir() / "sandbox.json";
}

fs::path ensure_state_dir() {
  std::error_code ec;
  const auto dir = state_dir();
  fs::create_directories(dir, ec);
  if (ec) {
    throw RuntimeError("cannot create " + dir.string() + ": " + ec.message());
  }
  fs::permissions(dir, fs::perms::owner_all, ec);
  return dir;
}

void write_state(const SandboxState& state) {
  ensure_state_dir();
  std::error_code ec;
  const auto path = state_file_path();
  // Per-process temporary name: two sandboxes starting at once never write
  // into the same file.
  const auto tmp = path.string() + ".tmp." + std::to_string(state.pid);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << nlohmann::json{{"pid", state.pid},
                          {"bootstrap", state.bootstrap},
                          {"control_socket", state.control_socket}}
               .dump()
        << "\n";
    if (!out) {
      throw RuntimeError("cannot write " + tmp);
    }
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, ec);
  fs::rename(tmp, path, ec);  // atomic: readers never see half a file
  if (ec) {
    throw RuntimeError("cannot write " + path.string() + ": " + ec.message());
  }
}

std::optional<SandboxState> find_running_sandbox() {
  std::ifstream in(state_file_path());
  if (!in) {
    return std::nullopt;
  }
  try {
    const auto j = nlohmann::json::parse(in);
    SandboxState state{j.at("pid").get<long>(), j.at("bootstrap").get<std::string>(),
                       j.value("control_socket", std::string())};
    // A stale file from a sandbox that was killed names a dead process.
    if (state.pid <= 0 || (::kill(static_cast<pid_t>(state.pid), 0) != 0 && errno == ESRCH)) {
      return std::nullopt;
    }
    return state;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<std::string> control_socket_for(const std::string& brokers) {
  const auto running = find_running_sandbox();
  if (running && running->bootstrap == brokers && !running->control_socket.empty()) {
    return running->control_socket;
  }
  return std::nullopt;
}

void remove_state(long pid) {
  std::ifstream in(state_file_path());
  if (!in) {
    return;
  }
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.value("pid", 0L) == pid) {
      std::error_code ec;
      fs::remove(state_file_path(), ec);
    }
  } catch (const nlohmann::json::exception&) {
  }
}

StateLock::StateLock() {
  const auto path = ensure_state_dir() / "sandbox.lock";
  m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

StateLock::~StateLock() {
  if (m_fd >= 0) {
    ::close(m_fd);  // releases the lock
  }
}

}  // namespace evt::sandbox
