#include "replay_modes.hpp"

#include "help_fold.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <cstdio>

namespace evt::cli {

void add_replay_options(CLI::App& sub, ReplayOpts& o) {
  sub.add_option("sources", o.sources, "Source topics");
  sub.add_option("--to", o.to, "Destination topic");
  sub.add_option("-s,--start", o.start, "Position: beginning|N|+N|-N|N:M|@TIME|@T1:T2 (as evt tail)");
  sub.add_option("--end", o.end, "Stop before: end, offset N or @TIME (default: the end now)");
  sub.add_option("-p,--partitions", o.partitions, "Only these source partitions, e.g. 0,2 or 0-3");
  sub.add_option("--type", o.filter.types, "Only CloudEvents type T (repeatable: any of)")
      ->allow_extra_args(false);
  sub.add_option("--type-field", o.filter.type_field, "JSON path of the type in plain JSON values");
  sub.add_option("--key", o.key, "Only records with this key");
  sub.add_option("--header", o.filter.headers, "Only records with header K=V (or K)")
      ->allow_extra_args(false);
  sub.add_option("--where", o.filter.wheres, "Only values where 'PATH OP VALUE'")->allow_extra_args(false);
  sub.add_option("--grep", o.filter.greps, "Only records whose value or key contains TEXT")
      ->allow_extra_args(false);
  sub.add_option("--rate", o.rate, "At most N records per second (N/s, N/m, N/h)");
  sub.add_flag("--dry-run", o.dry_run, "Count per partition and show a sample; write and commit nothing");
  sub.add_option("--run-id", o.run_id, "Resume or name a run (default: derived from the selection)");
  sub.add_flag("--scale-out", o.scale_out, "Share the run with other processes of its --run-id (group)");
  sub.add_flag("-y,--yes", o.yes, "Do not ask for confirmation on a terminal");
  sub.add_flag("--allow-same-topic", o.allow_same_topic, "Allow replaying a topic into itself");
  sub.add_flag("--keep-timestamps", o.keep_timestamps, "Keep source timestamps (default: time of writing)");
  sub.add_flag("--no-provenance", o.no_provenance,
               "No evt_replay_src/evt_replay_run headers (gives up exactly-once resume)");
  sub.add_option("--partition-by", o.partition_by,
                 "same (partition number) or key (default: same if it fits)")
      ->check(CLI::IsMember({"auto", "same", "key"}));
  sub.add_option("--to-brokers", o.to_brokers, "Destination brokers (another cluster)");
  sub.add_option("--to-context", o.to_context, "Destination config context");
  sub.add_option("--to-X", o.to_properties, "Destination client property KEY=VALUE")->allow_extra_args(false);
  sub.add_option("--group", o.group, "Rewind this consumer group (plan; --execute applies)");
  sub.add_flag("--to-earliest", o.to_earliest, "Rewind: to the log start");
  sub.add_flag("--to-latest", o.to_latest, "Rewind: to the log end");
  sub.add_option("--to-offset", o.to_offset, "Rewind: to offset N (clamped to the log)");
  sub.add_option("--shift-by", o.shift_by, "Rewind: move by ±N from the committed offset");
  sub.add_option("--to-time", o.to_time, "Rewind: to the first record at or after TIME");
  sub.add_option("--by-duration", o.by_duration,
                 "Rewind: to the first record of the last DURATION (e.g. 2h)");
  sub.add_option("-t,--topic", o.scopes, "Rewind only TOPIC[:PARTITIONS] (repeatable)")
      ->allow_extra_args(false);
  sub.add_flag("--execute", o.execute, "Rewind: apply the plan (default: show it only)");
  sub.add_option("--export", o.export_file, "Rewind: write the plan as reset CSV (topic,partition,offset)");
  sub.add_option("--from-file", o.from_file,
                 "With --group: apply a reset CSV; else replay a capture (JSONL)");
  sub.add_option("--redact", o.redact, "Capture: HMAC a field: value path a.b, key, header:NAME")
      ->allow_extra_args(false);
  sub.add_option("--redact-key-file", o.redact_key_file, "Capture: HMAC key file (else env EVT_REDACT_KEY)");
  sub.formatter(folding_formatter({
      {{"--type", "--type-field", "--key", "--header", "--where", "--grep"},
       "Only matching records: filters as in evt tail"},
      {{"--to-brokers", "--to-context", "--to-X"},
       "Destination cluster and properties (default: the source's)"},
      {{"--to-earliest", "--to-latest", "--to-offset", "--shift-by", "--to-time", "--by-duration"},
       "Rewind target, one of (with --group)"},
  }));
  sub.footer(
      "The checkpoint is the consumer group evt-replay-<run id> on the source cluster.\n"
      "See 'man evt-replay' for the guarantee, group rewind and capture replay.");
}

kafka::ClientConfig destination_config(const Globals& g, const ReplayOpts& o) {
  Globals d = g;
  d.properties.insert(d.properties.end(), o.to_properties.begin(), o.to_properties.end());
  if (o.to_brokers.empty() && o.to_context.empty()) {
    return client_config(d);  // the source's cluster, perhaps with other properties
  }
  d.brokers = o.to_brokers;
  d.context = o.to_context;
  d.properties = o.to_properties;
  return other_cluster_config(d);
}

replay::CopyOptions copy_options(const Globals& g, const ReplayOpts& o) {
  replay::CopyOptions options;
  options.provenance = !o.no_provenance;
  options.keep_timestamps = o.keep_timestamps;
  options.partition_by = o.partition_by == "same"  ? replay::PartitionBy::same
                         : o.partition_by == "key" ? replay::PartitionBy::key
                                                   : replay::PartitionBy::automatic;
  options.rate = o.rate.empty() ? 0 : deliver::parse_rate(o.rate);
  options.dry_run = o.dry_run;
  options.scale_out = o.scale_out;
  options.idle_timeout_ms = timeout_ms(g);
  options.stop_requested = [] { return interrupted(); };
  options.on_warning = [](const std::string& w) { warn(output::terminal_safe(w)); };
  return options;
}

std::string filter_text(const ReplayOpts& o) {
  std::string t = "key=" + o.key + ";type-field=" + o.filter.type_field;
  for (const auto* list : {&o.filter.types, &o.filter.headers, &o.filter.wheres, &o.filter.greps}) {
    t += ";";
    for (const auto& v : *list) {
      t += v + "\x1f";
    }
  }
  return t;
}

void print_sample(const replay::CopyReport& report) {
  std::string out;
  for (const auto& r : report.sample) {
    codec::append_record_line(out, r);
  }
  std::fputs(out.c_str(), stdout);
}

}  // namespace evt::cli
