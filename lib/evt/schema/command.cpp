#include "evt/schema/command.hpp"

#include "evt/codec/json_text.hpp"
#include "evt/read/input.hpp"

#include "evt/error.hpp"
#include "evt/schema/compatibility.hpp"
#include "evt/schema/repository.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

namespace evt::schema {
namespace {

namespace fs = std::filesystem;

template <typename T>
T parsed_or_usage(std::optional<T> value, const std::string& what, const std::string& text,
                  const std::string& hint) {
  if (!value) {
    throw UsageError("unknown " + what + " '" + text + "'", hint);
  }
  return *value;
}

}  // namespace

CheckReport run_check(const CheckRequest& opts) {
  const auto mode =
      parsed_or_usage(parse_compat_mode(opts.mode), "mode", opts.mode, "use " + k_compat_modes.list());
  const auto policy =
      parsed_or_usage(parse_policy(opts.policy), "policy", opts.policy, "use " + k_policies.list());
  const auto schema_format = parsed_or_usage(parse_schema_format(opts.format), "format", opts.format,
                                             "use " + k_schema_formats.list());

  CheckReport report;
  if (opts.paths.size() == 1 && fs::is_directory(opts.paths.front())) {
    RepositoryOptions ro;
    ro.default_mode = mode;
    ro.default_policy = policy;
    ro.format = schema_format;
    ro.against = opts.against;
    return check_repository(opts.paths.front(), ro);
  }
  if (opts.paths.size() < 2) {
    throw UsageError("evt schema check needs two schema files (OLD NEW) or one repository directory",
                     "e.g. evt schema check v1.json v2.json, or evt schema check schemas/");
  }
  if (!opts.against.empty()) {
    throw UsageError("--against works with a repository directory, not with files");
  }
  std::vector<LoadedSchema> versions;
  for (const auto& p : opts.paths) {
    versions.push_back(load_schema(p, schema_format));
  }
  VersionCheck check{"",
                     fs::path(opts.paths.back()).filename().string(),
                     opts.paths.back(),
                     "compatible",
                     check_latest(versions, mode, policy),
                     {}};
  if (!check.findings.empty()) {
    check.status = "incompatible";
  }
  report.checks.push_back(std::move(check));
  return report;
}

std::string render_check(const std::string& format, const CheckReport& report) {
  if (format == "json") {
    return render_json(report);
  }
  if (format == "github") {
    return render_github(report);
  }
  if (format == "junit") {
    return render_junit(report);
  }
  return render_text(report);
}

std::string check_summary(const CheckReport& report, const std::string& mode) {
  const ExitCode code = report.exit_code();
  std::size_t checked = 0;
  for (const auto& c : report.checks) {
    checked += c.status == "compatible" || c.status == "incompatible";
  }
  std::string summary = std::to_string(checked) + " version(s) checked under " + mode + ": ";
  summary += code == ExitCode::ok   ? "compatible"
             : code == ExitCode::no ? std::to_string(report.breaking_count()) + " breaking change(s)"
                                    : "some schemas could not be read";
  return summary;
}

ValidationSummary validate_input(const EventValidator& validator, const std::string& input,
                                 const std::function<void(const LineResult&)>& on_invalid) {
  // The same bounded reader as `evt publish`: a line that never ends
  // (/dev/zero) costs k_max_event_line_bytes of memory, not all of it.
  read::LineReader reader({input}, k_max_event_line_bytes);
  return validator.validate_stream(reader, on_invalid);
}

std::string render_invalid_line(const std::string& format, const std::string& input, const LineResult& r) {
  if (format == "json") {
    return codec::terminal_safe_json(
               nlohmann::json({{"line", r.line}, {"valid", false}, {"errors", r.errors_json()}})
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) +
           "\n";
  }
  std::string text;
  for (const auto& e : r.errors) {
    text += format_line_error(input, r.line, e) + "\n";
  }
  return text;
}

std::string validation_summary_text(const ValidationSummary& summary) {
  return std::to_string(summary.lines) + " line(s): " + std::to_string(summary.invalid) + " invalid, " +
         std::to_string(summary.not_json) + " not JSON";
}

ExitCode validation_exit_code(const ValidationSummary& summary) {
  if (summary.not_json > 0) {
    return ExitCode::bad_input;
  }
  return summary.invalid > 0 ? ExitCode::no : ExitCode::ok;
}

std::string render_lint(const std::string& format, const LintResult& result) {
  if (format == "json") {
    return render_lint_json(result);
  }
  if (format == "github") {
    return render_lint_github(result);
  }
  return render_lint_text(result);
}

std::string lint_summary(const LintResult& result) {
  return std::to_string(result.files) + " schema(s) linted: " + std::to_string(result.findings.size()) +
         " finding(s)";
}

ExitCode lint_exit_code(const LintResult& result) {
  if (!result.errors.empty()) {
    return ExitCode::usage;
  }
  return result.findings.empty() ? ExitCode::ok : ExitCode::no;
}

std::string render_conformance(const ConformanceReport& r) {
  std::string text;
  for (const auto& d : r.disagreements) {
    text += (d.known_reason.empty() ? "DISAGREE " : "KNOWN    ") + d.case_id + " (" + d.description +
            "): " + d.detail + (d.known_reason.empty() ? "" : " -- " + d.known_reason) + "\n";
  }
  for (const auto& s : r.stale_known) {
    text += "STALE    " + s + " is listed as a known difference but now agrees\n";
  }
  text += std::to_string(r.agreed) + "/" + std::to_string(r.cases) + " cases agree, " +
          std::to_string(r.disagreements.size() - r.unexplained()) + " known differences, " +
          std::to_string(r.unexplained()) + " unexplained\n";
  return text;
}

ExitCode conformance_exit_code(const ConformanceReport& r) {
  return r.unexplained() == 0 && r.stale_known.empty() ? ExitCode::ok : ExitCode::no;
}

}  // namespace evt::schema
