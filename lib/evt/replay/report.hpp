#pragma once
// How a replay's outcome reads: the plan shown before confirming, the
// summary on stderr, the same counts as JSON (-o json), the dry run.

#include "evt/output/progress.hpp"
#include "evt/replay/copy.hpp"

#include <string>

namespace evt::replay {

// The progress line's snapshot of a copy (replay, dlq redrive), under
// `label` ("replayed", "re-driven").
output::ProgressSnapshot progress_snapshot(const CopyProgress& p, const char* label);

// Per-partition table of what a run will read: source, range, records, target.
std::string render_plan(const std::vector<read::PartitionPlan>& plans, const std::string& dest_topic);

// One or two lines: what was written, found from an earlier attempt, filtered.
std::string render_summary(const CopyReport& report, const std::string& dest_topic);

// A per-partition table of the counts (dry run: without written/already).
std::string render_partitions(const CopyReport& report, bool dry_run);

// The counts as one JSON document (with "sample" record lines for a dry run).
std::string render_json(const CopyReport& report, const std::string& dest_topic, bool dry_run);

}  // namespace evt::replay
