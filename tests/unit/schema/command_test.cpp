#include "evt/schema/command.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

using namespace evt;
using namespace evt::schema;

TEST_CASE("schema check: unknown names and arguments that do not fit are usage errors") {
  CheckRequest mode;
  mode.paths = {"a.json", "b.json"};
  mode.mode = "sideways";
  CHECK_THROWS_WITH_AS(run_check(mode), "unknown mode 'sideways'", UsageError);
  CheckRequest policy;
  policy.paths = {"a.json", "b.json"};
  policy.policy = "loose";
  CHECK_THROWS_AS(run_check(policy), UsageError);
  CheckRequest one;
  one.paths = {"not-a-directory.json"};
  CHECK_THROWS_AS(run_check(one), UsageError);
  CheckRequest against;
  against.paths = {"a.json", "b.json"};
  against.against = "origin/main";
  CHECK_THROWS_WITH_AS(run_check(against), "--against works with a repository directory, not with files",
                       UsageError);
}

TEST_CASE("schema check: a pairwise check and its summary") {
  {
    std::ofstream("command_test_v1.json") << R"({"type":"object","properties":{"a":{"type":"string"}}})";
    std::ofstream("command_test_v2.json") << R"({"type":"object","properties":{"a":{"type":"integer"}}})";
  }
  CheckRequest r;
  r.paths = {"command_test_v1.json", "command_test_v1.json"};
  const auto same = run_check(r);
  CHECK(same.exit_code() == ExitCode::ok);
  CHECK(check_summary(same, "backward") == "1 version(s) checked under backward: compatible");
  r.paths = {"command_test_v1.json", "command_test_v2.json"};
  const auto changed = run_check(r);
  CHECK(changed.exit_code() == ExitCode::no);
  CHECK(check_summary(changed, "backward") ==
        "1 version(s) checked under backward: " + std::to_string(changed.breaking_count()) +
            " breaking change(s)");
  CHECK(render_check("json", changed) == render_json(changed));
  CHECK(render_check("junit", changed) == render_junit(changed));
  CHECK(render_check("github", changed) == render_github(changed));
  CHECK(render_check("text", changed) == render_text(changed));
  std::remove("command_test_v1.json");
  std::remove("command_test_v2.json");
}

TEST_CASE("schema validate: lines, summary and exit code") {
  {
    std::ofstream("command_test_schema.json") << R"({"type":"object","required":["id"]})";
    std::ofstream("command_test_events.jsonl") << "{\"id\":1}\n{}\nnot json\n";
  }
  const auto validator = EventValidator::from_file("command_test_schema.json");
  std::vector<LineResult> bad;
  const auto summary =
      validate_input(validator, "command_test_events.jsonl", [&](const LineResult& r) { bad.push_back(r); });
  CHECK(summary.lines == 3);
  CHECK(summary.invalid == 1);
  CHECK(summary.not_json == 1);
  CHECK(validation_summary_text(summary) == "3 line(s): 1 invalid, 1 not JSON");
  CHECK(validation_exit_code(summary) == ExitCode::bad_input);
  CHECK(validation_exit_code(ValidationSummary{3, 1, 0}) == ExitCode::no);
  CHECK(validation_exit_code(ValidationSummary{3, 0, 0}) == ExitCode::ok);
  REQUIRE(bad.size() == 2);
  const auto text = render_invalid_line("text", "events.jsonl", bad[0]);
  CHECK(text.rfind("events.jsonl:2: ", 0) == 0);
  CHECK(text.back() == '\n');
  const auto json = nlohmann::json::parse(render_invalid_line("json", "events.jsonl", bad[0]));
  CHECK(json["line"] == 2);
  CHECK(json["valid"] == false);
  CHECK_THROWS_WITH_AS(validate_input(validator, "no/such/events.jsonl", [](const LineResult&) {}),
                       "cannot open 'no/such/events.jsonl': No such file or directory", UsageError);
  std::remove("command_test_schema.json");
  std::remove("command_test_events.jsonl");
}

TEST_CASE("schema lint: summary and exit code") {
  LintResult r;
  r.files = 2;
  CHECK(lint_exit_code(r) == ExitCode::ok);
  CHECK(lint_summary(r) == "2 schema(s) linted: 0 finding(s)");
  r.findings.push_back({});
  CHECK(lint_exit_code(r) == ExitCode::no);
  r.errors.push_back("bad.json: not JSON");
  CHECK(lint_exit_code(r) == ExitCode::usage);
  CHECK(render_lint("github", r) == render_lint_github(r));
  CHECK(render_lint("text", r) == render_lint_text(r));
}

TEST_CASE("schema conformance: text and exit code") {
  ConformanceReport r;
  r.cases = 3;
  r.agreed = 1;
  r.disagreements.push_back({"a.json#0", "add field", "evt says compatible", "documented"});
  CHECK(conformance_exit_code(r) == ExitCode::ok);
  CHECK(render_conformance(r) ==
        "KNOWN    a.json#0 (add field): evt says compatible -- documented\n"
        "1/3 cases agree, 1 known differences, 0 unexplained\n");
  r.disagreements.push_back({"b.json#1", "drop field", "differs", ""});
  CHECK(conformance_exit_code(r) == ExitCode::no);
  CHECK(render_conformance(r).find("DISAGREE b.json#1 (drop field): differs\n") != std::string::npos);
  r.disagreements.pop_back();
  r.stale_known.push_back("c.json#2");
  CHECK(conformance_exit_code(r) == ExitCode::no);
  CHECK(render_conformance(r).find("STALE    c.json#2 is listed as a known difference but now agrees\n") !=
        std::string::npos);
}
