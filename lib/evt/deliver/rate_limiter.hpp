#pragma once
// Pacing to an average number of records per second (publish --rate; the
// copy engines and consume use it too).

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace evt::deliver {

// Paces against the start time, not the previous record, so short stalls
// are caught up and the average rate holds.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` <= 0: no limit.
  explicit RateLimiter(double per_second, Clock::time_point start = Clock::now());

  bool limited() const noexcept { return m_rate > 0; }

  // When record number `sent` (0-based: records already sent) may go.
  Clock::time_point due(uint64_t sent) const;

  // Waits until record `sent` is due, calling `idle(ms)` for slices of at
  // most 100 ms (serve reports, draw progress; it must wait about `ms`).
  // False when SIGINT came first.
  bool wait(uint64_t sent, const std::function<void(int ms)>& idle) const;

 private:
  double m_rate;
  Clock::time_point m_start;
};

// Parses --rate into records per second: "500", "500/s", "30/m", "1000/h"
// (a decimal number, optionally with a fraction); UsageError otherwise.
double parse_rate(const std::string& text);

}  // namespace evt::deliver
