#include "evt/sandbox/tcp_proxy.hpp"

#include "evt/error.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
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

// Copies bytes both ways until either side closes or the proxy stops.
void pump(int a, int b, const std::atomic<bool>& stop) {
  std::array<char, 65536> buf{};
  std::array<pollfd, 2> fds{{{a, POLLIN, 0}, {b, POLLIN, 0}}};
  while (!stop) {
    const int n = ::poll(fds.data(), fds.size(), 200);
    if (n < 0 && errno != EINTR) {
      break;
    }
    bool closed = false;
    for (size_t i = 0; i < 2 && !closed; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
        continue;
      }
      const ssize_t got = ::read(fds[i].fd, buf.data(), buf.size());
      if (got <= 0) {
        closed = true;
        break;
      }
      const int out = fds[1 - i].fd;
      for (ssize_t sent = 0; sent < got;) {
        const ssize_t w = ::write(out, buf.data() + sent, static_cast<size_t>(got - sent));
        if (w <= 0) {
          closed = true;
          break;
        }
        sent += w;
      }
    }
    if (closed) {
      break;
    }
  }
  ::close(a);
  ::close(b);
}

} // namespace

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
    throw UsageError("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                         std::strerror(errno),
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
  std::list<std::thread> connections;
  while (!m_stop) {
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
    connections.emplace_back([client, upstream, this] { pump(client, upstream, m_stop); });
  }
  for (auto& t : connections) {
    t.join();
  }
}

} // namespace evt::sandbox
