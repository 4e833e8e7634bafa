#include "evt/consume/metrics.hpp"

#include "evt/error.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace evt::consume {
namespace {

// A label value: backslash, double quote and newline escaped.
std::string label(std::string_view v) {
  std::string out;
  for (const char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string prometheus_text(const ConsumeStats& s, std::string_view group) {
  const std::string labels = "{group=\"" + label(group) + "\"}";
  std::string out;
  auto metric = [&](const char* name, const char* type, const char* help, uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name +
           labels + " " + std::to_string(value) + "\n";
  };
  metric("evt_consume_records_received_total", "counter", "Records read from the topics.", s.received);
  metric("evt_consume_records_handled_total", "counter", "Records handled successfully.", s.done);
  metric("evt_consume_attempts_total", "counter", "Handler runs.", s.attempts);
  metric("evt_consume_retries_total", "counter", "Attempts that were scheduled again.", s.retries);
  metric("evt_consume_dead_lettered_total", "counter", "Records written to the dead-letter topic.",
         s.dead_lettered);
  metric("evt_consume_skipped_total", "counter", "Records given up on with --on-failure skip.", s.skipped);
  metric("evt_consume_deduplicated_total", "counter", "Records not run: their id was handled before.",
         s.deduplicated);
  metric("evt_consume_outputs_published_total", "counter", "Output events acknowledged (--to).", s.published);
  metric("evt_consume_abandoned_total", "counter", "Records left uncommitted at shutdown or revoke.",
         s.abandoned);
  metric("evt_consume_commits_total", "counter", "Offset commits.", s.commits);
  metric("evt_consume_in_flight", "gauge", "Records handed to handlers, outcome not yet known.", s.in_flight);
  metric("evt_consume_queued", "gauge", "Records buffered, waiting or retrying.", s.queued);
  if (s.lag) {
    metric("evt_consume_lag", "gauge", "Records behind the end of the assigned partitions.", *s.lag);
  }
  if (!s.partition_lag.empty()) {
    out +=
        "# HELP evt_consume_partition_lag Records behind the end of an assigned partition.\n"
        "# TYPE evt_consume_partition_lag gauge\n";
    for (const auto& [tp, behind] : s.partition_lag) {
      out += "evt_consume_partition_lag{group=\"" + label(group) + "\",topic=\"" + label(tp.topic) +
             "\",partition=\"" + std::to_string(tp.partition) + "\"} " + std::to_string(behind) + "\n";
    }
  }
  return out;
}

void write_metrics_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  auto fail = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    ::unlink(tmp.c_str());
    throw RuntimeError("--metrics " + path + ": cannot " + what + ": " + reason);
  };
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail("create its temporary file");
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      ::close(fd);
      fail("write");
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    fail("write");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    fail("rename its temporary file");
  }
}

}  // namespace evt::consume
