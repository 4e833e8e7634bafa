#include "tail.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/tail/command.hpp"
#include "evt/tail/writer.hpp"

#include <memory>

namespace evt::cli {
namespace {

struct TailOpts {
  tail::TailCommand command;
  std::string format;
  std::string out_file;
  std::string binary = "escape";
};

ExitCode run_tail(const Globals& g, const TailOpts& o) {
  tail::TailJob job(o.command);
  output::Sink out;
  std::unique_ptr<output::RecordFormatter> shown;
  if (const auto fallback =
          tail::stdout_fallback(g.output, o.format, !o.out_file.empty(), out.is_terminal())) {
    shown = tail::stdout_formatter(output_format(g, tail::stdout_styles(), *fallback), o.format,
                                   output::use_color(g.color, stdout), out.is_terminal(), o.binary);
  }
  std::unique_ptr<output::Sink> file;
  if (!o.out_file.empty()) {
    file = tail::open_capture_file(o.out_file);
  }
  tail::BatchWriter writer(std::move(shown), &out, file.get());
  const auto stats = job.run(client_config(g), writer, writer.needs_headers(), [&g](const std::string& n) {
    if (g.verbose > 0) {
      note(g, output::terminal_safe(n));
    }
  });
  out.close();
  if (file) {
    file->close();
    note(g, "wrote " + std::to_string(stats.shown) + " record(s) to " + output::terminal_safe(o.out_file));
  }
  if (g.verbose > 0) {
    note(g, "read " + std::to_string(stats.read) + " record(s), showed " + std::to_string(stats.shown));
  }
  if (stats.interrupted) {
    throw Interrupted();
  }
  return ExitCode::ok;
}

}  // namespace

void add_tail(CLI::App& root, Globals& g) {
  auto o = std::make_shared<TailOpts>();
  auto& c = o->command;
  auto* sub = root.add_subcommand("tail", "Read records: follow, ranges, times, filters");
  sub->add_option("topics", c.topics, "Topics to read")->required()->check(existing_topic());
  sub->add_option("-s,--start,--offset", c.start,
                  "Position: beginning|end|N|+N|-N|N:M|:end|@TIME|@T1:T2 (rpk's grammar)");
  sub->add_option("--end", c.end, "Stop before: end, offset N or @TIME");
  sub->add_option("-p,--partitions", c.partitions, "Only these partitions, e.g. 0,2 or 0-3");
  sub->add_option("-n,--count", c.count, "Stop after N matching records")->check(at_least(0));
  sub->add_flag("-e,--exit", c.exit_at_end, "Stop at the end offsets taken at start");
  sub->add_option("-g,--group", c.group, "Read as this consumer group and commit what was shown");
  sub->add_option("-f,--format", o->format, "Template: %t %p %o %k %s %h %T %S %K %d (time)");
  sub->add_option("--out", o->out_file, "Write record lines to FILE (stdout only with -o/-f)");
  sub->add_option("--binary", o->binary, "Non-text bytes as: escape, hex or base64")
      ->check(one_of(output::k_binary_displays));
  sub->add_option("--type", c.filter.types, "Only CloudEvents type T (repeatable: any of)")
      ->allow_extra_args(false);
  sub->add_option("--type-field", c.filter.type_field, "JSON path of the type in plain JSON values");
  sub->add_option("--key", c.key, "Only records with this key");
  sub->add_option("--header", c.filter.headers, "Only records with header K=V (or K)")
      ->allow_extra_args(false);
  sub->add_option("--where", c.filter.wheres, "Only values where 'PATH OP VALUE' (== != < > ~ exists)")
      ->allow_extra_args(false);
  sub->add_option("--grep", c.filter.greps, "Only records whose raw value or key contains TEXT")
      ->allow_extra_args(false);
  output_formats(*sub, tail::stdout_styles());
  sub->footer(
      "Output (-o): pretty (terminal default), jsonl (pipe default), raw, template.\n"
      "Without -e or an end, evt starts at the end and follows new records.\n"
      "See 'man evt-tail' for positions, filters and tokens.");
  sub->final_callback([&g, o] { g.outcome = run_tail(g, *o); });
}

}  // namespace evt::cli
