#include "evt/output/sink.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace evt::output {

namespace {
constexpr size_t k_flush_threshold = 1 << 16;
}

Sink::Sink(FILE* file) : Sink(file, std::string()) {}

Sink::Sink(FILE* file, std::string name)
    : m_file(file), m_name(std::move(name)), m_tty(::isatty(::fileno(file)) == 1) {
  m_buffer.reserve(k_flush_threshold * 2);
}

std::unique_ptr<Sink> Sink::open_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) {
    if (errno == EINTR && interrupted()) {
      throw Interrupted();  // Ctrl-C while opening a FIFO
    }
    throw UsageError("cannot write '" + path + "': " + std::strerror(errno));
  }
  return std::unique_ptr<Sink>(new Sink(f, path));
}

Sink::~Sink() {
  // The normal path ends with close(); data left here means another error
  // is unwinding, and that one is the error to report.
  try {
    flush();
  } catch (...) {
  }
  if (!m_name.empty() && m_file != nullptr) {
    std::fclose(m_file);
  }
}

void Sink::close() {
  flush();
  if (!m_name.empty() && m_file != nullptr) {
    FILE* f = m_file;
    m_file = nullptr;
    // fclose reports what the file system only says at the end (NFS, quotas).
    if (std::fclose(f) != 0) {
      fail(errno);
    }
  }
}

void Sink::fail(int error) {
  m_buffer.clear();
  throw RuntimeError("cannot write " + (m_name.empty() ? std::string("output") : "'" + m_name + "'") + ": " +
                     std::strerror(error));
}

void Sink::write(std::string_view bytes) {
  m_buffer.append(bytes);
  if (m_buffer.size() >= k_flush_threshold) {
    flush();
  }
}

void Sink::flush() {
  if (m_file == nullptr) {
    if (m_buffer.empty()) {
      return;
    }
    fail(EBADF);  // written after close()
  }
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
      if (errno == EPIPE) {
        m_buffer.clear();
        throw BrokenPipe();
      }
      fail(errno);
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

}  // namespace evt::output
