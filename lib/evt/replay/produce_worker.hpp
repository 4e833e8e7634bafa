#pragma once
// A thread that produces a replay's records while the calling thread keeps
// consuming: the copy's records go to it in batches through a bounded
// queue, and the delivery reports come back to the caller, which does all
// the bookkeeping (watermark, tracker, checkpoints) as before. Only the
// producing and the serving of delivery callbacks move (docs/replay.md,
// "Two threads").

#include "evt/kafka/native_headers.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/record_view.hpp"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace evt::replay {

// Produces queued records on its own thread and hands delivery reports back.
class ProduceWorker {
 public:
  // Called on the worker thread for each record, in the order added: hands
  // the record (key, value, timestamp; borrowed for the call) to the
  // producer. `tag`: the text given to add() (borrowed too), nullopt when none.
  using ProduceFn =
      std::function<void(int32_t partition, const RecordView& record, kafka::NativeHeaders headers,
                         std::optional<std::string_view> tag, uint64_t token)>;
  // Called on the worker thread: serves delivery callbacks for up to
  // timeout_ms and appends the finished reports.
  using PollFn = std::function<void(int timeout_ms, std::vector<kafka::DeliveryReport>& reports)>;

  // At most `max_queued` records wait for the worker; `batch` records are
  // handed over at a time; at most `max_unreported` produced records wait
  // for their reports (below the producer's queue.buffering.max.messages,
  // so a produce never waits for room and a stop is served promptly).
  ProduceWorker(ProduceFn produce, PollFn poll, size_t max_unreported, size_t max_queued = 20000,
                size_t batch = 500);
  // Stops the thread, dropping what was not produced yet.
  ~ProduceWorker();
  ProduceWorker(const ProduceWorker&) = delete;
  ProduceWorker& operator=(const ProduceWorker&) = delete;

  // Queues a record (key, value and `tag` copied, headers taken). Waits
  // while `max_queued` records are waiting. Rethrows what the worker threw.
  void add(int32_t partition, const RecordView& record, kafka::NativeHeaders headers, uint64_t token,
           std::optional<std::string_view> tag = std::nullopt);

  // Hands the records added since the last hand-over to the worker.
  void flush();

  // Appends the delivery reports that came, waiting up to timeout_ms for
  // the first when there is none. Rethrows what the worker threw (a
  // produce that failed for every record, or Ctrl-C while the producer's
  // queue was full): the records it did not produce get no report.
  void take(std::vector<kafka::DeliveryReport>& out, int timeout_ms);

  // Ends the thread: produces what is queued first when `finish` (and
  // serves no more reports), or drops it. Returns how many records were
  // dropped. The producer may be used by the caller afterwards.
  size_t stop(bool finish);

 private:
  struct Entry {
    int32_t partition;
    uint64_t token;
    int64_t timestamp;
    size_t key_at;
    size_t key_size;
    size_t value_at;
    size_t value_size;
    size_t tag_at;
    size_t tag_size;
    bool has_key;
    bool has_value;
    bool has_tag;
    kafka::NativeHeaders headers;
  };
  // Records with their keys and values in one buffer.
  struct Batch {
    std::string bytes;
    std::vector<Entry> entries;
  };

  void run();
  // Produces one batch on the worker thread; returns how many records it
  // produced (fewer when a stop without finishing came while it waited for
  // reports).
  size_t produce(Batch& batch);
  // Serves delivery callbacks on the worker thread and passes the reports on.
  void poll(int timeout_ms);
  void rethrow_locked();

  ProduceFn m_produce;
  PollFn m_poll;
  const size_t m_max_unreported;
  const size_t m_max_queued;
  const size_t m_batch_size;
  Batch m_filling;  // the caller's: records not yet handed over
  // The worker's: produced records without a report yet; report scratch.
  size_t m_unreported = 0;
  std::vector<kafka::DeliveryReport> m_polled;

  std::mutex m_mutex;
  std::condition_variable m_work;     // the worker waits for batches (or a stop)
  std::condition_variable m_changed;  // the caller waits for room or reports
  std::vector<Batch> m_queue;         // handed over, not taken by the worker yet
  std::vector<Batch> m_spare;         // produced batches, kept for their storage
  size_t m_queued = 0;                // records handed over and not produced yet
  std::vector<kafka::DeliveryReport> m_reports;
  std::exception_ptr m_error;
  bool m_stop = false;
  bool m_finish = false;
  size_t m_dropped = 0;
  std::thread m_thread;
};

}  // namespace evt::replay
