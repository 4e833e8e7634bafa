#pragma once

#include "evt/error.hpp"
// What each `evt schema` subcommand does with its flags, as values: the
// compatibility check (pairwise or a repository), validating a JSON Lines
// input, lint and the conformance corpus, with their renderings, summary
// lines and exit codes. The caller prints.

#include "evt/schema/conformance.hpp"
#include "evt/schema/lint.hpp"
#include "evt/schema/report.hpp"
#include "evt/schema/validate.hpp"

#include <functional>
#include <string>
#include <vector>

namespace evt::schema {

// The flags of `evt schema check`, as given.
struct CheckRequest {
  std::vector<std::string> paths;  // OLD NEW, V1 … VN, or one repository directory
  std::string mode = "backward";
  std::string format = "auto";
  std::string policy = "strict";
  std::string against;  // git revision (repository only)
};

// Checks a repository directory or the last of several schema files
// against the ones before it. Throws UsageError for unknown names and
// arguments that do not fit.
CheckReport run_check(const CheckRequest& request);

// The check report in an output format: text, json, github or junit.
std::string render_check(const std::string& format, const CheckReport& report);

// "N version(s) checked under MODE: compatible" (or the breaking count,
// or that some schemas could not be read).
std::string check_summary(const CheckReport& report, const std::string& mode);

// The longest event line `validate` reads (16 MiB); longer lines are
// reported as not JSON.
inline constexpr size_t k_max_event_line_bytes = 16u << 20;

// Validates the events of `input` ("-": stdin) against `validator`;
// `on_invalid` hears each invalid line. Throws UsageError when the input
// cannot be read.
ValidationSummary validate_input(const EventValidator& validator, const std::string& input,
                                 const std::function<void(const LineResult&)>& on_invalid);

// One invalid line for stdout: a JSON object (json) or "FILE:LINE:
// POINTER: REASON" lines (text).
std::string render_invalid_line(const std::string& format, const std::string& input,
                                const LineResult& result);

// "N line(s): I invalid, J not JSON".
std::string validation_summary_text(const ValidationSummary& summary);

// 4 when a line was not JSON, 1 when one was invalid, else 0.
ExitCode validation_exit_code(const ValidationSummary& summary);

// The lint result in an output format: text, json or github.
std::string render_lint(const std::string& format, const LintResult& result);

// "N schema(s) linted: F finding(s)".
std::string lint_summary(const LintResult& result);

// 2 when schemas could not be read, 1 with findings, else 0.
ExitCode lint_exit_code(const LintResult& result);

// The conformance run as text: each disagreement, stale known ones, totals.
std::string render_conformance(const ConformanceReport& report);

// 0 when every disagreement is known and no known one is stale, else 1.
ExitCode conformance_exit_code(const ConformanceReport& report);

}  // namespace evt::schema
