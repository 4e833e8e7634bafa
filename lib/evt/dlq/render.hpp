#pragma once
// How `evt dlq` reports look: text (every string from the network
// terminal-escaped), JSON and Prometheus text exposition.

#include "evt/dlq/inspect.hpp"
#include "evt/dlq/redrive.hpp"
#include "evt/dlq/status.hpp"

#include <string>
#include <vector>

namespace evt::dlq {

// Stack trace lines shown unless --full.
inline constexpr size_t k_folded_frames = 4;

// inspect: a header line, the groups table, the shown records.
std::string render_inspect_text(const InspectReport& report, bool full, int64_t now_ms);
std::string render_inspect_json(const InspectReport& report);

// redrive: the plan of a dry run (per destination, per error group).
std::string render_redrive_plan(const RedriveReport& report);
// The one-line summary (stderr).
std::string render_redrive_summary(const RedriveReport& report);
std::string render_redrive_json(const RedriveReport& report, bool dry_run);

// ls: one row per topic.
std::string render_status_table(const std::vector<TopicStatus>& statuses, int64_t now_ms);
std::string render_status_json(const std::vector<TopicStatus>& statuses, int64_t now_ms);

// check: Prometheus text exposition of the statuses and verdicts.
// `groups` (one entry per status, may be empty) adds a series per error group.
std::string render_check_prometheus(const std::vector<TopicStatus>& statuses,
                                    const std::vector<std::string>& reasons, int64_t now_ms,
                                    const std::vector<std::vector<ErrorGroup>>& groups = {});

}  // namespace evt::dlq
