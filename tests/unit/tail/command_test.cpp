#include "evt/tail/command.hpp"
#include "evt/error.hpp"
#include "evt/tail/writer.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <string>

using namespace evt;
using namespace evt::tail;

namespace {

constexpr int64_t k_now = 1700000000000;

std::string read_back(FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
  }
  return text;
}

}  // namespace

TEST_CASE("tail positions: follow by default, from the beginning when bounded") {
  TailCommand c;
  auto p = position_of(c, k_now);
  CHECK(p.start.kind == read::BoundKind::end);
  CHECK_FALSE(p.end);
  c.exit_at_end = true;
  CHECK(position_of(c, k_now).start.kind == read::BoundKind::beginning);
  TailCommand with_end;
  with_end.end = "end";
  p = position_of(with_end, k_now);
  CHECK(p.start.kind == read::BoundKind::beginning);
  REQUIRE(p.end);
  CHECK(p.end->kind == read::BoundKind::end);
  TailCommand start;
  start.start = "5";
  p = position_of(start, k_now);
  CHECK(p.start.kind == read::BoundKind::offset);
  CHECK(p.start.value == 5);
}

TEST_CASE("tail positions: --end with a range in -s is a usage error") {
  TailCommand c;
  c.start = "1:5";
  c.end = "end";
  CHECK_THROWS_WITH_AS(position_of(c, k_now), "--end conflicts with the range given by --start '1:5'",
                       UsageError);
}

TEST_CASE("tail with -g: only a plain start, no partitions or end") {
  TailCommand c;
  c.group = "g";
  CHECK_NOTHROW(check_group_flags(c, position_of(c, k_now)));
  c.start = "beginning";
  CHECK_NOTHROW(check_group_flags(c, position_of(c, k_now)));
  c.start = "-10";
  CHECK_THROWS_AS(check_group_flags(c, position_of(c, k_now)), UsageError);
  TailCommand parts;
  parts.group = "g";
  parts.partitions = "0";
  CHECK_THROWS_AS(check_group_flags(parts, position_of(parts, k_now)), UsageError);
  TailCommand end;
  end.group = "g";
  end.end = "end";
  CHECK_THROWS_AS(check_group_flags(end, position_of(end, k_now)), UsageError);
}

TEST_CASE("TailJob checks the filter and positions up front") {
  TailCommand bad_where;
  bad_where.topics = {"t"};
  bad_where.filter.wheres = {"a ~ ("};  // an invalid regular expression
  CHECK_THROWS_AS(TailJob{bad_where}, UsageError);
  TailCommand bad_start;
  bad_start.topics = {"t"};
  bad_start.start = "sometime";
  CHECK_THROWS_AS(TailJob{bad_start}, UsageError);
  TailCommand headers;
  headers.topics = {"t"};
  headers.filter.headers = {"a=1"};
  CHECK(TailJob{headers}.filter_needs_headers());
  TailCommand key;
  key.topics = {"t"};
  key.key = "k";
  CHECK_FALSE(TailJob{key}.filter_needs_headers());
}

TEST_CASE("tail stdout format: -f is a template, --out alone shows nothing, terminal or pipe") {
  CHECK(stdout_fallback("", "", false, true) == std::optional<std::string>("pretty"));
  CHECK(stdout_fallback("", "", false, false) == std::optional<std::string>("jsonl"));
  CHECK(stdout_fallback("", "%k\\n", false, false) == std::optional<std::string>("template"));
  CHECK(stdout_fallback("template", "%k\\n", true, false) == std::optional<std::string>("template"));
  CHECK_FALSE(stdout_fallback("", "", true, true));
  CHECK(stdout_fallback("raw", "", true, true) == std::optional<std::string>("pretty"));
  CHECK_THROWS_WITH_AS(stdout_fallback("jsonl", "%k", false, false),
                       "-f/--format is a template: it cannot be combined with -o jsonl", UsageError);
  CHECK_THROWS_WITH_AS(stdout_formatter("template", "", false, false, "escape"),
                       "-o template needs a template", UsageError);
  CHECK_THROWS_AS(stdout_formatter("raw", "", false, false, "octal"), UsageError);
  CHECK(stdout_styles() == std::vector<std::string>{"pretty", "jsonl", "raw", "template"});
}

TEST_CASE("BatchWriter: one write per batch to stdout and the capture file") {
  FILE* shown_file = std::tmpfile();
  FILE* capture_file = std::tmpfile();
  REQUIRE(shown_file != nullptr);
  REQUIRE(capture_file != nullptr);
  {
    output::Sink shown(shown_file);
    output::Sink capture(capture_file);
    BatchWriter writer(stdout_formatter("template", "%k=%s\\n", false, false, "escape"), &shown, &capture);
    CHECK(writer.needs_headers());  // the capture keeps headers
    const std::string key = "k1";
    const std::string value = "v1";
    RecordView r;
    r.topic = "t";
    r.partition = 2;
    r.offset = 7;
    r.key = key;
    r.value = value;
    writer.record(r);
    CHECK(read_back(shown_file).empty());
    writer.batch_done();
    CHECK(read_back(shown_file) == "k1=v1\n");
    CHECK(read_back(capture_file) ==
          R"({"topic":"t","partition":2,"offset":7,"key":"k1","value":"v1","headers":[]})"
          "\n");
  }
  std::fclose(shown_file);
  std::fclose(capture_file);
  BatchWriter file_only(nullptr, nullptr, nullptr);
  CHECK_FALSE(file_only.needs_headers());
}

TEST_CASE("capture file that cannot be written is a usage error naming it") {
  CHECK_THROWS_WITH_AS(open_capture_file("no/such/dir/out.jsonl"),
                       "cannot write 'no/such/dir/out.jsonl': No such file or directory", UsageError);
}
