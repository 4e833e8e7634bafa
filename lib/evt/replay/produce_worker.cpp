#include "evt/replay/produce_worker.hpp"

#include "evt/signals.hpp"

#include <algorithm>
#include <chrono>

namespace evt::replay {

ProduceWorker::ProduceWorker(ProduceFn produce, PollFn poll, size_t max_unreported, size_t max_queued,
                             size_t batch)
    : m_produce(std::move(produce)),
      m_poll(std::move(poll)),
      m_max_unreported(std::max<size_t>(max_unreported, 1)),
      m_max_queued(std::max<size_t>(max_queued, 1)),
      m_batch_size(std::clamp<size_t>(batch, 1, m_max_queued)) {
  m_thread = std::thread([this] { run(); });
}

ProduceWorker::~ProduceWorker() {
  stop(false);
}

void ProduceWorker::rethrow_locked() {
  if (m_error) {
    std::rethrow_exception(m_error);
  }
}

void ProduceWorker::add(int32_t partition, const RecordView& record, kafka::NativeHeaders headers,
                        uint64_t token, std::optional<std::string_view> tag) {
  auto& b = m_filling;
  Entry e{partition,
          token,
          record.timestamp,
          b.bytes.size(),
          record.key ? record.key->size() : 0,
          0,
          record.value ? record.value->size() : 0,
          0,
          tag ? tag->size() : 0,
          record.key.has_value(),
          record.value.has_value(),
          tag.has_value(),
          std::move(headers)};
  // The consumed message is freed after this call: its key and value are
  // copied (the producer copies them again, on the worker thread).
  if (record.key) {
    b.bytes.append(*record.key);
  }
  e.value_at = b.bytes.size();
  if (record.value) {
    b.bytes.append(*record.value);
  }
  e.tag_at = b.bytes.size();
  if (tag) {
    b.bytes.append(*tag);
  }
  b.entries.push_back(std::move(e));
  if (b.entries.size() >= m_batch_size) {
    flush();
  }
}

void ProduceWorker::flush() {
  if (m_filling.entries.empty()) {
    std::lock_guard lock(m_mutex);
    rethrow_locked();
    return;
  }
  std::unique_lock lock(m_mutex);
  // The worker takes batches as fast as the destination acknowledges. On
  // Ctrl-C the batch goes over the bound: the caller stops adding at its
  // next check, and its drain (bounded by --timeout) waits for what was sent.
  while (m_queued >= m_max_queued && !m_error && !m_stop && !interrupted()) {
    m_changed.wait_for(lock, std::chrono::milliseconds(100));
  }
  rethrow_locked();
  m_queued += m_filling.entries.size();
  m_queue.push_back(std::move(m_filling));
  m_filling = Batch{};
  if (!m_spare.empty()) {
    m_filling = std::move(m_spare.back());
    m_spare.pop_back();
  }
  lock.unlock();
  m_work.notify_one();
}

void ProduceWorker::take(std::vector<kafka::DeliveryReport>& out, int timeout_ms) {
  std::unique_lock lock(m_mutex);
  if (m_reports.empty() && timeout_ms > 0 && !m_error) {
    m_changed.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                       [&] { return !m_reports.empty() || m_error; });
  }
  rethrow_locked();
  if (out.empty()) {
    out.swap(m_reports);  // no copy; `out`'s storage is reused by the worker
  } else {
    out.insert(out.end(), std::make_move_iterator(m_reports.begin()),
               std::make_move_iterator(m_reports.end()));
  }
  m_reports.clear();
}

size_t ProduceWorker::stop(bool finish) {
  if (!m_thread.joinable()) {
    return m_dropped;
  }
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
    m_finish = finish;
  }
  m_work.notify_one();
  m_thread.join();
  if (!finish) {
    m_dropped += m_filling.entries.size();
  }
  m_filling = Batch{};
  return m_dropped;
}

void ProduceWorker::poll(int timeout_ms) {
  m_polled.clear();
  m_poll(timeout_ms, m_polled);
  if (m_polled.empty()) {
    return;
  }
  m_unreported -= std::min(m_unreported, m_polled.size());
  {
    std::lock_guard lock(m_mutex);
    if (m_reports.empty()) {
      m_reports.swap(m_polled);
    } else {
      m_reports.insert(m_reports.end(), std::make_move_iterator(m_polled.begin()),
                       std::make_move_iterator(m_polled.end()));
    }
  }
  m_changed.notify_all();
}

size_t ProduceWorker::produce(Batch& batch) {
  RecordView v;
  size_t done = 0;
  for (auto& e : batch.entries) {
    while (m_unreported >= m_max_unreported) {
      {
        std::lock_guard lock(m_mutex);
        if (m_stop && !m_finish) {
          return done;
        }
      }
      poll(10);
    }
    v.timestamp = e.timestamp;
    v.key = e.has_key
                ? std::optional<std::string_view>(std::in_place, batch.bytes.data() + e.key_at, e.key_size)
                : std::nullopt;
    v.value = e.has_value ? std::optional<std::string_view>(std::in_place, batch.bytes.data() + e.value_at,
                                                            e.value_size)
                          : std::nullopt;
    const auto tag =
        e.has_tag ? std::optional<std::string_view>(std::in_place, batch.bytes.data() + e.tag_at, e.tag_size)
                  : std::nullopt;
    m_produce(e.partition, v, std::move(e.headers), tag, e.token);
    ++m_unreported;
    ++done;
  }
  return done;
}

void ProduceWorker::run() {
  std::vector<Batch> work;
  try {
    for (;;) {
      {
        std::unique_lock lock(m_mutex);
        if (m_queue.empty() && !m_stop && m_unreported == 0) {
          m_work.wait(lock, [&] { return !m_queue.empty() || m_stop; });
        }
        if (m_stop && (!m_finish || m_queue.empty())) {
          break;
        }
        work.swap(m_queue);
      }
      for (size_t i = 0; i < work.size(); ++i) {
        const size_t n = work[i].entries.size();
        const size_t done = produce(work[i]);
        std::lock_guard lock(m_mutex);
        m_queued -= n;
        if (done < n) {
          // Stopped while waiting for reports: this batch's rest and the
          // batches after it are dropped.
          m_dropped += n - done;
          for (size_t k = i + 1; k < work.size(); ++k) {
            m_queued -= work[k].entries.size();
            m_dropped += work[k].entries.size();
          }
          break;
        }
        work[i].entries.clear();
        work[i].bytes.clear();
        m_spare.push_back(std::move(work[i]));
      }
      work.clear();
      m_changed.notify_all();
      // Waits a little for reports only when there is nothing to produce:
      // a batch handed over meanwhile waits at most that long.
      bool idle = false;
      {
        std::lock_guard lock(m_mutex);
        idle = m_queue.empty();
        if (m_stop && !m_finish) {
          continue;
        }
      }
      poll(idle ? 2 : 0);
    }
  } catch (...) {
    std::lock_guard lock(m_mutex);
    m_error = std::current_exception();
  }
  std::lock_guard lock(m_mutex);
  if (!m_finish || m_error) {
    for (const auto& b : m_queue) {
      m_dropped += b.entries.size();
    }
    m_queue.clear();
    m_queued = 0;
  }
  m_changed.notify_all();
}

}  // namespace evt::replay
