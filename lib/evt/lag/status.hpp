#pragma once
// Burrow-style evaluation of one partition's lag over a sliding window of
// refreshes, plus consumption/production rates and a catch-up estimate.
//
// Burrow reads commit timestamps from __consumer_offsets; evt only sees the
// committed offset at each refresh, so a "commit" here is a change of the
// committed offset, timed when evt first saw it.

#include "evt/names.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace evt::lag {

// Partition and group status, ordered from best to worst (group = worst).
enum class LagStatus { pending, ok, warn, rewind, stall, stop };

// "OK", "WARN", "REWIND", "STALL", "STOP", or "-" for pending.
std::string to_string(LagStatus status);

// The statuses --fail-on accepts.
inline constexpr auto k_fail_on_statuses = make_name_table<LagStatus>(
    {{"warn", LagStatus::warn}, {"stall", LagStatus::stall}, {"stop", LagStatus::stop}});

// Parses a name of k_fail_on_statuses; nullopt otherwise.
std::optional<LagStatus> parse_fail_on(const std::string& text);

// True when `status` is at least as bad as `limit` (pending never fails).
bool fails(LagStatus status, LagStatus limit);

// The worst of several statuses; pending when empty.
LagStatus worst_status(const std::vector<LagStatus>& statuses);

// Which way the lag went over the window.
enum class LagTrend { unknown, shrinking, steady, growing };

// "shrinking", "steady", "growing" or "-".
std::string to_string(LagTrend trend);

// One refresh of one partition.
struct LagSample {
  double time_s = 0;                 // seconds on any monotonic scale
  std::optional<int64_t> committed;  // nullopt: no commit
  int64_t log_end = -1;
  std::optional<int64_t> lag;
};

// A change of the committed offset, timed when it was first seen.
struct CommitSeen {
  double time_s = 0;
  int64_t offset = 0;
};

// The last `window` samples and committed-offset changes of one partition.
class PartitionHistory {
 public:
  explicit PartitionHistory(size_t window = 10) : m_window(window < 2 ? 2 : window) {}
  void add(const LagSample& sample);
  const std::deque<LagSample>& samples() const { return m_samples; }
  const std::deque<CommitSeen>& commits() const { return m_commits; }

 private:
  size_t m_window;
  std::deque<LagSample> m_samples;
  std::deque<CommitSeen> m_commits;
};

// What the window says about one partition.
struct LagEvaluation {
  LagStatus status = LagStatus::pending;
  LagTrend trend = LagTrend::unknown;
  std::optional<double> consume_rate;  // committed offsets per second over the window
  std::optional<double> produce_rate;  // log-end offsets per second over the window
  std::optional<double> catch_up_s;    // nullopt: never at the current rates
};

// Burrow's rules, first match wins:
//   fewer than two samples or no commit: pending (OK when the lag is 0);
//   REWIND  the committed offset went backwards within the window;
//   OK      the latest lag is 0;
//   STOP    the group has no members, or (membership unknown) no commit was
//           seen for longer than the seen commits span (needs two changes);
//   STALL   the committed offset did not move across the window while lag > 0;
//   WARN    the committed offset moved but the lag never decreased;
//   OK      otherwise.
// `group_has_members`: from DescribeConsumerGroups when the broker has it.
LagEvaluation evaluate(const PartitionHistory& history, std::optional<bool> group_has_members);

// Seconds until the lag is consumed at the current rates: 0 without lag,
// nullopt when consumption does not outpace production (or is unknown).
std::optional<double> catch_up_seconds(int64_t lag, std::optional<double> consume_rate,
                                       std::optional<double> produce_rate);

}  // namespace evt::lag
