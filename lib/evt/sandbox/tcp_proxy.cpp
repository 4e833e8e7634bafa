#include "evt/sandbox/tcp_proxy.hpp"

#include "evt/error.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <list>
#include <memory>
#include <mutex>
#include <system_error>
#include <vector>

namespace evt::sandbox {
namespace {

int bind_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

int connect_to(const std::string& host, int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL, 0);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Writes all of `data` to a non-blocking socket, waiting for room in short
// polls so that a peer that stops reading cannot hang the proxy's shutdown.
bool write_all(int fd, const char* data, size_t size, const std::atomic<bool>& stop) {
  while (size > 0) {
    const ssize_t w = ::send(fd, data, size, MSG_NOSIGNAL);
    if (w > 0) {
      data += w;
      size -= static_cast<size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (stop) {
        return false;
      }
      pollfd pfd{fd, POLLOUT, 0};
      ::poll(&pfd, 1, 200);
      continue;
    }
    return false;
  }
  return true;
}

// Copies bytes both ways until either side closes or the proxy stops.
// Both sockets are non-blocking: every read and write returns promptly, so
// the 200 ms poll bounds how long a stop takes.
void pump(int a, int b, const std::atomic<bool>& stop) {
  set_nonblocking(a);
  set_nonblocking(b);
  std::array<char, 65536> buf{};
  bool closed = false;
  while (!stop && !closed) {
    std::array<pollfd, 2> fds{{{a, POLLIN, 0}, {b, POLLIN, 0}}};
    const int n = ::poll(fds.data(), fds.size(), 200);
    if (n < 0 && errno != EINTR) {
      break;
    }
    if (n <= 0) {
      continue;  // timeout or EINTR: revents are not meaningful
    }
    for (size_t i = 0; i < 2 && !closed; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t got = ::recv(fds[i].fd, buf.data(), buf.size(), 0);
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        continue;
      }
      closed = got <= 0 || !write_all(fds[1 - i].fd, buf.data(), static_cast<size_t>(got), stop);
    }
  }
  ::close(a);
  ::close(b);
}

}  // namespace

bool port_is_free(int port) {
  const int fd = bind_loopback(port);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

TcpProxy::TcpProxy(int port, std::string target_host, int target_port)
    : m_target_host(std::move(target_host)), m_target_port(target_port) {
  m_listen_fd = bind_loopback(port);
  if (m_listen_fd < 0) {
    throw UsageError("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno),
                     "choose another --port, or --port 0 for any free port");
  }
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  ::getsockname(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  m_port = ntohs(addr.sin_port);
  m_thread = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  m_stop = true;
  if (m_thread.joinable()) {
    m_thread.join();
  }
  ::close(m_listen_fd);
}

void TcpProxy::accept_loop() {
  // One thread per connection; finished ones are joined as we go so a
  // long-lived sandbox does not collect a thread per client it ever served.
  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Connection> connections;
  const auto reap = [&connections] {
    for (auto it = connections.begin(); it != connections.end();) {
      if (*it->done) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  };
  while (!m_stop) {
    reap();
    pollfd pfd{m_listen_fd, POLLIN, 0};
    if (::poll(&pfd, 1, 200) <= 0) {
      continue;
    }
    const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      continue;
    }
    const int upstream = connect_to(m_target_host, m_target_port);
    if (upstream < 0) {
      ::close(client);  // the broker is down: the client sees a disconnect
      continue;
    }
    auto done = std::make_shared<std::atomic<bool>>(false);
    try {
      std::thread t([client, upstream, done, this] {
        pump(client, upstream, m_stop);
        *done = true;
      });
      connections.push_back({std::move(t), done});
    } catch (const std::system_error&) {
      // No thread for it (resource limits): refuse this one connection.
      ::close(client);
      ::close(upstream);
    }
  }
  for (auto& c : connections) {
    c.thread.join();
  }
}

}  // namespace evt::sandbox
