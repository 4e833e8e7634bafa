// `evt replay --from-file CAPTURE --to DST`: the capture mode of evt replay.
#include "replay_modes.hpp"

#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/replay/capture.hpp"
#include "evt/replay/redact.hpp"
#include "evt/replay/report.hpp"
#include "evt/replay/run_id.hpp"
#include "evt/signals.hpp"

#include <cstdio>

namespace evt::cli {

ExitCode run_capture_replay(const Globals& g, ReplayOpts& o) {
  if (!o.sources.empty() || o.to.empty()) {
    throw UsageError("--from-file replays a capture: give --to DEST and no source topics");
  }
  if (!o.start.empty() || !o.end.empty() || !o.partitions.empty()) {
    throw UsageError("-s, --end and -p select from topics; a capture is replayed from its first line");
  }
  if (!o.key.empty()) {
    o.filter.key = o.key;
  }
  const filter::RecordFilter filter(o.filter);
  std::vector<replay::RedactPath> paths;
  for (const auto& r : o.redact) {
    paths.push_back(replay::parse_redact_path(r));
  }
  const replay::Redactor redactor(paths,
                                  paths.empty() ? std::string() : replay::read_redact_key(o.redact_key_file));
  replay::Destination dest{destination_config(g, o), o.to};
  kafka::require_partition_eof(dest.config);
  auto options = copy_options(g, o);
  std::string redacted;
  for (const auto& r : o.redact) {
    redacted += r + "\x1f";
  }
  if (o.run_id.empty()) {
    o.run_id = replay::derive_run_id("capture\n" + o.from_file + "\n" + filter_text(o) + "\n" + redacted +
                                     "\n" + dest.config.brokers + "\n" + o.to + "\n" + o.partition_by);
  }
  replay::check_run_id(o.run_id);
  options.run_id = o.run_id;
  const bool json = output_format(g, {"text", "json"}, "text") == "json";
  if (!o.dry_run) {
    note(g, "run id " + o.run_id + " (checkpoint " +
                output::terminal_safe(replay::capture_state_path(o.from_file, o.run_id)) + ")");
  }
  const auto report =
      replay::replay_capture({o.from_file, redactor.empty() ? nullptr : &redactor}, dest, filter, options);
  for (const auto& w : report.warnings) {
    warn(w);
  }
  if (json) {
    std::fputs(replay::render_json(report, o.to, o.dry_run).c_str(), stdout);
  } else if (o.dry_run) {
    std::fputs(replay::render_partitions(report, true).c_str(), stdout);
    print_sample(report);
  } else {
    note(g, replay::render_summary(report, o.to));
  }
  if (report.interrupted) {
    throw Interrupted();
  }
  return ExitCode::ok;
}

}  // namespace evt::cli
