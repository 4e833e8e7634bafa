#pragma once
// `evt dlq redrive`: sends dead letters back where they came from through
// the replay copy engine (lib/evt/replay/copy.hpp), with one checkpoint per
// dead-letter topic (the group evt-replay-dlq-<topic>), so re-runs continue
// where the last one stopped and nothing is sent twice, even after SIGKILL.

#include "evt/dlq/convention.hpp"
#include "evt/dlq/groups.hpp"
#include "evt/dlq/route.hpp"
#include "evt/dlq/select.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/replay/copy.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace evt::dlq {

// What to re-drive and how.
struct RedriveRequest {
  std::string topic;  // the dead-letter topic
  RouteSettings route;
  DecodeOptions decode;
  SelectSpec select;
  bool dry_run = false;
  double rate = 0;  // records per second; 0: unlimited
  int idle_timeout_ms = 10000;
  std::function<bool()> stop_requested;
  std::function<void(const replay::CopyProgress&)> on_progress;
};

// The outcome (a dry run: what would happen).
struct RedriveReport {
  std::string topic;
  std::string run_id;
  std::string group;
  uint64_t pending = 0;      // records after the checkpoint when the run began
  uint64_t redriven = 0;     // acknowledged by their destination
  uint64_t parked = 0;       // acknowledged by the parking topic
  uint64_t skipped = 0;      // passed over by the filters
  uint64_t undecodable = 0;  // of the parked: headers that do not decode
  uint64_t already = 0;      // found written by an interrupted earlier attempt
  bool resumed = false;
  bool already_complete = false;
  bool interrupted = false;
  std::map<std::string, uint64_t> destinations;  // "topic/partition", "topic (by key)"
  std::map<std::string, uint64_t> park_reasons;
  std::vector<ErrorGroup> groups;  // of the records re-driven or parked
  replay::CopyReport copy;
};

// The run id of a dead-letter topic's checkpoint: "dlq-<topic>".
std::string redrive_run_id(const std::string& topic);

// Re-drives (or plans, with dry_run) everything after the checkpoint up to
// the current end. Throws UsageError (no parking topic), BrokerError.
RedriveReport redrive(const kafka::ClientConfig& config, const RedriveRequest& request);

}  // namespace evt::dlq
