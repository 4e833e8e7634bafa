// The publish engine without a broker: dry runs exercise the bookkeeping,
// stop rules, exit codes and the summary text.
#include "evt/publish/publish.hpp"
#include "evt/publish/report.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace evt::publish;
using evt::ExitCode;

namespace {

PublishSpec plain_spec() {
  PublishSpec s;
  s.topic = "t";
  return s;
}

struct Run {
  PublishResult result;
  std::vector<std::string> rejected;
  std::vector<std::string> sent;
};

Run dry_run(const std::vector<std::string>& lines, bool skip_invalid) {
  Run run;
  RecordBuilder builder(plain_spec(), nullptr);
  PublishEvents events;
  events.rejected = [&](LineRef w, const Rejection& why) {
    run.rejected.push_back(describe_rejection("in.jsonl", w.line, why));
  };
  events.dry_run = [&](const evt::Record& r) { run.sent.push_back(*r.value); };
  DeliveryOptions options;
  options.dry_run = true;
  options.skip_invalid = skip_invalid;
  PublishSession session(builder, nullptr, options, events);
  uint64_t n = 0;
  for (const auto& l : lines) {
    if (!session.submit_line({0, ++n}, l)) {
      break;
    }
  }
  run.result = session.finish();
  return run;
}

}  // namespace

TEST_CASE("a clean dry run sends every non-blank line") {
  const auto run = dry_run({R"({"a":1})", "", R"({"a":2})"}, false);
  CHECK(run.sent == std::vector<std::string>{R"({"a":1})", R"({"a":2})"});
  CHECK(run.result.counts.lines == 3);
  CHECK(run.result.counts.produced == 2);
  CHECK(run.result.counts.rejected == 0);
  CHECK(run.result.stop == StopReason::none);
  CHECK(publish_exit_code(run.result) == ExitCode::ok);
  CHECK(summary_text(run.result, true) == "dry run: would send 2, rejected 0");
}

TEST_CASE("an invalid line stops the run: nothing after it is sent, exit 4") {
  const auto run = dry_run({R"({"a":1})", "oops", R"({"a":3})"}, false);
  CHECK(run.sent.size() == 1);
  CHECK(run.result.counts.rejected == 1);
  CHECK(run.result.stop == StopReason::rejected);
  CHECK(run.result.stopped_at.line == 2);
  REQUIRE(run.rejected.size() == 1);
  CHECK(run.rejected[0].rfind("in.jsonl:2: not JSON: ", 0) == 0);
  CHECK(publish_exit_code(run.result) == ExitCode::bad_input);
}

TEST_CASE("--skip-invalid reports each rejected line, goes on, still exits 4") {
  const auto run = dry_run({"bad1", R"({"a":2})", "bad3", R"({"a":4})"}, true);
  CHECK(run.sent.size() == 2);
  CHECK(run.result.counts.rejected == 2);
  CHECK(run.rejected.size() == 2);
  CHECK(run.rejected[1].rfind("in.jsonl:3: ", 0) == 0);
  CHECK(run.result.stop == StopReason::none);
  CHECK(publish_exit_code(run.result) == ExitCode::bad_input);
}

TEST_CASE("exit codes: failures beat interruption beats rejection") {
  PublishResult r;
  CHECK(publish_exit_code(r) == ExitCode::ok);
  r.counts.rejected = 1;
  CHECK(publish_exit_code(r) == ExitCode::bad_input);
  r.stop = StopReason::interrupted;
  CHECK(publish_exit_code(r) == ExitCode::interrupted);
  r.counts.failed = 1;
  CHECK(publish_exit_code(r) == ExitCode::runtime);
  r.stop = StopReason::client_error;
  r.client_error_code = ExitCode::usage;
  CHECK(publish_exit_code(r) == ExitCode::usage);
}

TEST_CASE("report texts") {
  Rejection schema_error{"/orderId", "Value is below the minimum", true};
  CHECK(describe_rejection("a.jsonl", 7, schema_error) == "a.jsonl:7: /orderId: Value is below the minimum");
  Rejection plain{"", "not JSON: x\x1b[31m", false};
  CHECK(describe_rejection("-", 1, plain) == "<stdin>:1: not JSON: x\\x1b[31m");
  CHECK(describe_failure("a.jsonl", {0, 3, 3, "Local: Message timed out"}) ==
        "a.jsonl:3: not delivered: Local: Message timed out");
  CHECK(describe_failure("a.jsonl", {0, 3, 9, "Broker: x"}) == "a.jsonl:3-9: not delivered: Broker: x");
  PublishResult r;
  r.counts.delivered = 100;
  r.counts.bytes = 2000000;
  r.seconds = 2;
  CHECK(summary_text(r, false) == "sent 100, rejected 0, failed 0 in 2.00 s (50 records/s, 1.0 MB/s)");
}

TEST_CASE("publish_lines feeds a reader and names inputs and lines") {
  const auto path =
      std::filesystem::temp_directory_path() / ("evt-publish-session-" + std::to_string(::getpid()));
  std::ofstream(path) << "{\"a\":1}\n" << std::string(5000, 'x') << "\n{\"a\":3}\n";
  evt::read::LineReader reader({path.string()}, 1000);
  RecordBuilder builder(plain_spec(), nullptr);
  std::vector<std::string> rejected;
  PublishEvents events;
  events.rejected = [&](LineRef w, const Rejection& why) {
    rejected.push_back(describe_rejection(reader.inputs()[w.input], w.line, why));
  };
  DeliveryOptions options;
  options.dry_run = true;
  options.skip_invalid = true;
  PublishSession session(builder, nullptr, options, events);
  const auto result = publish_lines(reader, session);
  std::filesystem::remove(path);
  CHECK(result.counts.produced == 2);
  CHECK(result.counts.rejected == 1);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0] == path.string() + ":2: the line is longer than 1000 bytes");
}
