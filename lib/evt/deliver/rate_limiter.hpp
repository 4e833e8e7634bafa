#pragma once
// A token bucket that paces records to at most N per second (--rate), with
// a burst of at most one tenth of a second's worth, so a paused loop does
// not make up for lost time in one go.

#include <chrono>
#include <string_view>

namespace evt::deliver {

// Paces events to a rate; the caller waits the returned delay and asks again.
class RateLimiter {
public:
  using Clock = std::chrono::steady_clock;

  // `per_second` <= 0 means unlimited.
  explicit RateLimiter(double per_second = 0);

  // Takes one token when available and returns zero; otherwise returns how
  // long to wait before asking again (nothing taken).
  Clock::duration acquire(Clock::time_point now);

  bool unlimited() const { return m_rate <= 0; }
  double rate() const { return m_rate; }

private:
  double m_rate;
  double m_burst;
  double m_tokens;
  Clock::time_point m_last{};
  bool m_started = false;
};

// Parses "N/s", "N/m", "N/h" or a bare N (per second) to records per second.
// Throws UsageError naming the flag.
double parse_rate(std::string_view text);

} // namespace evt::deliver
