#pragma once
// The replay copy engine: reads a planned selection of source partitions
// and writes every selected record to a destination topic (same or another
// cluster), keeping key, value and headers, adding provenance headers, with
// a checkpoint in the run's consumer group that survives SIGKILL without
// losing or doubling a record (docs/replay.md). `evt dlq redrive` reuses it.

#include "evt/filter/filter.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/read/position.hpp"
#include "evt/record.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evt::replay {

// How source partitions map to destination partitions.
enum class PartitionBy { automatic, same, key };

// "same", "key" or "auto".
std::string to_string(PartitionBy p);

// Where the copies go.
struct Destination {
  kafka::ClientConfig config;
  std::string topic;
};

// Progress so far, for a terminal progress line.
struct CopyProgress {
  uint64_t read = 0;     // source records read in the ranges
  uint64_t total = 0;    // records in the ranges (offsets; gaps count)
  uint64_t written = 0;  // acknowledged by the destination
  uint64_t bytes = 0;    // key + value + header bytes acknowledged
  double elapsed_s = 0;
};

// What a route (CopyOptions::route) decided for one record.
enum class Routed {
  send,  // write it as the route left it
  pass,  // pass it over like a filtered record: the checkpoint moves past it
  keep,  // do not write it, and keep the checkpoint at it: a later run reads it again
  stop,  // stop the run before it (nothing of it written; what is acknowledged is committed)
};

// How the engine copies.
struct CopyOptions {
  std::string run_id;
  bool provenance = true;        // add evt_replay_src / evt_replay_run
  bool keep_timestamps = false;  // else the destination stamps the time of writing
  PartitionBy partition_by = PartitionBy::automatic;
  double rate = 0;         // records per second; 0: unlimited
  bool dry_run = false;    // count and sample; write and commit nothing
  size_t sample_size = 5;  // dry run: records shown
  int commit_interval_ms = 1000;
  int idle_timeout_ms = 10000;  // fail when nothing moves this long
  // Share the source partitions with every other process of this run id
  // through the run's consumer group (subscribe), instead of reading all.
  bool scale_out = false;
  std::function<bool()> stop_requested;
  std::function<void(const CopyProgress&)> on_progress;  // at most every 200 ms
  // Warnings the user should see while the run goes on (else in the report).
  std::function<void(const std::string&)> on_warning;
  // Per-record routing (evt dlq redrive). Called with each selected record
  // as it would be written (addressed to the destination, timestamps
  // applied, no provenance headers yet); may change its topic, partition
  // and headers, and says what becomes of it (Routed). Other topics are
  // checkpointed and resume-scanned like the destination (one `at=`
  // metadata field each; docs/replay.md). A route that keeps records
  // (Routed::keep) cannot be combined with scale_out.
  std::function<Routed(const RecordView& source, Record& out)> route;
  // A resumed partition continues to the planned end when that lies beyond
  // the end of its first attempt (records that arrived since are copied);
  // with scale_out, a member judges the run finished against its own plan
  // ends too.
  bool extend_to_plan = false;
};

// What happened to one source partition in this run.
struct PartitionReport {
  TopicPartition partition;
  int64_t start = 0;  // where this attempt started (committed offset on resume)
  int64_t end = 0;    // where the run stops (fixed at its first attempt)
  uint64_t read = 0;
  uint64_t selected = 0;        // matched the filters
  uint64_t written = 0;         // acknowledged by the destination in this attempt
  uint64_t already = 0;         // found in the destination from an earlier attempt
  int32_t dest_partition = -1;  // with --partition-by same
};

// The outcome of a run.
struct CopyReport {
  std::string run_id;
  std::string group;
  PartitionBy partition_by = PartitionBy::automatic;
  int32_t dest_partitions = 0;
  bool resumed = false;           // an earlier attempt's checkpoint was found
  bool already_complete = false;  // ... and it had finished
  bool interrupted = false;
  bool route_stopped = false;  // the route asked to stop (Routed::stop)
  uint64_t scanned = 0;        // destination records read by the resume scan
  uint64_t bytes = 0;
  double elapsed_s = 0;
  std::vector<PartitionReport> partitions;
  std::vector<Record> sample;                  // dry run: what would be written
  std::map<std::string, uint64_t> written_to;  // acknowledged per topic written
  std::vector<std::string> notes;              // things the user should know (-v or always)
  std::vector<std::string> warnings;
  uint64_t total(uint64_t PartitionReport::*field) const;
};

// Throws UsageError when a source topic is the destination topic on the
// same cluster (same bootstrap servers), unless `allowed`.
void check_not_into_itself(const std::vector<std::string>& sources, const std::string& source_brokers,
                           const Destination& destination, bool allowed);

// Copies the planned ranges (plans from tail's planner with an end).
// Throws UsageError for impossible mappings, BrokerError when the
// destination refuses records (after committing what is safe).
CopyReport copy_records(const kafka::ClientConfig& source, const Destination& destination,
                        const std::vector<read::PartitionPlan>& plans, const filter::RecordFilter& filter,
                        const CopyOptions& options);

}  // namespace evt::replay
