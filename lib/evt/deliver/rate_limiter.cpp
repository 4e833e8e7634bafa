#include "evt/deliver/rate_limiter.hpp"

#include "evt/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace evt::deliver {

RateLimiter::RateLimiter(double per_second)
    : m_rate(per_second), m_burst(std::max(1.0, per_second / 10)), m_tokens(1.0) {}

RateLimiter::Clock::duration RateLimiter::acquire(Clock::time_point now) {
  if (m_rate <= 0) {
    return Clock::duration::zero();
  }
  if (!m_started) {
    m_started = true;
    m_last = now;
  }
  const double elapsed = std::chrono::duration<double>(now - m_last).count();
  m_last = now;
  m_tokens = std::min(m_burst, m_tokens + elapsed * m_rate);
  const double wait_s = (1.0 - m_tokens) / m_rate;
  const auto wait = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_s));
  // A shortfall below one clock tick (0.1 + … + 0.1 < 1.0 in floating
  // point) counts as a whole token: "zero" must always mean "taken".
  if (wait <= Clock::duration::zero()) {
    m_tokens -= 1.0;
    return Clock::duration::zero();
  }
  return wait;
}

double parse_rate(std::string_view text) {
  const auto bad = [&] {
    return UsageError("--rate: expected records per second such as 500/s, 100/m or 1000, got '" +
                          std::string(text) + "'");
  };
  double per = 1;
  std::string_view number = text;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto unit = text.substr(slash + 1);
    per = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
    if (per == 0) {
      throw bad();
    }
    number = text.substr(0, slash);
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(value) || value <= 0 ||
      value > 1e9) {
    throw bad();
  }
  return value / per;
}

} // namespace evt::deliver
