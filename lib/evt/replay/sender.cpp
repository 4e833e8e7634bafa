#include "evt/replay/sender.hpp"

#include "evt/replay/provenance.hpp"

#include "evt/kafka/property_value.hpp"

#include <algorithm>
#include <stdexcept>

namespace evt::replay {

namespace {

// evt_replay_src and evt_replay_run (docs/replay.md).
void add_provenance(kafka::NativeHeaders& headers, std::string_view source_text, const std::string& run_id) {
  headers.add(k_source_header, source_text);
  headers.add(k_run_header, run_id);
}

}  // namespace

Sender::Sender(const Destination& dest, const CopyOptions& options, size_t sources)
    : m_dest(dest), m_options(options), m_limiter(options.rate), m_written(sources, 0) {}

void Sender::begin(const std::map<int32_t, int64_t>& dest_end, bool threaded) {
  m_tracker.start(dest_end);
  kafka::ProducerOptions po;
  po.idempotent = true;  // retries never duplicate; one partition is written in order
  m_producer.emplace(m_dest.config, po);
  if (threaded) {
    // Half the producer's queue: the worker never meets a full queue, so
    // it never blocks where a stop cannot reach it.
    const auto queue =
        kafka::positive_property(m_dest.config, "queue.buffering.max.messages").value_or(100000);
    kafka::Producer* producer = &*m_producer;
    const std::string* topic = &m_dest.topic;
    const std::string* run_id = &m_options.run_id;
    m_worker.emplace(
        [producer, topic, run_id](int32_t partition, const RecordView& record, kafka::NativeHeaders headers,
                                  std::optional<std::string_view> source_text, uint64_t token) {
          if (source_text) {
            add_provenance(headers, *source_text, *run_id);
          }
          producer->produce(*topic, partition, record, std::move(headers), token);
        },
        [producer](int timeout_ms, std::vector<kafka::DeliveryReport>& reports) {
          producer->poll(timeout_ms, reports);
        },
        std::max<size_t>(queue / 2, 1));
  }
}

void Sender::add_topic(const std::string& topic, const std::map<int32_t, int64_t>& dest_end) {
  auto& e = m_extra[topic];
  e.tracker.start(dest_end);
  for (const auto& [dp, end] : dest_end) {
    e.partitions.push_back(dp);
  }
}

void Sender::found_in(const std::string& topic, uint32_t source, int64_t offset, int32_t dest_partition,
                      int64_t dest_offset) {
  m_extra.at(topic).tracker.acked(dest_partition, dest_offset, source, offset);
}

std::map<std::string, std::map<int32_t, int64_t>> Sender::topic_scan_starts() const {
  std::map<std::string, std::map<int32_t, int64_t>> out;
  for (const auto& [topic, e] : m_extra) {
    auto& starts = out[topic];
    for (const int32_t dp : e.partitions) {
      starts[dp] = e.tracker.scan_start(dp);
    }
  }
  return out;
}

void Sender::found(uint32_t source, int64_t offset, int32_t dest_partition, int64_t dest_offset) {
  m_tracker.acked(dest_partition, dest_offset, source, offset);
}

void Sender::done(uint32_t source, int64_t offset) {
  m_watermark.sent(key(source), offset);
  m_watermark.acked(key(source), offset);
}

void Sender::pass(uint32_t source, int64_t next_offset) {
  m_watermark.read_to(key(source), next_offset);
}

bool Sender::admit() {
  if (!m_limiter.limited()) {
    return true;
  }
  // The n-th record may go at start + n / rate; wait for that serving
  // delivery reports, and stop waiting when asked to stop.
  for (;;) {
    const auto now = deliver::RateLimiter::Clock::now();
    const auto due = m_limiter.due(m_rate_sent);
    if (now >= due) {
      break;
    }
    if (m_options.stop_requested && m_options.stop_requested()) {
      m_stopping = true;
      return false;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(due - now).count();
    serve(static_cast<int>(std::clamp<int64_t>(ms, 1, 50)));
    touch();  // waiting for the rate is not a stall
  }
  ++m_rate_sent;
  return true;
}

uint64_t Sender::track(uint32_t source, int64_t offset, const std::string& topic, uint64_t bytes) {
  const uint64_t token = m_next_token++;
  DestScanTracker* tracker = &m_tracker;
  uint64_t* written_to = nullptr;
  if (topic == m_dest.topic) {
    // Looked up once: the map is node-based, the entry stays put.
    if (m_dest_written == nullptr) {
      m_dest_written = &m_written_to[topic];
    }
    written_to = m_dest_written;
  } else {
    tracker = &m_extra.at(topic).tracker;
    written_to = &m_written_to[topic];
  }
  m_in_flight.push_back(InFlight{source, offset, bytes, true, tracker, written_to});
  return token;
}

bool Sender::send(uint32_t source, int64_t offset, const Record& record) {
  if (m_worker) {
    throw std::logic_error("Sender: a threaded sender sends borrowed records only");
  }
  if (!admit()) {
    return false;
  }
  uint64_t bytes = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  for (const auto& h : record.headers) {
    bytes += h.key.size() + (h.value ? h.value->size() : 0);
  }
  const uint64_t token = track(source, offset, record.topic, bytes);
  m_producer->produce(record, token);
  m_watermark.sent(key(source), offset);
  return true;
}

bool Sender::send(uint32_t source, int64_t offset, int32_t dest_partition, const RecordView& record,
                  kafka::NativeHeaders headers, uint64_t bytes, std::optional<std::string_view> source_text) {
  if (!admit()) {
    return false;
  }
  const uint64_t token = track(source, offset, m_dest.topic, bytes);
  if (m_worker) {
    // The worker adds the headers: their allocations leave the consuming
    // thread, the copy's critical path.
    m_worker->add(dest_partition, record, std::move(headers), token, source_text);
    ++m_unacked;
  } else {
    if (source_text) {
      add_provenance(headers, *source_text, m_options.run_id);
    }
    m_producer->produce(m_dest.topic, dest_partition, record, std::move(headers), token);
  }
  m_watermark.sent(key(source), offset);
  return true;
}

void Sender::serve(int timeout_ms) {
  if (!m_producer) {
    return;
  }
  m_reports.clear();
  if (m_worker) {
    m_worker->flush();
    m_worker->take(m_reports, timeout_ms);
  } else {
    m_producer->poll(timeout_ms, m_reports);
  }
  bool moved = false;
  for (const auto& rep : m_reports) {
    if (rep.token < m_first_token || rep.token - m_first_token >= m_in_flight.size()) {
      continue;
    }
    auto& slot = m_in_flight[rep.token - m_first_token];
    if (!slot.pending) {
      continue;
    }
    slot.pending = false;
    if (m_worker) {
      --m_unacked;
    }
    const auto f = slot;
    while (!m_in_flight.empty() && !m_in_flight.front().pending) {
      m_in_flight.pop_front();
      ++m_first_token;
    }
    if (!rep.delivered) {
      if (m_failure.empty()) {
        m_failure = "the destination did not take record " + std::to_string(f.offset) + " of source " +
                    std::to_string(f.source) + ": " + rep.error;
        m_failed_source = f.source;
        m_failed_offset = f.offset;
        m_failed_error = rep.error;
      }
      // From here on no checkpoint is saved: the record may still have
      // landed, below offsets later acknowledgements would move the scan past.
      m_stopping = true;
      continue;
    }
    m_watermark.acked(key(f.source), f.offset);
    f.tracker->acked(rep.partition, rep.offset, f.source, f.offset);
    ++*f.written_to;
    ++m_written[f.source];
    m_bytes += f.bytes;
    moved = true;
  }
  if (moved) {
    touch();  // once per call: the clock is not free per record
  }
}

int64_t Sender::commit_offset(uint32_t source, int64_t fallback) const {
  return m_watermark.commit_offset(key(source)).value_or(fallback);
}

void Sender::prune(const std::vector<int64_t>& offsets) {
  const auto covered = [&](uint32_t source, int64_t off) { return off < offsets[source]; };
  m_tracker.prune(covered);
  for (auto& [topic, e] : m_extra) {
    e.tracker.prune(covered);
  }
}

void Sender::forget(uint32_t source) {
  m_watermark.forget(key(source));
  m_tracker.forget(source);
  for (auto& [topic, e] : m_extra) {
    e.tracker.forget(source);
  }
}

size_t Sender::drain() {
  if (!m_producer) {
    return 0;
  }
  touch();
  while (in_flight() > 0 &&
         Clock::now() - m_last_activity <= std::chrono::milliseconds(m_options.idle_timeout_ms)) {
    serve(100);
  }
  const size_t left = in_flight();
  if (m_worker) {
    // Records it still holds were never produced: nothing of them can land.
    m_worker->stop(left == 0);
    m_worker.reset();
  }
  if (left > 0) {
    m_reports.clear();
    m_producer->purge(m_reports);
  }
  return left;
}

}  // namespace evt::replay
