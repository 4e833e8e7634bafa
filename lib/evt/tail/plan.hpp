#pragma once
// Turning `evt tail`'s topics, partitions and position into absolute
// offsets per partition, with one batched offsets request and, for times,
// the broker's offsets-for-times or a binary search on record timestamps.

#include "evt/kafka/admin.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/read/position.hpp"

#include <string>
#include <vector>

namespace evt::tail {

// What to read.
struct TailRequest {
  std::vector<std::string> topics;
  std::vector<int32_t> partitions;  // empty: all
  read::PositionSpec position;
  bool exit_at_end = false;
};

// The plan and what the user may want to know about how it was made (-v).
struct TailPlan {
  std::vector<read::PartitionPlan> partitions;
  std::vector<std::string> notes;
};

// Resolves the request. Throws UsageError for unknown topics or partitions.
TailPlan plan_tail(kafka::Admin& admin, const kafka::ClientConfig& config, const TailRequest& request);

}  // namespace evt::tail
