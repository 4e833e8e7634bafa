#include "evt/output/duration.hpp"

#include <doctest/doctest.h>

using evt::output::format_duration;
using std::chrono::milliseconds;

TEST_CASE("durations below 10 s keep their sub-second part") {
  CHECK(format_duration(milliseconds(500)) == "0.5 s");
  CHECK(format_duration(milliseconds(1)) == "0.001 s");
  CHECK(format_duration(milliseconds(250)) == "0.25 s");
  CHECK(format_duration(milliseconds(1500)) == "1.5 s");
  CHECK(format_duration(milliseconds(2000)) == "2 s");
  CHECK(format_duration(milliseconds(9999)) == "9.999 s");
  CHECK(format_duration(milliseconds(0)) == "0 s");
  CHECK(format_duration(milliseconds(-5)) == "0 s");
}

TEST_CASE("durations from 10 s on are whole seconds") {
  CHECK(format_duration(milliseconds(10000)) == "10 s");
  CHECK(format_duration(milliseconds(10400)) == "10 s");
  CHECK(format_duration(milliseconds(10500)) == "11 s");
  CHECK(format_duration(milliseconds(30000)) == "30 s");
  CHECK(format_duration(milliseconds(2000000000)) == "2000000 s");
}
