#include "evt/sandbox/control_channel.hpp"

#include "evt/error.hpp"
#include "evt/output/duration.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace evt::sandbox {
namespace {

sockaddr_un make_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    throw RuntimeError("control socket path too long: " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// Reads until newline, EOF, 64 KiB or the deadline: a client that connects
// and never finishes its line cannot hold the (single) server thread for
// longer than `timeout_ms` in all.
std::string read_line(int fd, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string line;
  std::array<char, 512> buf{};
  while (line.size() < 65536) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      break;
    }
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left));
    if (ready < 0 && errno == EINTR && !interrupted()) {
      continue;  // Ctrl-C (interrupted()) ends the wait instead
    }
    if (ready <= 0) {
      break;
    }
    // Peek first so nothing after the newline is consumed.
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), MSG_PEEK);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    const auto* nl = static_cast<const char*>(std::memchr(buf.data(), '\n', static_cast<size_t>(n)));
    const size_t take = nl != nullptr ? static_cast<size_t>(nl - buf.data()) + 1 : static_cast<size_t>(n);
    if (::recv(fd, buf.data(), take, 0) != static_cast<ssize_t>(take)) {
      break;
    }
    line.append(buf.data(), nl != nullptr ? take - 1 : take);
    if (nl != nullptr) {
      break;
    }
  }
  return line;
}

// The exit codes an "error" answer may carry. A code read from a socket is
// untrusted: it must not become an arbitrary process exit status (1 would
// read as "the answer is no", 130 as Ctrl-C).
struct WireCode {
  std::string_view text;
  ExitCode code;
};
constexpr std::array<WireCode, 3> k_wire_codes{{
    {"2", ExitCode::usage},
    {"3", ExitCode::runtime},
    {"4", ExitCode::bad_input},
}};

void write_all(int fd, const std::string& data) {
  for (size_t sent = 0; sent < data.size();) {
    const ssize_t w = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (w <= 0) {
      return;
    }
    sent += static_cast<size_t>(w);
  }
}

}  // namespace

ControlServer::ControlServer(std::string socket_path, CommandHandler handler)
    : m_path(std::move(socket_path)), m_handler(std::move(handler)) {
  const auto addr = make_address(m_path);
  ::unlink(m_path.c_str());
  m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(m_fd, 8) != 0) {
    throw RuntimeError("cannot create control socket " + m_path + ": " + std::strerror(errno));
  }
  ::chmod(m_path.c_str(), 0600);
  m_thread = std::thread([this] { serve(); });
}

ControlServer::~ControlServer() {
  m_stop = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
  ::close(m_fd);
  ::unlink(m_path.c_str());
}

void ControlServer::serve() {
  while (!m_stop) {
    pollfd pfd{m_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 200) <= 0) {
      continue;
    }
    const int client = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      continue;
    }
    const std::string command = read_line(client, 2000);
    std::string answer;
    try {
      answer = "ok " + m_handler(command);
    } catch (const Error& e) {
      answer = "error " + encode_control_error(e);
    } catch (const std::exception& e) {
      answer = std::string("error 3 ") + e.what();
    }
    write_all(client, answer + "\n");
    ::close(client);
  }
}

std::string send_control_command(const std::string& socket_path, const std::string& command, int timeout_ms) {
  const auto addr = make_address(socket_path);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    const std::string reason = std::strerror(e);
    if (fd >= 0) {
      ::close(fd);
    }
    // A path that names nothing is a wrong argument; a socket nobody
    // listens on (a sandbox that died) is a runtime condition.
    if (fd >= 0 && (e == ENOENT || e == ENOTDIR)) {
      throw UsageError("no sandbox control socket at " + socket_path + ": " + reason,
                       "check --control, or run `evt sandbox` first");
    }
    throw RuntimeError("cannot reach the sandbox at " + socket_path + ": " + reason,
                       "is `evt sandbox` running?");
  }
  write_all(fd, command + "\n");
  const std::string answer = read_line(fd, timeout_ms);
  ::close(fd);
  if (answer.empty() && interrupted()) {
    throw Interrupted();
  }
  if (answer.starts_with("ok")) {
    return answer.size() > 3 ? answer.substr(3) : std::string();
  }
  if (answer.starts_with("error ")) {
    throw_control_error(std::string_view(answer).substr(6));
  }
  throw RuntimeError("the sandbox did not answer within " +
                     output::format_duration(std::chrono::milliseconds(timeout_ms)));
}

std::string encode_control_error(const Error& e) {
  for (const auto& w : k_wire_codes) {
    if (w.code == e.code()) {
      return std::string(w.text) + " " + e.what();
    }
  }
  return std::string("3 ") + e.what();
}

void throw_control_error(std::string_view code_and_message) {
  const auto space = code_and_message.find(' ');
  const auto code = code_and_message.substr(0, space);
  // Socket text is untrusted: escaped before it can reach a terminal.
  const std::string message = output::terminal_safe(
      space == std::string_view::npos ? std::string_view() : code_and_message.substr(space + 1));
  for (const auto& w : k_wire_codes) {
    if (w.text != code) {
      continue;
    }
    switch (w.code) {
      case ExitCode::usage:
        throw UsageError(message);
      case ExitCode::bad_input:
        throw InputError(message);
      default:
        throw BrokerError(message);  // the sandbox stands in for the broker
    }
  }
  throw RuntimeError("the sandbox answered with an unknown error code '" + output::terminal_safe(code) + "'" +
                     (message.empty() ? std::string() : ": " + message));
}

void create_topic_via_control(const std::string& socket_path, const std::string& topic, int partitions,
                              int timeout_ms) {
  send_control_command(socket_path, "topic " + topic + " " + std::to_string(partitions), timeout_ms);
}

}  // namespace evt::sandbox
