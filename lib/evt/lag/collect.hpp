#pragma once
// Gathers one lag snapshot from the brokers with a fixed number of round
// trips: metadata once, committed offsets once per group, log start/end once
// per broker, and record timestamps (time lag) only for lagging partitions.

#include "evt/kafka/client_config.hpp"
#include "evt/kafka/groups.hpp"
#include "evt/lag/lag.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::lag {

// What to measure.
struct LagRequest {
  std::vector<std::string> groups;  // required (list them first when the user gave none)
  std::vector<std::string> topics;  // empty: the topics each group committed or is assigned
  bool time_lag = true;
};

// What evt knows about one group besides its offsets.
struct GroupSummary {
  std::string group;
  std::optional<kafka::GroupState> state;                  // nullopt: the broker cannot say
  std::optional<std::vector<kafka::GroupMember>> members;  // nullopt: the broker cannot say
};

// One measurement of every requested group.
struct LagSnapshot {
  int64_t taken_ms = 0;              // wall clock, ms since the epoch
  std::vector<GroupSummary> groups;  // in request order
  std::vector<PartitionLag> partitions;
  bool members_supported = false;  // DescribeConsumerGroups answered
  std::vector<std::string> notes;  // things the user should know (stderr)
};

// Holds the broker connections across refreshes (for --watch).
class LagCollector {
 public:
  explicit LagCollector(const kafka::ClientConfig& config);
  ~LagCollector();
  LagCollector(const LagCollector&) = delete;
  LagCollector& operator=(const LagCollector&) = delete;

  // Every consumer group with its state, where the broker can list them.
  kafka::MaybeSupported<std::vector<kafka::GroupListing>> list_groups();

  // Measures the lag of the requested groups now.
  LagSnapshot collect(const LagRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::lag
