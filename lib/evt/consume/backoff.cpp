#include "evt/consume/backoff.hpp"

#include "evt/error.hpp"
#include "evt/read/position.hpp"

#include <algorithm>
#include <string>

namespace evt::consume {
namespace {

int64_t duration_ms(std::string_view text, std::string_view whole) {
  const auto ms = read::parse_duration(text);
  if (!ms) {
    throw UsageError("--backoff: '" + std::string(whole) + "' is not MIN:MAX with durations",
                     "e.g. --backoff 500ms:30s");
  }
  return *ms;
}

}  // namespace

Backoff parse_backoff(std::string_view text) {
  const auto colon = text.find(':');
  Backoff b;
  if (colon == std::string_view::npos) {
    b.min_ms = b.max_ms = duration_ms(text, text);
  } else {
    b.min_ms = duration_ms(text.substr(0, colon), text);
    b.max_ms = duration_ms(text.substr(colon + 1), text);
  }
  if (b.min_ms > b.max_ms) {
    throw UsageError("--backoff: MIN is larger than MAX in '" + std::string(text) + "'");
  }
  return b;
}

int64_t backoff_cap_ms(const Backoff& b, int attempt) {
  int64_t cap = b.min_ms;
  // Doubling stops at MAX, so no overflow however many attempts.
  for (int i = 1; i < attempt && cap < b.max_ms; ++i) {
    cap *= 2;
    if (cap == 0) {
      break;
    }
  }
  return std::min(cap, b.max_ms);
}

int64_t backoff_delay_ms(const Backoff& b, int attempt, std::mt19937_64& rng) {
  const int64_t cap = backoff_cap_ms(b, attempt);
  if (cap <= 0) {
    return 0;
  }
  std::uniform_int_distribution<int64_t> pick(0, cap);
  return pick(rng);
}

}  // namespace evt::consume
