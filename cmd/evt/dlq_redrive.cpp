// `evt dlq inspect` and `evt dlq redrive`.
#include "choices.hpp"
#include "dlq_options.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/dlq/inspect.hpp"
#include "evt/dlq/redrive.hpp"
#include "evt/dlq/render.hpp"
#include "evt/error.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/replay/report.hpp"
#include "evt/signals.hpp"

#include <cstdio>
#include <memory>

namespace evt::cli {
namespace {

ExitCode run_inspect(const Globals& g, const DlqOpts& o, const CLI::App& sub) {
  const bool json = output_format(g, output_formats_of(sub), "text") == "json";
  const auto section = dlq_config();
  dlq::InspectRequest req;
  req.topic = o.topics.at(0);
  req.decode = dlq_decode(o, section);
  req.select = dlq_select(o);
  req.show = o.show;
  req.idle_timeout_ms = timeout_ms(g);
  const auto report = dlq::inspect(client_config(g), req);
  const auto text =
      json ? dlq::render_inspect_json(report) : dlq::render_inspect_text(report, o.full, dlq_now_ms());
  write_report(text);
  return ExitCode::ok;
}

ExitCode run_redrive(const Globals& g, const DlqOpts& o, const CLI::App& sub) {
  const bool json = output_format(g, output_formats_of(sub), "text") == "json";
  const auto section = dlq_config();
  dlq::RedriveRequest req;
  req.topic = o.topics.at(0);
  req.decode = dlq_decode(o, section);
  req.select = dlq_select(o);
  req.route.to = o.to;
  req.route.parking_topic = o.parking_topic.empty() ? req.topic + section.parking_suffix : o.parking_topic;
  req.route.max_redrives = o.max_redrives;
  req.route.keep_headers = o.keep_headers;
  req.route.custom = req.decode.custom;
  req.dry_run = o.dry_run;
  req.scale_out = o.scale_out;
  req.skip_too_large = o.skip_too_large;
  req.rate = o.rate.empty() ? 0 : deliver::parse_rate(o.rate);
  req.idle_timeout_ms = timeout_ms(g);
  req.stop_requested = [] { return interrupted(); };
  const auto what = "the dead letters of '" + output::terminal_safe(req.topic) + "' to " +
                    (o.to.empty() ? "their original topics" : "'" + output::terminal_safe(o.to) + "'") +
                    " (parking topic '" + output::terminal_safe(req.route.parking_topic) + "')";
  if (!confirm_on_terminal(o.yes || o.dry_run, "Re-drive " + what + "?")) {
    note(g, "nothing re-driven");
    return ExitCode::no;
  }
  output::Progress progress(output::progress_wanted(g.quiet),
                            [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); });
  if (progress.enabled()) {
    req.on_progress = [&progress](const replay::CopyProgress& p) {
      progress.update(replay::progress_snapshot(p, "re-driven"));
    };
  }
  const auto report = dlq::redrive(client_config(g), req);
  progress.clear();
  for (const auto& w : report.copy.warnings) {
    warn(w);
  }
  if (json) {
    write_report(dlq::render_redrive_json(report, o.dry_run));
  } else if (o.dry_run) {
    write_report(dlq::render_redrive_plan(report));
  }
  if (!o.dry_run) {
    note(g, dlq::render_redrive_summary(report));
  }
  if (!o.dry_run) {
    dlq::throw_if_failed(report);
  }
  if (report.interrupted) {
    throw Interrupted();
  }
  return ExitCode::ok;
}

}  // namespace

void add_dlq_inspect(CLI::App& dlq, Globals& g) {
  auto o = std::make_shared<DlqOpts>();
  auto* sub = dlq.add_subcommand("inspect", "What failed and why: dead letters grouped by origin and error");
  sub->add_option("topic", o->topics, "The dead-letter topic")
      ->required()
      ->expected(1)
      ->check(existing_topic());
  add_dlq_filters(*sub, *o);
  sub->add_option("--show", o->show, "Also print the first N dead letters with their decoded metadata");
  sub->add_flag("--full", o->full, "Whole stack traces (default: the first frames)");
  output_formats(*sub, k_text_json);
  sub->final_callback([&g, o, sub] { g.outcome = run_inspect(g, *o, *sub); });
}

void add_dlq_redrive(CLI::App& dlq, Globals& g) {
  auto o = std::make_shared<DlqOpts>();
  auto* sub = dlq.add_subcommand("redrive", "Send dead letters back to their topics, once each (resumable)");
  sub->add_option("topic", o->topics, "The dead-letter topic")
      ->required()
      ->expected(1)
      ->check(existing_topic());
  sub->add_option("--to", o->to, "Send to this topic instead of the original ones")->check(existing_topic());
  add_dlq_filters(*sub, *o);
  sub->add_flag("--dry-run", o->dry_run, "Print the plan; write and commit nothing");
  sub->add_option("--rate", o->rate, "At most N records per second (N/s, N/m, N/h)");
  sub->add_flag("-y,--yes", o->yes, "Do not ask for confirmation on a terminal");
  sub->add_flag("--keep-headers", o->keep_headers, "Keep the failure headers on re-driven records");
  sub->add_option("--max-redrives", o->max_redrives, "Park records re-driven this often already (default 3)")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--parking-topic", o->parking_topic, "Where parked records go (default <topic>.parked)")
      ->check(existing_topic());
  sub->add_flag("--skip-too-large", o->skip_too_large,
                "Pass over dead letters larger than the destination takes (counted as failed)");
  sub->add_flag("--scale-out", o->scale_out,
                "Share this topic's redrive with other processes run with --scale-out");
  output_formats(*sub, k_text_json);
  sub->final_callback([&g, o, sub] { g.outcome = run_redrive(g, *o, *sub); });
}

}  // namespace evt::cli
