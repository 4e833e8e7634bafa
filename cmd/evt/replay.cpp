#include "replay.hpp"

#include "evt/deliver/rate_limiter.hpp"
#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/replay/copy.hpp"
#include "evt/replay/report.hpp"
#include "evt/replay/run_id.hpp"
#include "evt/signals.hpp"
#include "evt/tail/plan.hpp"
#include "replay_modes.hpp"

#include <chrono>
#include <cstdio>

namespace evt::cli {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

ExitCode run_copy(const Globals& g, ReplayOpts& o) {
  if (o.sources.empty() || o.to.empty()) {
    throw UsageError("evt replay needs source topics and --to DEST",
                     "e.g. evt replay orders -s @-1h --to orders-replay");
  }
  if (!o.key.empty()) {
    o.filter.key = o.key;
  }
  const filter::RecordFilter filter(o.filter);
  auto source = client_config(g);
  kafka::require_partition_eof(source);
  replay::Destination dest{destination_config(g, o), o.to};
  kafka::require_partition_eof(dest.config);
  replay::check_not_into_itself(o.sources, source.brokers, dest, o.allow_same_topic);
  if (o.scale_out && o.run_id.empty() && !o.dry_run) {
    throw UsageError("--scale-out needs --run-id: every process of the run must name it",
                     "start each process with the same arguments and the same --run-id");
  }
  kafka::Admin admin(source);
  tail::TailRequest request{
      o.sources, {}, read::parse_start_end(o.start, o.end, {read::BoundKind::beginning, 0}, now_ms()), true};
  if (!o.partitions.empty()) {
    request.partitions = read::parse_partition_list(o.partitions);
  }
  const auto plan = tail::plan_tail(admin, source, request);
  auto options = copy_options(g, o);
  if (o.run_id.empty()) {
    o.run_id = replay::derive_run_id(replay::selection_text(
        plan.partitions, {filter_text(o), dest.config.brokers, o.to, o.partition_by,
                          o.keep_timestamps ? "keep-ts" : "", o.no_provenance ? "no-prov" : ""}));
  }
  replay::check_run_id(o.run_id);
  options.run_id = o.run_id;
  const bool json = output_format(g, {"text", "json"}, "text") == "json";
  if (!o.dry_run &&
      !confirm_on_terminal(o.yes, replay::render_plan(plan.partitions, o.to) + "Replay (run id " +
                                      output::terminal_safe(o.run_id) + ")?")) {
    note(g, "nothing replayed");
    return ExitCode::no;
  }
  if (!o.dry_run) {
    note(g, "run id " + o.run_id + " (resume an interrupted run with --run-id " + o.run_id + ")");
  }
  if (o.no_provenance && !o.dry_run) {
    warn("--no-provenance: a resumed run may write records in flight at the interruption twice");
  }
  output::Progress progress(output::progress_wanted(g.quiet),
                            [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); });
  if (progress.enabled()) {
    options.on_progress = [&progress](const replay::CopyProgress& p) {
      progress.update(replay::progress_snapshot(p, "replayed"));
    };
  }
  options.on_warning = [&progress](const std::string& w) {
    progress.clear();
    warn(output::terminal_safe(w));
  };
  const auto report = replay::copy_records(source, dest, plan.partitions, filter, options);
  progress.clear();
  for (const auto& w : report.warnings) {
    warn(w);
  }
  if (g.verbose > 0) {
    for (const auto& n : report.notes) {
      note(g, output::terminal_safe(n));
    }
  }
  if (json) {
    std::fputs(replay::render_json(report, o.to, o.dry_run).c_str(), stdout);
  } else if (o.dry_run) {
    std::fputs(replay::render_partitions(report, true).c_str(), stdout);
    print_sample(report);
  }
  if (!o.dry_run) {
    note(g, replay::render_summary(report, o.to));
    if (g.verbose > 0 && !json) {
      std::fputs(replay::render_partitions(report, false).c_str(), stderr);
    }
  }
  if (report.interrupted) {
    throw Interrupted();
  }
  return ExitCode::ok;
}

}  // namespace

void add_replay(CLI::App& root, Globals& g) {
  auto o = std::make_shared<ReplayOpts>();
  auto* sub =
      root.add_subcommand("replay", "Copy records to a topic (resumable), replay captures, rewind groups");
  add_replay_options(*sub, *o);
  sub->final_callback([&g, o] {
    g.outcome = !o->group.empty()       ? run_rewind(g, *o)
                : !o->from_file.empty() ? run_capture_replay(g, *o)
                                        : run_copy(g, *o);
  });
}

}  // namespace evt::cli
