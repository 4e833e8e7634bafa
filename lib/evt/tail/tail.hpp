#pragma once
// The read engine of `evt tail`: reads partitions from planned start
// offsets, stops each at its end offset (exclusive; right across offset gaps
// left by compaction and transactions), honours a record count, follows new
// records when there is no end, and in group mode commits what it delivered.

#include "evt/filter/filter.hpp"
#include "evt/read/position.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evt::tail {

// Group mode: told by the source when the group takes partitions away.
class RevokeHandler {
 public:
  virtual ~RevokeHandler() = default;
  // Called from inside RecordSource::poll before the partitions go; no
  // record of them is visited after it. Returns the next offset to commit
  // for each of them that has shown progress.
  virtual std::map<TopicPartition, int64_t> revoked(const std::vector<TopicPartition>& partitions) = 0;
};

// Where records come from: kafka::Consumer in evt, a fake in unit tests.
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // Visits up to max_records records; appends partitions that reached their
  // current end to `reached_end`; returns the number of records visited.
  virtual size_t poll(const std::function<void(const RecordView&)>& visit,
                      std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                      bool with_headers) = 0;
  // The partitions currently assigned (group mode).
  virtual std::vector<TopicPartition> assignment() = 0;
  // Commits "next offset to read" per partition (group mode); false when
  // the group is rebalancing and nothing was committed.
  virtual bool commit(const std::map<TopicPartition, int64_t>& next_offsets) = 0;
  // Reads these partitions again from these offsets (group mode: records
  // polled but not committed during a rebalance).
  virtual void rewind(const std::map<TopicPartition, int64_t>& positions) = 0;
  // Group mode: who to tell about revoked partitions (null: nobody).
  virtual void set_revoke_handler(RevokeHandler* handler) = 0;
};

// Where matching records go.
class TailOutput {
 public:
  virtual ~TailOutput() = default;
  // One record that passed the filter.
  virtual void record(const RecordView& record) = 0;
  // After each poll that delivered records: write the batch out.
  virtual void batch_done() = 0;
  // Group mode: the records since the last batch_done must not be shown
  // (their offsets could not be committed: the group is rebalancing, and
  // their partitions' next owner will show them).
  virtual void batch_dropped() = 0;
};

// How the engine reads.
struct TailOptions {
  std::optional<uint64_t> count;  // stop after this many matching records
  size_t batch_size = 10000;      // records per poll
  int poll_timeout_ms = 200;
  int idle_timeout_ms = 0;               // bounded reads: fail when nothing arrives this long (0: never)
  bool with_headers = true;              // decode headers (filters or output need them)
  bool group = false;                    // group mode: partitions come from the assignment; commit
  std::function<bool()> stop_requested;  // SIGINT
};

// What happened.
struct TailStats {
  uint64_t read = 0;   // records read within the ranges
  uint64_t shown = 0;  // records that matched and were delivered
  bool interrupted = false;
  bool count_reached = false;
};

// Reads until every partition reached its end, the count is reached, or a
// stop is requested. In group mode a batch is written only after its
// offsets were committed, so a rebalance never shows a record twice: a
// batch whose commit the rebalance refused is dropped and read again by
// whoever owns its partitions next. `plans` gives each partition's range; in group mode
// partitions not in `plans` are followed without an end. Throws
// BrokerError when a bounded read makes no progress for idle_timeout_ms.
TailStats run_tail(RecordSource& source, const std::vector<read::PartitionPlan>& plans,
                   const filter::RecordFilter& filter, TailOutput& output, const TailOptions& options);

}  // namespace evt::tail
