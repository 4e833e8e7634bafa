#include "evt/deliver/rate_limiter.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using evt::deliver::RateLimiter;
using namespace std::chrono_literals;

TEST_CASE("rate limiter: paces to the rate with a small burst") {
  RateLimiter r(100);  // burst 10
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  CHECK(r.acquire(t0) == RateLimiter::Clock::duration::zero());
  // The bucket starts with one token: the next waits 10 ms.
  const auto wait = r.acquire(t0);
  CHECK(wait > 9ms);
  CHECK(wait <= 10ms);
  // After a long pause only the burst (10) is available at once.
  int taken = 0;
  const auto t1 = t0 + 10s;
  while (taken < 1000 && r.acquire(t1) == RateLimiter::Clock::duration::zero()) {
    ++taken;
  }
  CHECK(taken == 10);
  // Over one simulated second exactly ~100 go through.
  int in_second = 0;
  for (auto t = t1; t < t1 + 1s; t += 1ms) {
    while (in_second < 100000 && r.acquire(t) == RateLimiter::Clock::duration::zero()) {
      ++in_second;
    }
  }
  CHECK(in_second >= 99);
  CHECK(in_second <= 101);
}

TEST_CASE("rate limiter: unlimited never waits") {
  RateLimiter r(0);
  CHECK(r.unlimited());
  for (int i = 0; i < 1000; ++i) {
    CHECK(r.acquire(RateLimiter::Clock::now()) == RateLimiter::Clock::duration::zero());
  }
}

TEST_CASE("rate parsing") {
  CHECK(evt::deliver::parse_rate("500/s") == 500);
  CHECK(evt::deliver::parse_rate("120/m") == 2);
  CHECK(evt::deliver::parse_rate("3600/h") == 1);
  CHECK(evt::deliver::parse_rate("250") == 250);
  CHECK(evt::deliver::parse_rate("0.5/s") == 0.5);
  for (const char* bad : {"", "0", "-5", "5/d", "x/s", "5/", "1e10", "nan"}) {
    CHECK_THROWS_AS(evt::deliver::parse_rate(bad), evt::UsageError);
  }
}
