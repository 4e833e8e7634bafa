#pragma once
// The flags `evt dlq inspect` and `evt dlq redrive` share, and what they
// turn into (decode options, filters) with the config file's dlq section.

#include "cli.hpp"

#include "evt/config/dlq_section.hpp"
#include "evt/dlq/convention.hpp"
#include "evt/dlq/select.hpp"

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

namespace evt::cli {

// Flags of the dlq subcommands.
struct DlqOpts {
  std::vector<std::string> topics;
  std::string convention = "auto";
  std::vector<std::string> original_topics, exceptions, messages;
  std::string since, until, offsets;
  std::optional<std::string> key;
  // inspect
  size_t show = 0;
  bool full = false;
  // redrive
  std::string to, parking_topic, rate;
  int64_t max_redrives = 3;
  bool dry_run = false, yes = false, keep_headers = false, skip_too_large = false, scale_out = false;
  // check
  std::optional<uint64_t> max_records;
  std::string max_age;
  bool error_groups = false;
};

// --convention and the filter flags.
void add_dlq_filters(CLI::App& sub, DlqOpts& o);

// The config file's dlq section (empty without a config file).
config::DlqSection dlq_config();

// --convention resolved against the custom mappings.
dlq::DecodeOptions dlq_decode(const DlqOpts& o, const config::DlqSection& section);

// The filter flags as a selection; throws UsageError.
dlq::SelectSpec dlq_select(const DlqOpts& o);

// Milliseconds since the epoch.
int64_t dlq_now_ms();

// Writes a report to stdout; throws (exit 3) when it could not be written
// (a full disk, a closed pipe is the usual quiet end).
void write_report(const std::string& text);

}  // namespace evt::cli
