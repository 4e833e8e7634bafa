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
  // Share the topic with every other process re-driving it with scale_out
  // (replay's scale-out over the checkpoint group); no filters.
  bool scale_out = false;
  // A dead letter larger than the destination takes (max_message_bytes)
  // is passed over and counted as failed, instead of stopping the run.
  bool skip_too_large = false;
  uint64_t max_message_bytes = 0;  // 0: the producer's (-X message.max.bytes, else 1000000)
  double rate = 0;                 // records per second; 0: unlimited
  int idle_timeout_ms = 10000;
  std::function<bool()> stop_requested;
  std::function<void(const replay::CopyProgress&)> on_progress;
};

// The outcome (a dry run: what would happen).
struct RedriveReport {
  std::string topic;
  std::string run_id;
  std::string group;
  uint64_t pending = 0;                     // records after the checkpoint when the run began
  uint64_t redriven = 0;                    // acknowledged by their destination
  uint64_t parked = 0;                      // acknowledged by the parking topic
  uint64_t skipped = 0;                     // passed over by the filters (kept for a later run)
  uint64_t failed = 0;                      // passed over: larger than the destination takes (skip_too_large)
  std::vector<std::string> failed_records;  // "topic/partition@offset (N bytes)", the first 10
  std::string halted;  // the run stopped before this dead letter (too large); "" otherwise
  uint64_t max_message_bytes = 0;
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

// message.max.bytes as the producer will use it: the last -X/context value,
// else librdkafka's default (1000000).
uint64_t producer_max_message_bytes(const kafka::ClientConfig& config);

// Re-drives (or plans, with dry_run) everything after the checkpoint up to
// the current end. Records the filters do not select are kept: the
// checkpoint stays at the first of them, so a later run without the
// filters re-drives them (and finds the ones re-driven past it by the
// resume scan). Throws UsageError (no parking topic, filters or a dry run
// with scale_out), BrokerError.
RedriveReport redrive(const kafka::ClientConfig& config, const RedriveRequest& request);

// After the summary: throws BrokerError naming the dead letter a run
// stopped before (too large), or those it passed over as failed.
void throw_if_failed(const RedriveReport& report);

}  // namespace evt::dlq
