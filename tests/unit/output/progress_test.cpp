#include "evt/output/progress.hpp"
#include "evt/publish/report.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using evt::output::format_bytes;
using evt::output::format_eta;
using evt::output::Progress;
using evt::output::ProgressSnapshot;
using evt::output::render_progress;

TEST_CASE("progress: bytes in decimal units") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(999) == "999 B");
  CHECK(format_bytes(1000) == "1.0 kB");
  CHECK(format_bytes(1500) == "1.5 kB");
  CHECK(format_bytes(999949) == "999.9 kB");
  CHECK(format_bytes(999999) == "1.0 MB");
  CHECK(format_bytes(12'000'000) == "12.0 MB");
  CHECK(format_bytes(3'200'000'000) == "3.2 GB");
}

TEST_CASE("progress: ETA in seconds, minutes, hours") {
  CHECK(format_eta(0) == "0s");
  CHECK(format_eta(44.6) == "45s");
  CHECK(format_eta(65) == "1m05s");
  CHECK(format_eta(3600 * 3 + 7 * 60 + 30) == "3h07m");
  CHECK(format_eta(-1) == "?");
  CHECK(format_eta(1.0 / 0.0) == "?");
}

TEST_CASE("progress: rate, bytes and detail; ETA only with a total") {
  ProgressSnapshot p;
  p.label = "read";
  p.records = 1000;
  p.bytes = 2'000'000;
  p.seconds = 2;
  CHECK(render_progress(p) == "read 1000 (2.0 MB) — 500 records/s, 1.0 MB/s");
  p.detail = "skipped 3";
  p.total_records = 4000;
  CHECK(render_progress(p) == "read 1000 (2.0 MB), skipped 3 — 500 records/s, 1.0 MB/s, 25%, ETA 6s");
  p.records = 4000;
  CHECK(render_progress(p) == "read 4000 (2.0 MB), skipped 3 — 2000 records/s, 1.0 MB/s, 100%");
  ProgressSnapshot none;
  none.label = "sent";
  CHECK(render_progress(none) == "sent 0 — 0 records/s");
}

TEST_CASE("progress: publish's line") {
  evt::publish::PublishCounts c;
  c.produced = 130;
  c.delivered = 120;
  c.failed = 2;
  c.rejected = 1;
  c.bytes = 12000;
  CHECK(render_progress(evt::publish::progress_snapshot(c, 2.0)) ==
        "sent 120 (12.0 kB), in flight 8, rejected 1, failed 2 — 60 records/s, 6.0 kB/s");
}

TEST_CASE("progress: throttled redraws, cleared once, silent when disabled") {
  std::vector<std::string> writes;
  Progress bar(
      true, [&](std::string_view s) { writes.emplace_back(s); }, std::chrono::milliseconds(100));
  const auto t0 = Progress::Clock::now();
  CHECK(bar.show("a", t0));
  CHECK_FALSE(bar.show("b", t0 + std::chrono::milliseconds(50)));
  CHECK(bar.show("c", t0 + std::chrono::milliseconds(100)));
  bar.clear();
  bar.clear();
  REQUIRE(writes.size() == 3);
  CHECK(writes[0] == "\r\033[Kevt: a");
  CHECK(writes[1] == "\r\033[Kevt: c");
  CHECK(writes[2] == "\r\033[K");

  std::vector<std::string> quiet_writes;
  Progress quiet(false, [&](std::string_view s) { quiet_writes.emplace_back(s); });
  CHECK_FALSE(quiet.show("a"));
  ProgressSnapshot p;
  CHECK_FALSE(quiet.update(p));
  quiet.clear();
  CHECK(quiet_writes.empty());
}

TEST_CASE("progress: grouped numbers") {
  CHECK(evt::output::grouped(0) == "0");
  CHECK(evt::output::grouped(999) == "999");
  CHECK(evt::output::grouped(1000) == "1,000");
  CHECK(evt::output::grouped(47650) == "47,650");
  CHECK(evt::output::grouped(1234567) == "1,234,567");
}
