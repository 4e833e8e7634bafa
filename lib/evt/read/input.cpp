#include "evt/read/input.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace evt::read {
namespace {

constexpr size_t k_read_chunk = 1 << 20;

// A read of fd would not wait: a pipe, FIFO, socket or terminal with
// bytes, its end or an error ready now.
bool readable_now(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// The size of a regular file, -1 for anything else (a read of which may wait).
int64_t regular_file_size(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? static_cast<int64_t>(st.st_size) : -1;
}

}  // namespace

std::string display_input_name(const std::string& name) {
  return name == "-" ? "<stdin>" : name;
}

std::string read_data_file(const std::string& path, size_t limit_bytes) {
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == EINTR && interrupted()) {
      throw Interrupted();  // Ctrl-C while opening a FIFO
    }
    throw UsageError("cannot open '" + path + "': " + std::strerror(errno));
  }
  // A directory is the wrong kind of argument, as with -f DIR (exit 2).
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    if (fd != STDIN_FILENO) {
      ::close(fd);
    }
    throw UsageError("cannot read --data-file '" + display_input_name(path) + "': it is a directory");
  }
  // read(2), not fread: open() succeeds on a directory and only the read
  // fails, which must not pass for an empty event.
  std::string bytes;
  char buf[65536];
  int error = 0;
  while (bytes.size() <= limit_bytes) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      bytes.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR && !interrupted()) {
      continue;
    }
    error = n < 0 ? errno : 0;
    break;
  }
  if (fd != STDIN_FILENO) {
    ::close(fd);
  }
  if (error == EINTR) {
    throw Interrupted();
  }
  if (error != 0) {
    throw InputError("cannot read --data-file '" + display_input_name(path) + "': " + std::strerror(error));
  }
  if (bytes.size() > limit_bytes) {
    throw InputError("--data-file '" + path + "' is larger than " + std::to_string(limit_bytes) + " bytes");
  }
  // Nothing read (an empty file, a closed or empty stdin) is not a record.
  if (bytes.empty()) {
    throw InputError("--data-file '" + display_input_name(path) + "' is empty: nothing to send",
                     "to send an empty value on purpose, use --data ''");
  }
  return bytes;
}

LineReader::LineReader(std::vector<std::string> inputs, size_t max_line_bytes)
    : m_names(std::move(inputs)), m_max_line(max_line_bytes) {
  bool stdin_used = false;
  for (const auto& name : m_names) {
    if (name == "-") {
      if (stdin_used) {
        throw UsageError("stdin ('-') is given twice as an input");
      }
      stdin_used = true;
      m_fds.push_back(STDIN_FILENO);
      continue;
    }
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      const int e = errno;
      for (int open_fd : m_fds) {
        if (open_fd != STDIN_FILENO) {
          ::close(open_fd);
        }
      }
      if (e == EINTR && interrupted()) {
        throw Interrupted();  // Ctrl-C while opening a FIFO
      }
      throw UsageError("cannot open '" + name + "': " + std::strerror(e));
    }
    m_fds.push_back(fd);
    // open() succeeds on a directory and only read() fails: say so now,
    // as the usage error it is.
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      for (int open_fd : m_fds) {
        if (open_fd != STDIN_FILENO) {
          ::close(open_fd);
        }
      }
      throw UsageError("cannot read '" + name + "': it is a directory",
                       "give files of JSON lines, or - for stdin");
    }
  }
  for (const int fd : m_fds) {
    m_file_size.push_back(regular_file_size(fd));
  }
  m_buffer.resize(k_read_chunk);
}

LineReader::~LineReader() {
  for (int fd : m_fds) {
    if (fd != STDIN_FILENO && fd >= 0) {
      ::close(fd);
    }
  }
}

bool LineReader::fill() {
  if (m_eof) {
    return false;
  }
  // Keep the unread tail at the front; grow only for a line longer than
  // the buffer (up to the line limit plus one byte to notice the excess).
  if (m_begin > 0) {
    std::memmove(m_buffer.data(), m_buffer.data() + m_begin, m_end - m_begin);
    m_end -= m_begin;
    m_begin = 0;
  }
  if (m_buffer.size() - m_end < k_read_chunk / 4) {
    m_buffer.resize(m_buffer.size() * 2);
  }
  if (m_on_wait && m_file_size[m_current] < 0 && !readable_now(m_fds[m_current])) {
    m_on_wait();
  }
  for (;;) {
    const ssize_t n = ::read(m_fds[m_current], m_buffer.data() + m_end, m_buffer.size() - m_end);
    if (n > 0) {
      m_end += static_cast<size_t>(n);
      m_read_bytes += n;
      return true;
    }
    if (n == 0) {
      m_eof = true;
      return false;
    }
    if (errno == EINTR) {
      if (interrupted()) {
        return false;
      }
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // A non-blocking descriptor (stdin shared with a parent that set
      // O_NONBLOCK): wait for bytes, Ctrl-C-aware, then read again.
      pollfd p{m_fds[m_current], POLLIN, 0};
      ::poll(&p, 1, 200);
      if (interrupted()) {
        return false;
      }
      continue;
    }
    throw InputError("cannot read '" + display_input_name(m_names[m_current]) + "': " + std::strerror(errno));
  }
}

void LineReader::next_input() {
  ++m_current;
  m_read_bytes = 0;
  m_line = 0;
  m_eof = false;
  m_begin = m_end = 0;
}

bool LineReader::skip_rest_of_line() {
  for (;;) {
    if (interrupted()) {
      return false;
    }
    const auto* nl = static_cast<const char*>(std::memchr(m_buffer.data() + m_begin, '\n', m_end - m_begin));
    if (nl != nullptr) {
      m_begin = static_cast<size_t>(nl - m_buffer.data()) + 1;
      m_skipping = false;
      return true;
    }
    m_begin = m_end;
    if (!fill()) {
      // The end of this input ends the line too (or SIGINT stopped the read).
      m_skipping = interrupted();
      return !m_skipping;
    }
  }
}

bool LineReader::line_ready() {
  for (;;) {
    if (m_current >= m_fds.size() || interrupted()) {
      return true;  // next() returns false at once
    }
    if (m_skipping) {
      return false;  // the rest of a line over the limit may never end (/dev/zero)
    }
    // A regular file with bytes not read yet: a read never waits (and the
    // buffer need not be searched for every line).
    if (!m_eof && m_file_size[m_current] >= 0 && m_read_bytes < m_file_size[m_current]) {
      return true;
    }
    if (std::memchr(m_buffer.data() + m_begin, '\n', m_end - m_begin) != nullptr ||
        m_end - m_begin > m_max_line) {
      return true;  // a whole line, or one already over the limit
    }
    const bool at_end = m_eof || (m_file_size[m_current] >= 0 && m_read_bytes >= m_file_size[m_current]);
    if (at_end) {
      // The last line of this input without its newline, or the next input.
      if (m_end > m_begin || m_current + 1 >= m_fds.size()) {
        return true;
      }
      return m_file_size[m_current + 1] >= 0 || readable_now(m_fds[m_current + 1]);
    }
    // A pipe or terminal: bytes that are there may be only the start of a
    // line, and next() would wait for its end. Read what is there now and
    // look again.
    if (!readable_now(m_fds[m_current])) {
      return false;
    }
    if (!fill() && !m_eof) {
      return true;  // interrupted, or nothing to read after all: next() decides at once
    }
  }
}

bool LineReader::next(std::string_view& line) {
  m_too_long = false;
  // The rest of a line rejected as too long is read (in bounded memory)
  // only now, so the rejection came as soon as the limit was passed: a
  // line that never ends (/dev/zero) is rejected at once, and Ctrl-C
  // stops the skipping.
  if (m_skipping && !skip_rest_of_line()) {
    return false;
  }
  while (m_current < m_fds.size()) {
    if (interrupted()) {
      return false;
    }
    const char* start = m_buffer.data() + m_begin;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', m_end - m_begin));
    if (nl != nullptr) {
      const auto len = static_cast<size_t>(nl - start);
      ++m_line;
      m_begin += len + 1;
      line = std::string_view(start, std::min(len, m_max_line));
      m_too_long = len > m_max_line;
      return true;
    }
    if (m_end - m_begin > m_max_line) {
      // Too long: keep its first part aside and reject it now; the rest of
      // the line is dropped by the next call.
      ++m_line;
      m_overlong.assign(m_buffer.data() + m_begin, m_max_line);
      m_too_long = true;
      m_begin = m_end;
      m_skipping = true;
      line = m_overlong;
      return true;
    }
    if (fill()) {
      continue;
    }
    if (interrupted()) {
      return false;
    }
    if (m_end > m_begin) {
      // The last line of an input without a final newline.
      ++m_line;
      const size_t len = m_end - m_begin;
      line = std::string_view(m_buffer.data() + m_begin, std::min(len, m_max_line));
      m_too_long = len > m_max_line;
      m_begin = m_end;
      return true;
    }
    if (m_current + 1 >= m_fds.size()) {
      return false;  // m_current stays valid for input_name()
    }
    next_input();
  }
  return false;
}

}  // namespace evt::read
