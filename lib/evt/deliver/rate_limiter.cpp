#include "evt/deliver/rate_limiter.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

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
  // Strict grammar (digits, an optional fraction, an optional unit): std::stod
  // alone would also take " 5", "0x10", "inf" and "nan".
  std::string_view number = text;
  double per = 1;
  if (const auto slash = number.rfind('/'); slash != std::string_view::npos) {
    const auto unit = number.substr(slash + 1);
    number = number.substr(0, slash);
    if (unit == "s") {
      per = 1;
    } else if (unit == "m") {
      per = 60;
    } else if (unit == "h") {
      per = 3600;
    } else {
      number = {};
    }
  }
  size_t digits = 0;
  size_t dots = 0;
  for (const char c : number) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '.') {
      ++dots;
    } else {
      digits = 0;
      break;
    }
  }
  if (digits > 0 && dots <= 1 && number.size() <= 32) {
    const double rate = std::stod(std::string(number)) / per;
    if (rate > 0 && std::isfinite(rate)) {
      return rate;
    }
  }
  throw UsageError("--rate '" + text + "' is not a rate",
                   "use records per second, minute or hour, e.g. --rate 500/s, 30/m or 1000/h");
}

}  // namespace evt::deliver
