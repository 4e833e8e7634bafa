#include "evt/replay/rewind.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::replay;
using evt::OffsetRange;

TEST_CASE("rewind targets clamp to the log") {
  const OffsetRange log{10, 50};
  const std::optional<int64_t> cur = 30;
  CHECK(rewind_target({RewindKind::earliest, 0, {}}, cur, log, 0) == 10);
  CHECK(rewind_target({RewindKind::latest, 0, {}}, cur, log, 0) == 50);
  CHECK(rewind_target({RewindKind::offset, 20, {}}, cur, log, 0) == 20);
  CHECK(rewind_target({RewindKind::offset, 5, {}}, cur, log, 0) == 10);
  CHECK(rewind_target({RewindKind::offset, 99, {}}, cur, log, 0) == 50);
  CHECK(rewind_target({RewindKind::shift, -5, {}}, cur, log, 0) == 25);
  CHECK(rewind_target({RewindKind::shift, 7, {}}, cur, log, 0) == 37);
  CHECK(rewind_target({RewindKind::shift, -100, {}}, cur, log, 0) == 10);
  CHECK(rewind_target({RewindKind::shift, INT64_MAX, {}}, cur, log, 0) == 50);
  CHECK(rewind_target({RewindKind::shift, 3, {}}, std::nullopt, log, 0) == 13);  // from the log start
  CHECK(rewind_target({RewindKind::time, 0, {}}, cur, log, 42) == 42);
  CHECK(rewind_target({RewindKind::time, 0, {}}, cur, log, 50) == 50);  // past the end: the end
}

TEST_CASE("rewind scope") {
  const auto s = parse_scope("orders:0,2-3");
  CHECK(s.topic == "orders");
  CHECK(s.partitions == std::vector<int32_t>{0, 2, 3});
  CHECK(parse_scope("orders").partitions.empty());
  CHECK_THROWS_AS(parse_scope(":1"), evt::UsageError);
}

TEST_CASE("rewind CSV: export and parse round trip") {
  RewindPlan plan;
  plan.rows.push_back({{"a.b", 0}, 3, 7, {0, 9}});
  plan.rows.push_back({{"a.b", 1}, std::nullopt, 0, {0, 0}});
  const auto csv = export_csv(plan);
  CHECK(csv == "a.b,0,7\na.b,1,0\n");
  const auto parsed = parse_csv(csv, "f.csv");
  CHECK(parsed.size() == 2);
  CHECK(parsed.at({"a.b", 0}) == 7);
  CHECK(parsed.at({"a.b", 1}) == 0);
  CHECK(parse_csv("t,1,5\r\n\r\n", "x").at({"t", 1}) == 5);
}

TEST_CASE("rewind CSV: bad lines name the file and line") {
  const auto message = [](const char* text) {
    try {
      parse_csv(text, "f.csv");
    } catch (const evt::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("t,0,1\nt,x,1\n") == "f.csv:2: partition is not a number");
  CHECK(message("t,0,-1\n") == "f.csv:1: offset is not a non-negative number");
  CHECK(message("t,0\n") == "f.csv:1: not three comma-separated fields");
  CHECK(message("t,0,1\nt,0,2\n") == "f.csv:2: partition t/0 appears twice");
  CHECK(message("\n") == "f.csv: no offsets in the file");
}
