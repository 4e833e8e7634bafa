#pragma once
// `evt dlq ls` and `evt dlq check`: dead-letter topics, how many records
// they hold, how many are still to re-drive (after the redrive checkpoint),
// and the ages of the oldest and newest of those.

#include "evt/dlq/convention.hpp"
#include "evt/dlq/groups.hpp"
#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt::dlq {

// True when a topic name looks like a dead-letter topic: ends in .DLT,
// -dlt, .dlq, -dlq, _dlq, -error(s) or starts with dead-letter, dlq-,
// error- (any case); parking topics (".parked") are not.
bool looks_like_dlq(std::string_view topic);

// The dead-letter topics on the cluster: named like one, or `configured`
// (configured ones first, each once, only when they exist).
std::vector<std::string> find_dlq_topics(const kafka::ClientConfig& config,
                                         const std::vector<std::string>& configured);

// One dead-letter topic's state.
struct TopicStatus {
  std::string topic;
  uint64_t records = 0;  // between log start and end
  uint64_t pending = 0;  // after the redrive checkpoint
  bool checkpoint = false;
  std::optional<int64_t> oldest_ms;  // timestamp of the oldest pending record
  std::optional<int64_t> newest_ms;  // ... and of the newest
};

// Reads the offsets, the checkpoint and the pending records' timestamps.
std::vector<TopicStatus> topic_statuses(const kafka::ClientConfig& config,
                                        const std::vector<std::string>& topics);

// The error groups of the records still to re-drive (reads them all).
std::vector<ErrorGroup> pending_error_groups(const kafka::ClientConfig& config, const std::string& topic,
                                             const DecodeOptions& decode, int idle_timeout_ms);

// Thresholds of `evt dlq check`.
struct CheckLimits {
  std::optional<uint64_t> max_records;
  std::optional<int64_t> max_age_ms;  // fails when a pending record is newer than this
};

// The reason a topic fails the check ("" when it passes).
std::string check_reason(const TopicStatus& status, const CheckLimits& limits, int64_t now_ms);

// Age in the largest whole units: "45s", "12m", "3h", "2d"; "-" when unknown.
std::string format_age(std::optional<int64_t> timestamp_ms, int64_t now_ms);

}  // namespace evt::dlq
