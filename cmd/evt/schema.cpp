#include "schema.hpp"

#include "choices.hpp"
#include "evt/schema/json_schema_model.hpp"

#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/schema/command.hpp"

#include <memory>

namespace evt::cli {
namespace {

struct SchemaOpts {
  schema::CheckRequest check;
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

ExitCode run_check(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, schema::k_check_formats, "text");
  const auto report = schema::run_check(opts.check);
  output::Sink out;
  out.write(schema::render_check(format, report));
  out.flush();
  if (format == "text") {
    note(g, schema::check_summary(report, opts.check.mode));
  }
  return report.exit_code();
}

ExitCode run_validate(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  const auto validator = schema::EventValidator::from_file(opts.schema);
  output::Sink out;
  const auto summary = schema::validate_input(validator, opts.input, [&](const schema::LineResult& r) {
    out.write(schema::render_invalid_line(format, opts.input, r));
  });
  out.flush();
  note(g, schema::validation_summary_text(summary));
  return schema::validation_exit_code(summary);
}

ExitCode run_lint(const Globals& g, const SchemaOpts& opts) {
  const auto format = output_format(g, schema::k_lint_formats, "text");
  schema::LintOptions lo;
  lo.disabled.insert(opts.disable.begin(), opts.disable.end());
  lo.allowed_fields.insert(opts.allow_fields.begin(), opts.allow_fields.end());
  const auto result = schema::lint_directory(opts.lint_dir, lo);
  output::Sink out;
  out.write(schema::render_lint(format, result));
  out.flush();
  note(g, schema::lint_summary(result));
  return schema::lint_exit_code(result);
}

ExitCode run_conformance(const SchemaOpts& opts) {
  const auto r = schema::run_confluent_corpus(opts.corpus, opts.known);
  output::Sink out;
  out.write(schema::render_conformance(r));
  out.flush();
  return schema::conformance_exit_code(r);
}

}  // namespace

void add_schema(CLI::App& root, Globals& g) {
  auto opts = std::make_shared<SchemaOpts>();
  auto* sub = root.add_subcommand("schema", "Check, validate and lint event schemas (JSON Schema, Avro)");
  sub->require_subcommand(1);

  auto* check = sub->add_subcommand("check", "Check schema compatibility (pairwise or a schema repository)");
  check->add_option("paths", opts->check.paths, "OLD NEW, V1 V2 … VN (last is new), or a repository DIR")
      ->required();
  check
      ->add_option(
          "--mode", opts->check.mode,
          "backward (default), forward, full, backward_transitive, forward_transitive, full_transitive, none")
      ->check(one_of(schema::k_compat_modes));
  check->add_option("--format", opts->check.format, "auto (default), json (JSON Schema) or avro")
      ->check(one_of(schema::k_schema_formats));
  check->add_option("--policy", opts->check.policy, "strict (Confluent's default) or lenient")
      ->check(one_of(schema::k_policies));
  output_formats(*check, schema::k_check_formats);
  check->add_option("--against", opts->check.against,
                    "git revision to compare a repository DIR with (e.g. origin/main)");
  check->final_callback([&g, opts] { g.outcome = run_check(g, *opts); });

  auto* validate =
      sub->add_subcommand("validate", "Validate JSON events (one per line) against a JSON Schema");
  validate->add_option("--schema,-s", opts->schema, "JSON Schema file")->required();
  validate->add_option("input", opts->input, "JSON Lines file, or - for stdin (default)");
  output_formats(*validate, k_text_json);
  validate->final_callback([&g, opts] { g.outcome = run_validate(g, *opts); });

  auto* lint = sub->add_subcommand("lint", "Check schemas against the event-driven playbook's conventions");
  for (auto* app : {check, validate, lint}) {
    app->add_flag_callback(
        "--allow-ref-outside", [] { schema::set_ref_outside_allowed(true); },
        "Let local $refs leave the schema's folder");
  }
  lint->add_option("dir", opts->lint_dir, "schema repository or folder of schemas")->required();
  lint->add_option("--disable", opts->disable, "rule ID to switch off (repeatable)");
  lint->add_option("--allow-field", opts->allow_fields,
                   "field name allowed despite looking sensitive (repeatable)");
  output_formats(*lint, schema::k_lint_formats);
  lint->final_callback([&g, opts] { g.outcome = run_lint(g, *opts); });

  auto* conformance =
      sub->add_subcommand("conformance", "Run Confluent's JSON Schema diff corpus (test suite use)");
  conformance->group("");  // hidden
  conformance->add_option("corpus", opts->corpus, "corpus directory")->required();
  conformance->add_option("--known", opts->known, "known-differences file");
  conformance->final_callback([&g, opts] { g.outcome = run_conformance(*opts); });
}

}  // namespace evt::cli
