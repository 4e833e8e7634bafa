#pragma once
// Run ids name one replay: its consumer group (the checkpoint) and the
// evt_replay_run header on every record it wrote.

#include "evt/read/position.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace evt::replay {

// "r-" and 16 hex digits of a 64-bit FNV-1a hash of `selection` (a
// canonical text of what is copied where).
std::string derive_run_id(std::string_view selection);

// A canonical text of a selection for derive_run_id: each partition and its
// resolved range, then `extras` (filters, destination, options) in order.
std::string selection_text(const std::vector<read::PartitionPlan>& plans,
                           const std::vector<std::string>& extras);

// Throws UsageError unless the id is 1-100 characters of [A-Za-z0-9._-].
void check_run_id(std::string_view id);

// The consumer group holding a run's checkpoint: "evt-replay-<id>".
std::string run_group(std::string_view id);

}  // namespace evt::replay
