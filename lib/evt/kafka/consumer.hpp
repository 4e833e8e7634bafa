#pragma once

#include "evt/kafka/client_config.hpp"
#include "evt/kafka/native_headers.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::kafka {

// Logical offsets accepted by Consumer::assign besides absolute ones.
inline constexpr int64_t k_offset_beginning = -2;
inline constexpr int64_t k_offset_end = -1;
inline constexpr int64_t k_offset_stored = -1000;

// Where to start reading one partition.
struct StartPosition {
  TopicPartition partition;
  int64_t offset = k_offset_beginning;
};

// How the consumer joins (or does not join) a consumer group.
struct ConsumerOptions {
  std::optional<std::string> group;  // no group: nothing is ever committed
  bool auto_commit = false;          // with a group: commit in the background
  std::string auto_offset_reset = "earliest";
  int fetch_wait_max_ms = 100;        // fetch.wait.max.ms
  int max_partition_fetch_bytes = 0;  // max.partition.fetch.bytes; 0: librdkafka's default
  bool bulk_prefetch = true;          // false: librdkafka's default prefetch (for probes)
  int session_timeout_ms = 0;         // session.timeout.ms; 0: librdkafka's default (-X still wins)
  std::string commit_metadata;        // attached to every commit of this consumer
  // With a group: the cooperative-sticky assignor (only moved partitions are
  // revoked; -X partition.assignment.strategy still wins), and commit()
  // refuses (`rebalancing`) while the group is between generations — a
  // commit racing a JoinGroup makes librdkafka 2.0.2 drop the whole
  // assignment as lost, and the work done since the last commit with it.
  // A revoke's commit that the group refused is made at the next
  // assignment where still ahead, and a member given partitions waits 1 s
  // before reading their committed offsets so such a commit lands first.
  bool cooperative = false;
};

// Told about group assignment changes; called on the polling thread from
// inside Consumer::poll/poll_view (and close). Must not throw.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  // These partitions are being taken away. Finish or abandon their in-flight
  // work (never show/hand on a record of them after returning) and return the
  // next-offset-to-read to commit for each (only what is done). The consumer
  // commits them synchronously before giving the partitions up; a commit that
  // fails because the generation moved on is not an error.
  virtual std::vector<StartPosition> on_revoke(const std::vector<TopicPartition>& partitions) = 0;
  // These partitions are now ours; reading starts at their committed offsets
  // (or auto.offset.reset). `committed` holds what the group had committed
  // (k_offset_none where nothing was).
  virtual void on_assign(const std::vector<StartPosition>& committed) = 0;
};

// "Nothing committed" in committed offsets.
inline constexpr int64_t k_offset_none = -1001;

// Commit outcome: "rebalance in progress", "illegal generation", "unknown
// member id", "fenced" are part of a rebalance, not a failure.
enum class CommitResult { committed, rebalancing };

// True for the commit errors that only say the group is rebalancing (or
// this member's generation is gone): REBALANCE_IN_PROGRESS,
// ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID, STALE_MEMBER_EPOCH-like.
bool is_rebalance_commit_error(int librdkafka_error_code);

// A committed offset with the metadata stored beside it.
struct CommittedOffset {
  TopicPartition partition;
  int64_t offset = k_offset_none;
  std::string metadata;
};

// What one poll returned: records in arrival order and partitions that
// reached their current end (EOF) during this poll.
struct ConsumedBatch {
  std::vector<Record> records;
  std::vector<TopicPartition> reached_end;
  void clear() {
    records.clear();
    reached_end.clear();
  }
};

// A consumer over librdkafka's high-level consumer with manual assignment or
// group subscription. Every blocking call is bounded.
class Consumer {
 public:
  Consumer(const ClientConfig& config, const ConsumerOptions& options = {});
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Reads the given partitions from the given offsets, without a group rebalance.
  void assign(const std::vector<StartPosition>& positions);

  // Joins the group and lets the group coordinator assign partitions.
  void subscribe(const std::vector<std::string>& topics);

  // Appends up to max_records records to `batch`, waiting at most timeout_ms
  // for the first one. Throws BrokerError on fatal or topic-level errors.
  void poll(ConsumedBatch& batch, size_t max_records, int timeout_ms);

  // Like poll, without copying: calls `visit` for each record, borrowed for
  // the duration of the call, and appends partitions that reached their end
  // to `reached_end`. Headers are decoded only when `with_headers`.
  // Returns the number of records visited.
  size_t poll_view(const std::function<void(const RecordView&)>& visit,
                   std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                   bool with_headers = true);

  // Like poll_view, but a partition's read error (not a client-wide one)
  // appends the partition to `failed` instead of throwing.
  size_t poll_view(const std::function<void(const RecordView&)>& visit,
                   std::vector<TopicPartition>& reached_end, std::vector<TopicPartition>& failed,
                   size_t max_records, int timeout_ms, bool with_headers);

  // Like poll_view, with each record's headers detached from the client's
  // message into `headers` (still shown in the view, for filters): the
  // visitor may move them on to Producer::produce instead of decoding and
  // re-adding them; what it leaves is freed after the visit.
  using DetachedVisitor = std::function<void(const RecordView&, NativeHeaders& headers)>;
  size_t poll_detached(const DetachedVisitor& visit, std::vector<TopicPartition>& reached_end,
                       size_t max_records, int timeout_ms);

  // Stops fetching these assigned partitions (until the next assign).
  void pause(const std::vector<TopicPartition>& partitions);

  // Moves an assigned partition's read position without waiting; false
  // when the client refused.
  bool seek(const TopicPartition& partition, int64_t offset);

  // Fetches metadata for topics not seen before (at most timeout_ms), so
  // newly assigned partitions of them start without waiting for the next
  // metadata refresh (most of a second).
  void learn_topics(const std::vector<std::string>& topics, int timeout_ms);

  // The partitions currently assigned (by assign() or by the group).
  std::vector<TopicPartition> assignment();

  // The end of the log (high watermark) of an assigned partition as last
  // seen by this consumer's fetches, without asking the broker; nullopt
  // until a fetch response for it came.
  std::optional<int64_t> cached_end_offset(const TopicPartition& partition);

  // True inside a revocation whose partitions were lost (the session timed
  // out): they belong to another member already, committing them is wrong.
  bool assignment_lost();

  // Fetches paused partitions again (pause() stops them while poll keeps
  // the group membership alive; records already fetched still come).
  void resume(const std::vector<TopicPartition>& partitions);

  // Group membership: told about assignment changes. Set before subscribe();
  // the listener must outlive the consumer's polls and close().
  void set_rebalance_listener(RebalanceListener* listener);

  // Commits "next offset to read" per partition (synchronously, with the
  // options' commit_metadata). A commit refused because the group is
  // rebalancing (or, with `cooperative`, not sent because it is) returns
  // `rebalancing`; other failures throw BrokerError.
  CommitResult commit(const std::vector<StartPosition>& next_offsets);

  // Moves the read position of assigned partitions (e.g. back to records
  // that were polled but not committed). Bounded by the client timeout.
  void seek(const std::vector<StartPosition>& positions);

  // The group's committed offsets for these partitions (-1001 when none).
  std::vector<StartPosition> committed(const std::vector<TopicPartition>& partitions);

  // The same with the metadata committed beside each offset.
  std::vector<CommittedOffset> committed_metadata(const std::vector<TopicPartition>& partitions);
  // Commits offsets, each with its own metadata string (synchronously);
  // the commit errors of a rebalance are `rebalancing`, others throw.
  CommitResult commit_points(const std::vector<CommittedOffset>& points);

  // Leaves the group cleanly (idempotent; the destructor calls it too).
  void close();

  // Gives up on leaving the group, for when its coordinator cannot be
  // reached (a commit just failed): close() and the destructor then return
  // at once, without the last revoke or a LeaveGroup, and the group notices
  // the member gone at its session timeout. librdkafka would otherwise
  // wait, in close() and again in its destroy, for every commit it still
  // holds for the missing coordinator: up to session.timeout.ms (45 s by
  // default), past --timeout and Ctrl-C. The client handle is left to the
  // process's exit, not destroyed, for the same reason.
  void abandon();

 private:
  // One of `visit` and `detached` is set.
  size_t poll_view_impl(const std::function<void(const RecordView&)>* visit, const DetachedVisitor* detached,
                        std::vector<TopicPartition>& reached_end, std::vector<TopicPartition>* failed,
                        size_t max_records, int timeout_ms, bool with_headers);

  struct Impl;
  std::unique_ptr<Impl> m_impl;
  // Reads (up to) `max_records` messages into the scratch array the way
  // poll/poll_view want them, minus those of partitions revoked meanwhile.
  size_t fetch_messages(size_t max_records, int timeout_ms);
};

}  // namespace evt::kafka
