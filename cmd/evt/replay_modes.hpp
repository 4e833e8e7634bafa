#pragma once
// The flags of `evt replay` and its three modes (copy, capture, rewind).

#include "cli.hpp"

#include "evt/filter/filter.hpp"
#include "evt/replay/copy.hpp"

#include <optional>
#include <string>
#include <vector>

namespace evt::cli {

// Every flag of `evt replay`.
struct ReplayOpts {
  std::vector<std::string> sources;
  std::string to;
  std::string start, end, partitions;
  filter::FilterSpec filter;
  std::string key;
  std::string rate;
  bool dry_run = false;
  std::string run_id;
  bool yes = false;
  bool scale_out = false;
  bool allow_same_topic = false;
  bool keep_timestamps = false;
  bool no_provenance = false;
  std::string partition_by = "auto";
  std::string to_brokers, to_context;
  std::vector<std::string> to_properties;
  // Group rewind.
  std::string group;
  bool to_earliest = false, to_latest = false;
  std::optional<int64_t> to_offset, shift_by;
  std::string to_time, by_duration;
  std::vector<std::string> scopes;
  bool execute = false;
  std::string export_file;
  std::string from_file;  // a reset CSV with --group, else a capture
  // Capture replay.
  std::vector<std::string> redact;
  std::string redact_key_file;
};

// Registers the flags on the subcommand.
void add_replay_options(CLI::App& sub, ReplayOpts& o);

// The destination's client config: the source's unless --to-brokers,
// --to-context or --to-X say otherwise.
kafka::ClientConfig destination_config(const Globals& g, const ReplayOpts& o);

// The copy options the flags give (all but the run id).
replay::CopyOptions copy_options(const Globals& g, const ReplayOpts& o);

// The filters as text (part of the derived run id).
std::string filter_text(const ReplayOpts& o);

// `evt replay --group G …`: plan (and with --execute apply) a rewind.
ExitCode run_rewind(const Globals& g, const ReplayOpts& o);

// `evt replay --from-file CAPTURE --to DST`.
ExitCode run_capture_replay(const Globals& g, ReplayOpts& o);

// Prints a dry run's sample as record lines on stdout.
void print_sample(const replay::CopyReport& report);

}  // namespace evt::cli
