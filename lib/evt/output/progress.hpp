#pragma once
// The one-line progress display long runs show on a terminal: done/total,
// bytes, rate and ETA. It only formats; the caller writes it to stderr.

#include <cstdint>
#include <string>

namespace evt::output {

// What a long run has done so far.
struct ProgressSnapshot {
  uint64_t done = 0;      // units done (records)
  uint64_t total = 0;     // units to do; 0 when unknown
  uint64_t bytes = 0;     // bytes moved
  double elapsed_s = 0;   // since the start
  std::string label;      // e.g. "replay"
};

// "replay  12,345/50,000 (24%)  3.1 MB  8,123 rec/s  ETA 0:05" (no newline).
std::string progress_line(const ProgressSnapshot& p);

// "1.5 MB", "830 B": bytes in human units.
std::string human_bytes(uint64_t bytes);

// "1,234,567": thousands separated.
std::string grouped(uint64_t n);

} // namespace evt::output
