#include "evt/output/duration.hpp"

#include <cinttypes>
#include <cstdio>

namespace evt::output {

std::string format_duration(std::chrono::milliseconds duration) {
  const int64_t ms = duration.count() < 0 ? 0 : duration.count();
  char buf[48];
  if (ms >= 10'000) {
    // Rounded to the nearest second: sub-second detail no longer matters.
    std::snprintf(buf, sizeof buf, "%" PRId64 " s", (ms + 500) / 1000);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%03" PRId64, ms / 1000, ms % 1000);
  std::string text = buf;
  // "0.500" -> "0.5", "2.000" -> "2": whole milliseconds, no noise.
  while (text.back() == '0') {
    text.pop_back();
  }
  if (text.back() == '.') {
    text.pop_back();
  }
  return text + " s";
}

}  // namespace evt::output
