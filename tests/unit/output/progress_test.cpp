#include "evt/output/progress.hpp"

#include <doctest/doctest.h>

using namespace evt::output;

TEST_CASE("progress: grouped numbers and human bytes") {
  CHECK(grouped(0) == "0");
  CHECK(grouped(999) == "999");
  CHECK(grouped(1000) == "1,000");
  CHECK(grouped(1234567) == "1,234,567");
  CHECK(grouped(47650) == "47,650");
  CHECK(grouped(12345678) == "12,345,678");
  CHECK(human_bytes(830) == "830 B");
  CHECK(human_bytes(1500) == "1.5 kB");
  CHECK(human_bytes(3100000) == "3.1 MB");
}

TEST_CASE("progress: line with total, rate and ETA") {
  CHECK(progress_line({25000, 50000, 3100000, 5.0, "replay"}) ==
        "replay  25,000/50,000 (50%)  3.1 MB  5,000 rec/s  ETA 0:05");
  CHECK(progress_line({10, 0, 100, 0.1, ""}) == "10  100 B");
  CHECK(progress_line({50000, 50000, 0, 2.0, "x"}) == "x  50,000/50,000 (100%)  0 B  25,000 rec/s");
}
