#include "evt/deliver/rate_limiter.hpp"

#include "evt/signals.hpp"

#include <algorithm>

namespace evt::deliver {

RateLimiter::RateLimiter(double per_second, Clock::time_point start) : m_rate(per_second), m_start(start) {}

RateLimiter::Clock::time_point RateLimiter::due(uint64_t sent) const {
  if (m_rate <= 0) {
    return m_start;
  }
  return m_start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(sent) / m_rate));
}

bool RateLimiter::wait(uint64_t sent, const std::function<void(int ms)>& idle) const {
  if (m_rate <= 0) {
    return !interrupted();
  }
  const auto at = due(sent);
  while (Clock::now() < at && !interrupted()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at - Clock::now()).count();
    // Slices of at most 100 ms keep Ctrl-C and progress responsive.
    idle(static_cast<int>(std::clamp<int64_t>(left, 0, 100)));
  }
  return !interrupted();
}

} // namespace evt::deliver
