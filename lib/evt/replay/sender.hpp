#pragma once
// The writing half of a replay, shared by the topic copy and the capture
// replay: an idempotent producer, the per-source AckWatermark of what the
// destination acknowledged, and the DestScanTracker a checkpoint needs.
// Sources are numbered 0..n-1 (source partitions, or one capture file whose
// "offsets" are line numbers).

#include "evt/deliver/rate_limiter.hpp"
#include "evt/deliver/watermark.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/replay/checkpoint.hpp"
#include "evt/replay/copy.hpp"
#include "evt/replay/produce_worker.hpp"

#include <chrono>
#include <deque>
#include <optional>
#include <vector>

namespace evt::replay {

// Produces records and tracks their acknowledgements.
class Sender {
 public:
  using Clock = std::chrono::steady_clock;

  Sender(const Destination& dest, const CopyOptions& options, size_t sources);

  // Opens the producer; `dest_end`: destination end offsets noted before.
  // `threaded`: records sent from borrowed bytes are produced on a thread
  // of their own (ProduceWorker); every other call stays on the caller's
  // thread. A threaded Sender sends no Record (the other send()).
  void begin(const std::map<int32_t, int64_t>& dest_end, bool threaded = false);

  // A record an earlier attempt wrote, found by the resume scan.
  void found(uint32_t source, int64_t offset, int32_t dest_partition, int64_t dest_offset);

  // The record at `offset` needs no writing (found earlier): done at once.
  void done(uint32_t source, int64_t offset);

  // Everything of `source` below `next_offset` that was not sent is done.
  void pass(uint32_t source, int64_t next_offset);

  // Waits for the rate, then produces. False when a stop was requested
  // while waiting (nothing sent).
  bool send(uint32_t source, int64_t offset, const Record& record);

  // The same for a record of the destination topic from borrowed bytes
  // (key, value, timestamp of `record`) with its headers handed to the
  // producer as they are (kafka::Producer::produce); `bytes` counts its key,
  // value and headers for the progress line. With `source_text` the
  // provenance headers are added (this value and the run id), on the
  // producing thread.
  bool send(uint32_t source, int64_t offset, int32_t dest_partition, const RecordView& record,
            kafka::NativeHeaders headers, uint64_t bytes, std::optional<std::string_view> source_text);

  // Serves delivery reports for up to timeout_ms.
  void serve(int timeout_ms);

  // Where `source` may be committed (next offset not known done), or
  // `fallback` when nothing of it was handled.
  int64_t commit_offset(uint32_t source, int64_t fallback) const;

  // Forgets tracker entries below the offsets about to be committed.
  void prune(const std::vector<int64_t>& offsets);

  // The checkpoint's scan start for a destination partition.
  int64_t scan_start(int32_t dest_partition) const { return m_tracker.scan_start(dest_partition); }

  // Topics besides the destination's that records are routed to
  // (CopyOptions::route). A topic must be added, with its end offsets noted
  // before anything is sent to it, before the first send to it.
  bool has_topic(const std::string& topic) const { return topic == m_dest.topic || m_extra.contains(topic); }
  void add_topic(const std::string& topic, const std::map<int32_t, int64_t>& dest_end);
  // found() for a record of another topic.
  void found_in(const std::string& topic, uint32_t source, int64_t offset, int32_t dest_partition,
                int64_t dest_offset);
  // The scan starts of the other topics, for the checkpoint.
  std::map<std::string, std::map<int32_t, int64_t>> topic_scan_starts() const;
  // Acknowledged records per topic written.
  const std::map<std::string, uint64_t>& written_to() const { return m_written_to; }

  // Waits until nothing is in flight or nothing moved for the idle timeout;
  // purges and returns the number of records left unacknowledged.
  size_t drain();

  size_t in_flight() const { return m_worker ? m_unacked : m_producer ? m_producer->in_flight() : 0; }
  // Records of `source` sent and not yet acknowledged (or failed).
  size_t in_flight(uint32_t source) const { return m_watermark.in_flight(key(source)); }
  // Drops what is known of `source` (revoked: its next owner takes over).
  void forget(uint32_t source);
  bool stopping() const { return m_stopping; }
  void stop() { m_stopping = true; }
  // A delivery failed: no checkpoint may be saved any more (docs/replay.md).
  bool failed() const { return !m_failure.empty(); }
  const std::string& failure() const { return m_failure; }
  // The first refused record (source number and offset) and the error.
  uint32_t failed_source() const { return m_failed_source; }
  int64_t failed_offset() const { return m_failed_offset; }
  const std::string& failed_error() const { return m_failed_error; }
  uint64_t written(uint32_t source) const { return m_written[source]; }
  uint64_t bytes() const { return m_bytes; }
  Clock::time_point last_activity() const { return m_last_activity; }
  void touch() { m_last_activity = Clock::now(); }

 private:
  struct InFlight {
    uint32_t source;
    int64_t offset;
    uint64_t bytes;
    bool pending;
    DestScanTracker* tracker;
    uint64_t* written_to;
  };
  struct Extra {
    DestScanTracker tracker;
    std::vector<int32_t> partitions;
  };
  TopicPartition key(uint32_t source) const { return {"", static_cast<int32_t>(source)}; }
  // Waits for the rate limit; false when a stop was requested meanwhile.
  bool admit();
  // Notes a record about to be produced to `topic`; returns its token.
  uint64_t track(uint32_t source, int64_t offset, const std::string& topic, uint64_t bytes);

  const Destination& m_dest;
  const CopyOptions& m_options;
  deliver::RateLimiter m_limiter;
  uint64_t m_rate_sent = 0;  // records that passed the rate limit
  deliver::AckWatermark m_watermark;
  DestScanTracker m_tracker;
  std::map<std::string, Extra> m_extra;  // node-based: InFlight points into it
  std::map<std::string, uint64_t> m_written_to;
  uint64_t* m_dest_written = nullptr;  // m_written_to's entry of the destination topic, once sent to
  std::optional<kafka::Producer> m_producer;
  // Declared after the producer: stopped before it goes.
  std::optional<ProduceWorker> m_worker;
  size_t m_unacked = 0;  // threaded: records sent without an applied report
  // Indexed by token - m_first_token: tokens are handed out in order, so a
  // ring instead of a hash map (no allocation per record). The front is
  // dropped once its report came.
  std::deque<InFlight> m_in_flight;
  uint64_t m_first_token = 1;
  std::vector<kafka::DeliveryReport> m_reports;
  std::vector<uint64_t> m_written;
  uint64_t m_next_token = 1;
  uint64_t m_bytes = 0;
  bool m_stopping = false;
  std::string m_failure;
  uint32_t m_failed_source = 0;
  int64_t m_failed_offset = -1;
  std::string m_failed_error;
  Clock::time_point m_last_activity = Clock::now();
};

}  // namespace evt::replay
