#pragma once
// The copy engine's working state, shared by its two halves: copy.cpp
// copies as one process, copy_member.cpp as one member of a scaled-out run
// (--scale-out). Internal to lib/evt/replay.

#include "evt/kafka/consumer.hpp"
#include "evt/replay/checkpoint.hpp"
#include "evt/replay/copy.hpp"
#include "evt/replay/retention.hpp"
#include "evt/replay/sender.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace evt::replay::engine {

using Clock = std::chrono::steady_clock;

// Destination metadata strings must stay under Kafka's default
// offset.metadata.max.bytes (4096).
inline constexpr size_t k_max_key_mapped_partitions = 256;

// One source partition of the run.
struct Part {
  PartitionReport report;
  int64_t end = 0;
  int64_t plan_start = 0;  // this process's plan (a scaled-out run's first owner fixes it)
  int64_t plan_end = 0;
  bool done = false;
  bool owned = true;  // scale-out: the group assigned it to this process now
  bool resumed = false;
  int64_t kept_from = -1;     // the first record the route kept (Routed::keep): commits stop there
  int64_t reread_from = -1;   // sought back to here: records of p until it comes again are ignored
  uint64_t topics_named = 0;  // m_topics_added when p's last successful commit was encoded
  std::map<int64_t, std::pair<int32_t, int64_t>> already;  // source offset -> (dp, dest offset)
  int64_t last_commit = -2;
  std::string last_meta;
};

// Seconds since `t`.
inline double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Copies one run (see copy.hpp); as a group member it is told about
// assignment changes.
class Copier : public kafka::RebalanceListener {
 public:
  // Over the planned ranges; references must outlive the copier.
  Copier(const kafka::ClientConfig& source, const Destination& dest,
         const std::vector<read::PartitionPlan>& plans, const filter::RecordFilter& filter,
         const CopyOptions& options);

  // Copies (or counts, in a dry run) and reports.
  CopyReport run();

 private:
  // Scale-out: one member of the run's group. The group hands out the
  // source partitions; each is copied with the same checkpoint as a single
  // process, handed over on revocation, and taken over with a resume scan
  // (docs/replay.md, "Scale-out").
  CopyReport run_member();

  // Copies what the group assigns until every selected partition of the
  // run is committed at its end (by any member), a stop, or a stall.
  void member_loop(kafka::Consumer& consumer);

  // Called from inside poll: must not throw. A failure stops this member
  // (no further commits of the failing partitions).
  void on_assign(const std::vector<kafka::StartPosition>& assigned) override;

  // Hands the partitions over (give_up); commits them itself, so returns none.
  std::vector<kafka::StartPosition> on_revoke(const std::vector<TopicPartition>& revoked) override;

  // Takes newly assigned partitions: reads their checkpoints, fixes the
  // start and end of partitions nobody owned yet (committed before a record
  // is read), and runs the resume scan for the others.
  void take(const std::vector<kafka::StartPosition>& assigned);

  // The group's commits, retried within the idle timeout: a coordinator
  // that moves during a rebalance is no reason for a member to stop.
  std::vector<kafka::CommittedOffset> committed_with_retry(const std::vector<TopicPartition>& tps);

  // The resume scan for partitions taken over: their previous owner may
  // have written records past its last checkpoint (SIGKILL, lost session).
  // Everything it wrote is in the destination by now (it waited for its
  // acknowledgements before letting go, or died a session timeout ago).
  void scan_taken(const std::map<int32_t, int64_t>& scan_from,
                  const std::map<std::string, std::map<int32_t, int64_t>>& topic_scan_from,
                  const std::set<uint32_t>& scanning);

  // Adds a topic the route writes to the Sender, its end offsets noted now.
  void add_route_topic(const std::string& topic);

  // Hands revoked partitions over: waits (bounded) for their records in
  // flight, commits what is acknowledged with its scan starts, forgets them.
  void give_up(const std::vector<TopicPartition>& revoked);

  // Picks same-number or key mapping from the destination's partition count.
  void resolve_mapping();
  // Uses `by` (same or key) for every partition, if the destination allows it.
  void apply_mapping(PartitionBy by);

  // Refuses to resume a run into another destination topic or mapping
  // than its checkpoint names; an automatic mapping follows the checkpoint
  // when `may_adopt` (before anything is copied).
  void check_destination(const CheckpointMeta& meta, bool may_adopt);

  // The destination partitions' end offsets now.
  std::map<int32_t, int64_t> destination_ends();
  // The end offsets of a topic written; its partitions from metadata when -1.
  std::map<int32_t, int64_t> ends_of(const std::string& topic, int32_t partitions);

  // Resumes from the group's commits: their offsets, and the ends and
  // destination scan starts in their metadata.
  void load_checkpoints(kafka::Consumer& consumer);

  // Finds what an earlier attempt wrote beyond its checkpoint.
  void scan_destination(const std::map<int32_t, int64_t>& dest_end);
  // Scans `topic` (the destination or a route's) from the scan starts to
  // `ends` for this run's records and marks those of the run's partitions
  // (of `only`, when given) past their start as already written; returns
  // how many.
  size_t scan_topic(const std::string& topic, const std::map<int32_t, int64_t>& ends,
                    const std::map<int32_t, int64_t>& scan_from, const std::set<uint32_t>* only);
  // Before a record of p goes to a topic the route chose: the topic's end
  // offsets noted (first time) and a checkpoint of p naming it committed.
  // False when the group refused that commit (rebalancing): p is sought
  // back to `offset`, which is read again.
  bool open_topic(Part& p, const std::string& topic, int64_t offset);

  // The metadata committed beside p's offset: its end and scan starts.
  CheckpointMeta meta_for(const Part& p) const;

  // The first checkpoint, before anything is sent: a kill from here on
  // finds the run's end offsets and where to scan.
  void commit_fresh(kafka::Consumer& consumer);

  // Reads the single process's partitions to their ends (dry run: no group).
  void copy_loop(kafka::Consumer* group_consumer);

  // Records per poll: with a rate limit, about 100 ms worth, so commits,
  // progress and rebalances are served while the rate holds the loop.
  size_t poll_batch() const;

  // p's number (its source number for the Sender).
  uint32_t index_of(const Part& p) const { return static_cast<uint32_t>(&p - m_parts.data()); }

  // Every partition read to its end.
  bool all_done() const;

  // The partition of a record (nullptr when not selected).
  Part* part_of(const RecordView& r);

  // p is read to its end: the rest of it counts as done.
  void finish_part(Part& p);

  // The consumer reached tp's end.
  void on_end(const TopicPartition& tp);

  // One source record: skip, filter out, count, or send. `headers` are the
  // record's own (detached by the poll); a plain copy hands them on.
  void on_record(const RecordView& r, kafka::NativeHeaders& headers);

  // Finishes p when `offset` was its last record.
  void after_record(Part& p, int64_t offset);

  // The record to write, in m_record (storage reused between records),
  // and what the route (if any) decided for it: for a dry run's sample and
  // a routed copy.
  Routed build(const Part& p, const RecordView& r);

  // Sends r as it is to p's destination partition with its own headers
  // (plus provenance) handed over undecoded: the plain copy's path.
  bool send_direct(const Part& p, const RecordView& r, kafka::NativeHeaders& headers);

  // --keep-timestamps: warns when `timestamp` is older than the
  // destination's retention allows.
  void check_kept_timestamp(int64_t timestamp);

  // Commits every partition whose offset or metadata moved. A failed commit
  // is retried at the next interval (unless `must`).
  void commit(kafka::Consumer& consumer, bool must);

  // Commits these partitions where offset or metadata moved. A commit the
  // group refuses while rebalancing is retried later (not an error); false
  // then (and for a failed commit that was not a must).
  bool commit_some(kafka::Consumer& consumer, const std::vector<uint32_t>& which, bool must);

  // Waits for every record in flight, then saves the final checkpoint.
  void drain(kafka::Consumer& consumer);

  // The last commit may race a broker coming back: retry within the timeout.
  void commit_final(kafka::Consumer& consumer);

  // Counts for the progress line.
  CopyProgress progress() const;

  // The report, with the warnings the run collected.
  CopyReport finish();

  const kafka::ClientConfig& m_source;
  kafka::Consumer* m_group = nullptr;  // scale-out: the member's consumer while it runs
  Clock::time_point m_group_moved;     // scale-out: when the run last moved
  bool m_resume_warned = false;
  bool m_assigned_once = false;  // scale-out: the group assigned (possibly nothing) at least once
  std::optional<KeptTimestampCheck> m_ts_check;
  const Destination& m_dest;
  const filter::RecordFilter& m_filter;
  const CopyOptions& m_options;
  Sender m_sender;
  std::vector<Part> m_parts;
  std::map<TopicPartition, uint32_t> m_index;
  std::map<int32_t, int64_t> m_scan_from;
  std::map<std::string, std::map<int32_t, int64_t>> m_topic_scan_from;  // other topics (route)
  std::map<std::string, uint64_t> m_topic_added;  // route topic -> m_topics_added when it was added
  uint64_t m_topics_added = 0;
  kafka::Consumer* m_checkpointer = nullptr;  // the checkpoint's consumer (not in a dry run)
  Record m_record;
  std::string m_source_text;  // the evt_replay_src value being written (storage reused)
  Part* m_last = nullptr;
  uint64_t m_read = 0;
  uint64_t m_total = 0;
  uint64_t m_commit_failures = 0;
  std::string m_stalled;
  Clock::time_point m_started;
  CopyReport m_report;
};

}  // namespace evt::replay::engine
