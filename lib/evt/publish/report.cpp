#include "evt/publish/report.hpp"

#include "evt/output/terminal_escape.hpp"

#include <cinttypes>
#include <cstdio>

namespace evt::publish {
namespace {

std::string where(const std::string& input, uint64_t first, uint64_t last) {
  std::string s = output::terminal_safe(read::display_input_name(input)) + ":" + std::to_string(first);
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

}  // namespace

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

std::string describe_large(const std::string& input, uint64_t line, size_t bytes,
                           const std::string& warn_size) {
  return where(input, line, line) + ": the record is " + std::to_string(bytes) +
         " bytes (above --warn-size " + warn_size + ")";
}

std::optional<std::string> describe_stop(const PublishResult& r, const std::vector<std::string>& inputs,
                                         bool single) {
  const auto at = [&] { return where(inputs.at(r.stopped_at.input), r.stopped_at.line, r.stopped_at.line); };
  switch (r.stop) {
    case StopReason::rejected:
      if (single) {
        return std::nullopt;
      }
      return "stopped at " + at() + ": nothing after it was sent (--skip-invalid goes on)";
    case StopReason::delivery_failed:
      return "stopped reading after the failed delivery of " + at();
    case StopReason::interrupted:
      return std::string("interrupted: stopped reading, flushed what was in flight");
    case StopReason::client_error:
    case StopReason::none:
      break;
  }
  return std::nullopt;
}

std::optional<std::string> large_summary(const PublishResult& r, const std::string& warn_size) {
  if (r.counts.large == 0) {
    return std::nullopt;
  }
  return std::to_string(r.counts.large) + " record(s) above --warn-size " + warn_size;
}

}  // namespace evt::publish
