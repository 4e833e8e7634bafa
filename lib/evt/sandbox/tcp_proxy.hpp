#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace evt::sandbox {

// Forwards every connection made to 127.0.0.1:port to a target address.
// It gives the sandbox a predictable bootstrap port although the mock
// brokers listen on ephemeral ones.
class TcpProxy {
 public:
  // Binds the port (throws evt::Error if it is taken); port 0 picks one.
  TcpProxy(int port, std::string target_host, int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return m_port; }

 private:
  void accept_loop();
  int m_listen_fd = -1;
  int m_port = 0;
  std::string m_target_host;
  int m_target_port = 0;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
};

// True when nothing listens on 127.0.0.1:port and it can be bound.
bool port_is_free(int port);

}  // namespace evt::sandbox
