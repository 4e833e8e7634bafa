#include "schema.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/schema/compatibility.hpp"
#include "evt/schema/conformance.hpp"
#include "evt/schema/lint.hpp"
#include "evt/schema/report.hpp"
#include "evt/schema/repository.hpp"
#include "evt/schema/validate.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

namespace evt::cli {
namespace {

namespace fs = std::filesystem;

struct SchemaOpts {
  // check
  std::vector<std::string> paths;
  std::string mode = "backward";
  std::string format = "auto";
  std::string policy = "strict";
  std::string against;
  // validate
  std::string schema;
  std::string input = "-";
  // lint
  std::string lint_dir;
  std::vector<std::string> disable;
  std::vector<std::string> allow_fields;
  // conformance (hidden; used by the test suite)
  std::string corpus;
  std::string known;
};

template <typename T>
T parsed_or_usage(std::optional<T> value, const std::string& what, const std::string& text, const std::string& hint) {
  if (!value) throw UsageError("unknown " + what + " '" + text + "'", hint);
  return *value;
}

void emit(const std::string& format, const schema::CheckReport& report) {
  output::Sink out;
  if (format == "json") out.write(schema::render_json(report));
  else if (format == "github") out.write(schema::render_github(report));
  else if (format == "junit") out.write(schema::render_junit(report));
  else out.write(schema::render_text(report));
  out.flush();
}

int run_check(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, schema::k_check_formats, "text");
  const auto mode = parsed_or_usage(schema::parse_compat_mode(opts.mode), "mode", opts.mode,
                                    "use backward, forward, full, backward_transitive, forward_transitive, "
                                    "full_transitive or none");
  const auto policy = parsed_or_usage(schema::parse_policy(opts.policy), "policy", opts.policy, "use strict or lenient");
  const auto schema_format =
      parsed_or_usage(schema::parse_schema_format(opts.format), "format", opts.format, "use auto, json or avro");

  schema::CheckReport report;
  if (opts.paths.size() == 1 && fs::is_directory(opts.paths.front())) {
    schema::RepositoryOptions ro;
    ro.default_mode = mode;
    ro.default_policy = policy;
    ro.format = schema_format;
    ro.against = opts.against;
    report = schema::check_repository(opts.paths.front(), ro);
  } else {
    if (opts.paths.size() < 2)
      throw UsageError("evt schema check needs two schema files (OLD NEW) or one repository directory",
                       "e.g. evt schema check v1.json v2.json, or evt schema check schemas/");
    if (!opts.against.empty()) throw UsageError("--against works with a repository directory, not with files");
    std::vector<schema::LoadedSchema> versions;
    for (const auto& p : opts.paths) versions.push_back(schema::load_schema(p, schema_format));
    schema::VersionCheck check{"", fs::path(opts.paths.back()).filename().string(), opts.paths.back(), "compatible",
                               schema::check_latest(versions, mode, policy), {}};
    if (!check.findings.empty()) check.status = "incompatible";
    report.checks.push_back(std::move(check));
  }
  emit(format, report);
  const int code = report.exit_code();
  if (format == "text") {
    std::size_t checked = 0;
    for (const auto& c : report.checks) checked += c.status == "compatible" || c.status == "incompatible";
    std::string summary = std::to_string(checked) + " version(s) checked under " + opts.mode + ": ";
    summary += code == 0 ? "compatible" : code == 1 ? std::to_string(report.breaking_count()) + " breaking change(s)"
                                                    : "some schemas could not be read";
    note(g, summary);
  }
  return code;
}

int run_validate(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  auto validator = schema::EventValidator::from_file(opts.schema);
  schema::ValidationSummary summary;
  output::Sink out;
  auto report = [&](const schema::LineResult& r) {
    if (format == "json") {
      out.write(nlohmann::json({{"line", r.line}, {"valid", false}, {"errors", r.errors_json()}})
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                "\n");
    } else {
      for (const auto& e : r.errors) out.write(schema::format_line_error(opts.input, r.line, e) + "\n");
    }
  };
  if (opts.input == "-") {
    summary = validator.validate_stream(std::cin, report);
  } else {
    std::ifstream in(opts.input, std::ios::binary);
    if (!in) throw UsageError("cannot read " + opts.input);
    summary = validator.validate_stream(in, report);
  }
  out.flush();
  note(g, std::to_string(summary.lines) + " line(s): " + std::to_string(summary.invalid) + " invalid, " +
              std::to_string(summary.not_json) + " not JSON");
  if (summary.not_json > 0) return static_cast<int>(ExitCode::bad_input);
  return summary.invalid > 0 ? 1 : 0;
}

int run_lint(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, schema::k_lint_formats, "text");
  schema::LintOptions lo;
  lo.disabled.insert(opts.disable.begin(), opts.disable.end());
  lo.allowed_fields.insert(opts.allow_fields.begin(), opts.allow_fields.end());
  const auto result = schema::lint_directory(opts.lint_dir, lo);
  output::Sink out;
  if (format == "json") out.write(schema::render_lint_json(result));
  else if (format == "github") out.write(schema::render_lint_github(result));
  else out.write(schema::render_lint_text(result));
  out.flush();
  note(g, std::to_string(result.files) + " schema(s) linted: " + std::to_string(result.findings.size()) + " finding(s)");
  if (!result.errors.empty()) return static_cast<int>(ExitCode::usage);
  return result.findings.empty() ? 0 : 1;
}

int run_conformance(const Globals& g, const SchemaOpts& opts) {
  const auto r = schema::run_confluent_corpus(opts.corpus, opts.known);
  output::Sink out;
  for (const auto& d : r.disagreements)
    out.write((d.known_reason.empty() ? "DISAGREE " : "KNOWN    ") + d.case_id + " (" + d.description + "): " + d.detail +
              (d.known_reason.empty() ? "" : " -- " + d.known_reason) + "\n");
  for (const auto& s : r.stale_known) out.write("STALE    " + s + " is listed as a known difference but now agrees\n");
  out.write(std::to_string(r.agreed) + "/" + std::to_string(r.cases) + " cases agree, " +
            std::to_string(r.disagreements.size() - r.unexplained()) + " known differences, " +
            std::to_string(r.unexplained()) + " unexplained\n");
  out.flush();
  (void)g;
  return r.unexplained() == 0 && r.stale_known.empty() ? 0 : 1;
}

} // namespace

void add_schema(CLI::App& root, const Globals& g) {
  auto opts = std::make_shared<SchemaOpts>();
  auto* sub = root.add_subcommand("schema", "Check, validate and lint event schemas (JSON Schema, Avro)");
  sub->require_subcommand(1);

  auto* check = sub->add_subcommand("check", "Check schema compatibility (pairwise or a schema repository)");
  check->add_option("paths", opts->paths, "OLD NEW, V1 V2 … VN (last is new), or a repository DIR")->required();
  check->add_option("--mode", opts->mode,
                    "backward (default), forward, full, backward_transitive, forward_transitive, full_transitive, none")
      ->check(one_of(schema::k_compat_modes));
  check->add_option("--format", opts->format, "auto (default), json (JSON Schema) or avro")
      ->check(one_of(schema::k_schema_formats));
  check->add_option("--policy", opts->policy, "strict (Confluent's default) or lenient")->check(one_of(schema::k_policies));
  output_formats(*check, schema::k_check_formats);
  check->add_option("--against", opts->against, "git revision to compare a repository DIR with (e.g. origin/main)");
  check->final_callback([&g, opts] { throw Exit{run_check(g, *opts)}; });

  auto* validate = sub->add_subcommand("validate", "Validate JSON events (one per line) against a JSON Schema");
  validate->add_option("--schema,-s", opts->schema, "JSON Schema file")->required();
  validate->add_option("input", opts->input, "JSON Lines file, or - for stdin (default)");
  output_formats(*validate, k_text_json);
  validate->final_callback([&g, opts] { throw Exit{run_validate(g, *opts)}; });

  auto* lint = sub->add_subcommand("lint", "Check schemas against the event-driven playbook's conventions");
  lint->add_option("dir", opts->lint_dir, "schema repository or folder of schemas")->required();
  lint->add_option("--disable", opts->disable, "rule ID to switch off (repeatable)");
  lint->add_option("--allow-field", opts->allow_fields, "field name allowed despite looking sensitive (repeatable)");
  output_formats(*lint, schema::k_lint_formats);
  lint->final_callback([&g, opts] { throw Exit{run_lint(g, *opts)}; });

  auto* conformance = sub->add_subcommand("conformance", "Run Confluent's JSON Schema diff corpus (test suite use)");
  conformance->group(""); // hidden
  conformance->add_option("corpus", opts->corpus, "corpus directory")->required();
  conformance->add_option("--known", opts->known, "known-differences file");
  conformance->final_callback([&g, opts] { throw Exit{run_conformance(g, *opts)}; });
}

} // namespace evt::cli
