#include "evt/output/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include <unistd.h>

namespace evt::output {
namespace {

// Carriage return and "erase to end of line": the line is rewritten in place.
constexpr std::string_view k_erase = "\r\033[K";

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string grouped(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  const size_t lead = digits.size() % 3;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && i >= lead && (i - lead) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* k_units[] = {"kB", "MB", "GB", "TB", "PB"};
  if (bytes < 1000) {
    return std::to_string(bytes) + " B";
  }
  double v = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (v >= 999.95 && unit + 1 < std::size(k_units)) {
    v /= 1000;
    ++unit;
  }
  return fixed(v, 1) + " " + k_units[unit];
}

std::string format_eta(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) {
    return "?";
  }
  const auto s = static_cast<uint64_t>(std::llround(seconds));
  char buf[64];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  }
  return buf;
}

std::string render_progress(const ProgressSnapshot& p) {
  // A zero elapsed time would make every rate infinite.
  const double secs = p.seconds > 0 ? p.seconds : 1e-9;
  const double rate = static_cast<double>(p.records) / secs;
  std::string s = p.label + " " + std::to_string(p.records);
  if (p.bytes > 0) {
    s += " (" + format_bytes(p.bytes) + ")";
  }
  if (!p.detail.empty()) {
    s += ", " + p.detail;
  }
  s += " — " + fixed(rate, 0) + " records/s";
  if (p.bytes > 0) {
    s += ", " + format_bytes(static_cast<uint64_t>(static_cast<double>(p.bytes) / secs)) + "/s";
  }
  if (p.total_records && *p.total_records > 0) {
    const uint64_t total = *p.total_records;
    const uint64_t done = std::min(p.records, total);
    s += ", " + std::to_string(done * 100 / total) + "%";
    if (done < total && p.records > 0 && p.seconds > 0) {
      s += ", ETA " + format_eta(static_cast<double>(total - done) / rate);
    }
  }
  return s;
}

bool progress_wanted(bool quiet) {
  return !quiet && isatty(STDERR_FILENO) != 0;
}

Progress::Progress(bool enabled, Writer writer, std::chrono::milliseconds min_interval)
    : m_enabled(enabled && writer), m_writer(std::move(writer)), m_min_interval(min_interval) {}

bool Progress::due(Clock::time_point now) const {
  return m_enabled && (!m_drawn_once || now - m_last >= m_min_interval);
}

bool Progress::show(std::string_view text, Clock::time_point now) {
  if (!due(now)) {
    return false;
  }
  std::string line(k_erase);
  line += "evt: ";
  line += text;
  m_writer(line);
  m_shown = true;
  m_drawn_once = true;
  m_last = now;
  return true;
}

bool Progress::update(const ProgressSnapshot& snapshot, Clock::time_point now) {
  if (!due(now)) {
    return false;
  }
  return show(render_progress(snapshot), now);
}

void Progress::clear() {
  if (m_shown) {
    m_writer(k_erase);
    m_shown = false;
  }
}

}  // namespace evt::output
