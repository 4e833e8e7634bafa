#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

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
// "ok" answer; throws evt::Error carrying the sandbox's exit code otherwise.
std::string send_control_command(const std::string& socket_path, const std::string& command,
                                 int timeout_ms);

// Asks a sandbox to create a topic with `partitions` partitions (the mock
// cluster has no CreateTopics); throws like send_control_command.
void create_topic_via_control(const std::string& socket_path, const std::string& topic, int partitions,
                              int timeout_ms);

} // namespace evt::sandbox
