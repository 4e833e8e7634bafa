#include "evt/output/sink.hpp"

#include "evt/error.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace evt::output {

namespace {
constexpr size_t k_flush_threshold = 1 << 16;
}

Sink::Sink(FILE* file) : m_file(file), m_tty(::isatty(::fileno(file)) == 1) {
  m_buffer.reserve(k_flush_threshold * 2);
}

Sink::~Sink() {
  try {
    flush();
  } catch (...) {
    // A broken pipe at exit is not worth reporting.
  }
}

void Sink::write(std::string_view bytes) {
  m_buffer.append(bytes);
  if (m_buffer.size() >= k_flush_threshold) {
    flush();
  }
}

void Sink::flush() {
  // write(2) directly: one system call per batch, and EPIPE is visible.
  const int fd = ::fileno(m_file);
  std::fflush(m_file);
  size_t done = 0;
  while (done < m_buffer.size()) {
    const ssize_t n = ::write(fd, m_buffer.data() + done, m_buffer.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        // stdout inherited in non-blocking mode: wait for room, not an error.
        pollfd pfd{fd, POLLOUT, 0};
        ::poll(&pfd, 1, 1000);
        continue;
      }
      m_buffer.clear();
      if (errno == EPIPE) {
        throw BrokenPipe();
      }
      throw Error(ExitCode::runtime, std::string("cannot write output: ") + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  m_buffer.clear();
}

bool use_color(std::string_view mode, FILE* file) {
  const auto chosen = k_color_modes.find(mode).value_or(ColorMode::auto_detect);
  if (chosen != ColorMode::auto_detect) {
    return chosen == ColorMode::always;
  }
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') {
    return false;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) {
    return false;
  }
  return ::isatty(::fileno(file)) == 1;
}

} // namespace evt::output
