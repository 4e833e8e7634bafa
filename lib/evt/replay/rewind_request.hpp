#pragma once
// The rewind request as the command line gives it (one target option, a
// reset CSV file, an export file), turned into a RewindSpec and back out.

#include "evt/replay/rewind.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace evt::replay {

// The target options of `evt replay --group`; exactly one must be set.
struct RewindChoice {
  bool earliest = false;
  bool latest = false;
  std::optional<int64_t> offset;
  std::optional<int64_t> shift;
  std::string time;       // a time in tail's grammar
  std::string duration;   // "2h": the first record of the last 2 hours
  std::string from_file;  // a reset CSV
};

// The spec for the one option given (times resolved against now_ms).
// Throws UsageError when none or several are given, or a value is bad;
// InputError for a bad CSV line.
RewindSpec rewind_spec(const RewindChoice& choice, int64_t now_ms);

// Writes the plan as a reset CSV to `path`; RuntimeError when it cannot.
void write_export_csv(const std::string& path, const RewindPlan& plan);

}  // namespace evt::replay
