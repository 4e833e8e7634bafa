#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace evt {
class Error;
}

namespace evt::sandbox {

// Answers one command line; throws evt::Error for a bad command.
using CommandHandler = std::function<std::string(std::string_view command)>;

// A Unix-socket server: each connection sends one line and gets one line
// back, "ok <text>" or "error <exit code> <message>".
class ControlServer {
 public:
  ControlServer(std::string socket_path, CommandHandler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  const std::string& path() const { return m_path; }

 private:
  void serve();
  std::string m_path;
  CommandHandler m_handler;
  int m_fd = -1;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

// Sends one command to a sandbox's control socket and returns the text of an
// "ok" answer; throws the evt error of the sandbox's exit code otherwise.
std::string send_control_command(const std::string& socket_path, const std::string& command, int timeout_ms);

// The "<exit code> <message>" of an "error" answer for `e`: usage 2, input 4,
// everything else 3 (the codes the wire carries).
std::string encode_control_error(const Error& e);

// Throws the error an "error" answer describes ("<exit code> <message>"),
// through a checked table of wire codes (2 UsageError, 3 BrokerError, 4
// InputError); any other code is a RuntimeError that names it.
[[noreturn]] void throw_control_error(std::string_view code_and_message);

// Asks a sandbox to create a topic with `partitions` partitions (the mock
// cluster has no CreateTopics); throws like send_control_command.
void create_topic_via_control(const std::string& socket_path, const std::string& topic, int partitions,
                              int timeout_ms);

}  // namespace evt::sandbox
