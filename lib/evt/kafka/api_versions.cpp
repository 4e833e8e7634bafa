#include "evt/kafka/api_versions.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>

namespace evt::kafka {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));  // short slices for Ctrl-C
}

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    if (interrupted()) {
      throw Interrupted();
    }
    const int ms = remaining_ms(deadline);
    if (ms == 0) {
      return false;
    }
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, ms);
    if (n > 0) {
      return (p.revents & (POLLERR | POLLNVAL)) == 0 || (p.revents & events) != 0;
    }
    if (n < 0 && errno != EINTR) {
      return false;
    }
  }
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) {
      ::close(fd);
    }
  }
};

std::optional<int> connect_to(const std::string& host, const std::string& port, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, &::freeaddrinfo);
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) {
      continue;
    }
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ||
        (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline))) {
      int err = 0;
      socklen_t len = sizeof err;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        return fd;
      }
    }
    ::close(fd);
  }
  return std::nullopt;
}

void put16(std::string& out, int v) {
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}

void put32(std::string& out, int32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((v >> shift) & 0xff);
  }
}

int32_t get32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) {
    v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  }
  return static_cast<int32_t>(v);
}

int16_t get16(const std::string& s, size_t at) {
  return static_cast<int16_t>((static_cast<unsigned char>(s[at]) << 8) |
                              static_cast<unsigned char>(s[at + 1]));
}

}  // namespace

std::optional<std::vector<int16_t>> parse_api_versions_v0(const std::string& body, int32_t correlation_id) {
  // correlation_id int32, error_code int16, [api_key int16, min int16, max int16]
  if (body.size() < 10 || get32(body, 0) != correlation_id || get16(body, 4) != 0) {
    return std::nullopt;
  }
  const int32_t count = get32(body, 6);
  if (count < 0 || body.size() < 10 + static_cast<size_t>(count) * 6) {
    return std::nullopt;
  }
  std::vector<int16_t> keys;
  keys.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    keys.push_back(get16(body, 10 + static_cast<size_t>(i) * 6));
  }
  return keys;
}

std::optional<std::vector<int16_t>> broker_api_keys(const std::string& brokers, int timeout_ms) {
  std::string first = brokers.substr(0, brokers.find(','));
  if (const auto scheme = first.find("://"); scheme != std::string::npos) {
    first.erase(0, scheme + 3);  // PLAINTEXT://host:port
  }
  const auto colon = first.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return std::nullopt;
  }
  std::string host = first.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:9092
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const auto fd = connect_to(host, first.substr(colon + 1), deadline);
  if (!fd) {
    return std::nullopt;
  }
  Fd guard{*fd};
  constexpr int32_t k_correlation = 0x65767401;
  std::string request;
  put16(request, 18);  // ApiVersions
  put16(request, 0);   // version 0
  put32(request, k_correlation);
  put16(request, 3);
  request += "evt";
  std::string framed;
  put32(framed, static_cast<int32_t>(request.size()));
  framed += request;
  for (size_t sent = 0; sent < framed.size();) {
    if (!wait_for(guard.fd, POLLOUT, deadline)) {
      return std::nullopt;
    }
    const ssize_t n = ::send(guard.fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      continue;
    }
    if (n <= 0) {
      return std::nullopt;
    }
    sent += static_cast<size_t>(n);
  }
  // A bounded read: the response is small (a few hundred bytes).
  std::string response;
  size_t expected = 4;
  char buf[4096];
  while (response.size() < expected) {
    if (!wait_for(guard.fd, POLLIN, deadline)) {
      return std::nullopt;
    }
    const ssize_t n = ::recv(guard.fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      continue;
    }
    if (n <= 0) {
      return std::nullopt;
    }
    response.append(buf, static_cast<size_t>(n));
    if (expected == 4 && response.size() >= 4) {
      const int32_t size = get32(response, 0);
      if (size < 10 || size > (1 << 20)) {
        return std::nullopt;
      }
      expected = 4 + static_cast<size_t>(size);
    }
  }
  return parse_api_versions_v0(response.substr(4, expected - 4), k_correlation);
}

}  // namespace evt::kafka
