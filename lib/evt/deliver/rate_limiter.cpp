#include "evt/deliver/rate_limiter.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <exception>
#include <string>

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

double parse_rate(const std::string& text) {
  std::string number = text;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0) {
    number.resize(number.size() - 2);
  }
  try {
    size_t used = 0;
    const double rate = std::stod(number, &used);
    if (used == number.size() && rate > 0) {
      return rate;
    }
  } catch (const std::exception&) {
  }
  throw UsageError("--rate '" + text + "' is not a rate", "use records per second, e.g. --rate 500/s");
}

}  // namespace evt::deliver
