#include "evt/kafka/record_timestamps.hpp"

#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace evt::kafka {
namespace {

// Targets closer than this are reached by reading on rather than seeking:
// they are usually in the batch already fetched, and a seek drops it.
constexpr int64_t k_seek_gap = 1000;

using Clock = std::chrono::steady_clock;

struct Reading {
  std::set<int64_t>::const_iterator next;
  std::set<int64_t>::const_iterator end;
};

using Slice = std::map<TopicPartition, Reading>;

ConfPtr reader_conf(const ClientConfig& config, ClientState& state) {
  ClientConfig effective = config;
  const Properties defaults = {
      // A consumer needs a group id even for manual assignment; it never
      // joins or commits, so the name only shows up in broker logs.
      {"group.id", "evt-lag-timestamps"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"enable.partition.eof", "true"},
      // A committed offset below the log start reads from the log start,
      // which is also where lag is measured from in that case.
      {"auto.offset.reset", "earliest"},
      {"fetch.wait.max.ms", "50"},
      // One record per partition is wanted, not a megabyte: librdkafka
      // grows the size by itself when a record batch is larger.
      {"max.partition.fetch.bytes", "65536"},
  };
  effective.properties.insert(effective.properties.begin(), defaults.begin(), defaults.end());
  return make_conf(effective, state);
}

TplPtr one_partition(const TopicPartition& tp, int64_t offset) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  return tpl;
}

// Up to `max` records, blocking at most `wait_ms` for the first one only:
// consume_batch_queue alone would wait for a full batch or the timeout.
ssize_t next_records(rd_kafka_queue_t* queue, int wait_ms, std::vector<rd_kafka_message_t*>& batch) {
  ssize_t n = rd_kafka_consume_batch_queue(queue, 0, batch.data(), batch.size());
  if (n == 0) {
    n = rd_kafka_consume_batch_queue(queue, wait_ms, batch.data(), 1);
    if (n == 1) {
      const ssize_t more = rd_kafka_consume_batch_queue(queue, 0, batch.data() + 1, batch.size() - 1);
      n += std::max<ssize_t>(more, 0);
    }
  }
  return n;
}

// Reads one slice of partitions until each has answered all its targets,
// reached its end, failed, or the deadline passed.
void read_slice(rd_kafka_t* rk, rd_kafka_queue_t* queue, Slice& slice, Clock::time_point deadline,
                TargetTimestamps& out) {
  TplPtr assignment(rd_kafka_topic_partition_list_new(static_cast<int>(slice.size())));
  for (const auto& [tp, r] : slice) {
    rd_kafka_topic_partition_list_add(assignment.get(), tp.topic.c_str(), tp.partition)->offset = *r.next;
  }
  if (rd_kafka_assign(rk, assignment.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;  // time lag stays unknown for this slice; offsets lag is unaffected
  }
  std::vector<rd_kafka_message_t*> batch(1000);
  while (!slice.empty() && Clock::now() < deadline && !interrupted()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 1, 100));
    const ssize_t n = next_records(queue, wait_ms, batch);
    TplPtr finished(rd_kafka_topic_partition_list_new(16));
    for (ssize_t i = 0; i < n; ++i) {
      MessagePtr m(batch[static_cast<size_t>(i)]);
      if (m->rkt == nullptr) {
        continue;  // a client-level event, not a partition's
      }
      const TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
      auto it = slice.find(tp);
      if (it == slice.end()) {
        continue;  // left over from a partition already answered
      }
      auto& r = it->second;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->offset < *r.next) {
          continue;
        }
        rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        const int64_t ts = rd_kafka_message_timestamp(m.get(), &tstype);
        // Every target up to this record is answered by it: a target with
        // no record of its own (compacted away, a transaction marker) is
        // read at the next record, as a consumer starting there would.
        while (r.next != r.end && *r.next <= m->offset) {
          out[tp][*r.next] = ts;
          ++r.next;
        }
        if (r.next != r.end) {
          if (*r.next - m->offset > k_seek_gap) {
            auto seek = one_partition(tp, *r.next);
            if (auto* error = rd_kafka_seek_partitions(rk, seek.get(), 0)) {
              rd_kafka_error_destroy(error);
            } else {
              continue;
            }
          } else {
            continue;
          }
        }
      }
      // Answered, at its end (no record at or after the target is readable
      // yet, e.g. an open transaction) or failed: stop fetching it.
      rd_kafka_topic_partition_list_add(finished.get(), tp.topic.c_str(), tp.partition);
      slice.erase(it);
    }
    if (finished->cnt > 0 && !slice.empty()) {
      rd_kafka_pause_partitions(rk, finished.get());
    }
  }
}

// One consumer per reader thread, so readers run in parallel: it reads the
// slices it takes one after another, each in its own assignment.
class SliceReader {
 public:
  explicit SliceReader(const ClientConfig& config)
      : m_rk(make_handle(RD_KAFKA_CONSUMER, reader_conf(config, m_state))) {
    rd_kafka_poll_set_consumer(m_rk.get());
    m_queue.reset(rd_kafka_queue_get_consumer(m_rk.get()));
  }
  ~SliceReader() {
    rd_kafka_assign(m_rk.get(), nullptr);
    for (auto* rkt : m_topics) {
      rd_kafka_topic_destroy(rkt);
    }
    m_queue.reset();
    rd_kafka_consumer_close(m_rk.get());
  }
  SliceReader(const SliceReader&) = delete;
  SliceReader& operator=(const SliceReader&) = delete;

  void read(Slice& slice, Clock::time_point deadline, TargetTimestamps& out) {
    know_topics(slice, deadline);
    read_slice(m_rk.get(), m_queue.get(), slice, deadline, out);
  }

 private:
  // Partitions of topics the client has no metadata for wait for the next
  // refresh (most of a second), so ask first. Topic handles make topics
  // "locally known", and only those are asked for.
  void know_topics(const Slice& slice, Clock::time_point deadline) {
    bool added = false;
    for (const auto& [tp, r] : slice) {
      if (m_known.insert(tp.topic).second) {
        if (auto* rkt = rd_kafka_topic_new(m_rk.get(), tp.topic.c_str(), nullptr)) {
          m_topics.push_back(rkt);
          added = true;
        }
      }
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const rd_kafka_metadata_t* md = nullptr;
    if (added && left.count() > 0 &&
        rd_kafka_metadata(m_rk.get(), 0, nullptr, &md, static_cast<int>(left.count())) ==
            RD_KAFKA_RESP_ERR_NO_ERROR) {
      MetadataPtr owned(md);
    }
  }

  ClientState m_state;
  HandlePtr m_rk;
  QueuePtr m_queue;
  std::set<std::string> m_known;
  std::vector<rd_kafka_topic_t*> m_topics;
};

}  // namespace

TargetTimestamps record_timestamps(const ClientConfig& config, const OffsetTargets& targets,
                                   const TimestampLimits& limits) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
  // Slices of even size, none over the limit (3000 partitions: 2 × 1500,
  // not 2500 + 500, so two readers finish together).
  const size_t wanted = static_cast<size_t>(
      std::count_if(targets.begin(), targets.end(), [](const auto& t) { return !t.second.empty(); }));
  const size_t limit = std::max<size_t>(1, limits.partitions_per_assignment);
  const size_t count = (wanted + limit - 1) / limit;
  const size_t per_slice = count == 0 ? 1 : (wanted + count - 1) / count;
  std::vector<Slice> slices;
  for (const auto& [tp, offsets] : targets) {
    if (offsets.empty()) {
      continue;
    }
    if (slices.empty() || slices.back().size() >= per_slice) {
      slices.emplace_back();
    }
    slices.back().emplace(tp, Reading{offsets.begin(), offsets.end()});
  }
  std::vector<TargetTimestamps> found(slices.size());
  std::atomic<size_t> next_slice{0};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  auto reader = [&] {
    try {
      std::optional<SliceReader> consumer;
      for (size_t i = next_slice++; i < slices.size(); i = next_slice++) {
        if (Clock::now() >= deadline || interrupted()) {
          return;
        }
        if (!consumer) {
          consumer.emplace(config);
        }
        consumer->read(slices[i], deadline, found[i]);
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!first_error) {
        first_error = std::current_exception();
      }
    }
  };
  const size_t readers = std::clamp<size_t>(limits.readers, 1, std::max<size_t>(1, slices.size()));
  std::vector<std::thread> threads;
  for (size_t r = 1; r < readers; ++r) {
    threads.emplace_back(reader);
  }
  reader();
  for (auto& t : threads) {
    t.join();
  }
  if (first_error) {
    std::rethrow_exception(first_error);
  }
  TargetTimestamps out;
  for (auto& part : found) {
    out.merge(part);
  }
  return out;
}

}  // namespace evt::kafka
