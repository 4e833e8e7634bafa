#pragma once
// Retry delays: exponential backoff with full jitter. Attempt n (1-based)
// that failed waits a uniformly random time in [0, min(MAX, MIN·2^(n-1))]
// before attempt n+1 (AWS's "full jitter": retries of many records spread
// out instead of hitting a struggling dependency together).

#include <cstdint>
#include <random>
#include <string_view>

namespace evt::consume {

// The --backoff MIN:MAX bounds in milliseconds.
struct Backoff {
  int64_t min_ms = 1000;
  int64_t max_ms = 60000;
};

// Parses "MIN:MAX" with durations (500ms, 1s, 2m); "D" alone means D:D.
// Throws UsageError when malformed or MIN > MAX.
Backoff parse_backoff(std::string_view text);

// The cap of the delay after failed attempt `attempt` (1-based).
int64_t backoff_cap_ms(const Backoff& backoff, int attempt);

// The delay after failed attempt `attempt`, drawn from `rng`.
int64_t backoff_delay_ms(const Backoff& backoff, int attempt, std::mt19937_64& rng);

}  // namespace evt::consume
