#include "evt/publish/report.hpp"

#include "evt/output/terminal_escape.hpp"

#include <cinttypes>
#include <cstdio>

namespace evt::publish {
namespace {

std::string where(const std::string& input, uint64_t first, uint64_t last) {
  std::string s = output::terminal_safe(display_input_name(input)) + ":" + std::to_string(first);
  if (last != first) {
    s += "-" + std::to_string(last);
  }
  return s;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

} // namespace

std::string describe_rejection(const std::string& input, uint64_t line, const Rejection& why) {
  std::string s = where(input, line, line) + ": ";
  if (why.schema) {
    s += output::terminal_safe(why.pointer) + ": ";
  }
  s += output::terminal_safe(why.reason);
  return s;
}

std::string describe_failure(const std::string& input, const FailedLines& failure) {
  return where(input, failure.first_line, failure.last_line) +
         ": not delivered: " + output::terminal_safe(failure.error);
}

std::string summary_text(const PublishResult& r, bool dry_run) {
  const auto& c = r.counts;
  if (dry_run) {
    return "dry run: would send " + std::to_string(c.produced) + ", rejected " + std::to_string(c.rejected);
  }
  const double secs = r.seconds > 0 ? r.seconds : 1e-9;
  return "sent " + std::to_string(c.delivered) + ", rejected " + std::to_string(c.rejected) + ", failed " +
         std::to_string(c.failed) + " in " + fixed(r.seconds, 2) + " s (" +
         fixed(static_cast<double>(c.delivered) / secs, 0) + " records/s, " +
         fixed(static_cast<double>(c.bytes) / secs / 1e6, 1) + " MB/s)";
}

output::ProgressSnapshot progress_snapshot(const PublishCounts& c, double seconds) {
  output::ProgressSnapshot p;
  p.label = "sent";
  p.records = c.delivered;
  p.bytes = c.bytes;
  p.seconds = seconds;
  p.detail = "in flight " + std::to_string(c.produced - c.delivered - c.failed) + ", rejected " +
             std::to_string(c.rejected) + ", failed " + std::to_string(c.failed);
  return p;
}

} // namespace evt::publish
