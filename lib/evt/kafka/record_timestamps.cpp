#include "evt/kafka/record_timestamps.hpp"

#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <chrono>
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
  };
  effective.properties.insert(effective.properties.begin(), defaults.begin(), defaults.end());
  return make_conf(effective, state);
}

TplPtr one_partition(const TopicPartition& tp, int64_t offset) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  return tpl;
}

// Reads one wave of partitions until each has answered all its targets,
// reached its end, failed, or the deadline passed.
void read_wave(rd_kafka_t* rk, rd_kafka_queue_t* queue, std::map<TopicPartition, Reading>& wave,
               Clock::time_point deadline, TargetTimestamps& out) {
  TplPtr assignment(rd_kafka_topic_partition_list_new(static_cast<int>(wave.size())));
  for (const auto& [tp, r] : wave) {
    rd_kafka_topic_partition_list_add(assignment.get(), tp.topic.c_str(), tp.partition)->offset =
        *r.next;
  }
  if (rd_kafka_assign(rk, assignment.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;  // time lag stays unknown for this wave; offsets lag is unaffected
  }
  std::vector<rd_kafka_message_t*> batch(1000);
  while (!wave.empty() && Clock::now() < deadline && !interrupted()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int wait_ms = static_cast<int>(std::clamp<int64_t>(left.count(), 1, 200));
    const ssize_t n = rd_kafka_consume_batch_queue(queue, wait_ms, batch.data(), batch.size());
    TplPtr finished(rd_kafka_topic_partition_list_new(16));
    for (ssize_t i = 0; i < n; ++i) {
      MessagePtr m(batch[static_cast<size_t>(i)]);
      if (m->rkt == nullptr) {
        continue;  // a client-level event, not a partition's
      }
      const TopicPartition tp{rd_kafka_topic_name(m->rkt), m->partition};
      auto it = wave.find(tp);
      if (it == wave.end()) {
        continue;  // left over from a partition already answered
      }
      auto& r = it->second;
      if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (m->offset < *r.next) {
          continue;
        }
        rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        const int64_t ts = rd_kafka_message_timestamp(m.get(), &tstype);
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
      wave.erase(it);
    }
    if (finished->cnt > 0) {
      rd_kafka_pause_partitions(rk, finished.get());
    }
  }
}

} // namespace

TargetTimestamps record_timestamps(const ClientConfig& config, const OffsetTargets& targets,
                                   const TimestampLimits& limits) {
  TargetTimestamps out;
  if (targets.empty()) {
    return out;
  }
  ClientState state;
  auto rk = make_handle(RD_KAFKA_CONSUMER, reader_conf(config, state));
  rd_kafka_poll_set_consumer(rk.get());
  QueuePtr queue(rd_kafka_queue_get_consumer(rk.get()));
  // Fill the topic cache first: partitions assigned to topics the client has
  // no metadata for wait for the next metadata refresh (most of a second).
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk.get(), 1, nullptr, &md, limits.timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    MetadataPtr owned(md);
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(limits.timeout_ms);
  const size_t per_wave = std::max<size_t>(1, limits.max_partitions_at_once);
  auto it = targets.begin();
  while (it != targets.end() && Clock::now() < deadline && !interrupted()) {
    std::map<TopicPartition, Reading> wave;
    for (; it != targets.end() && wave.size() < per_wave; ++it) {
      if (!it->second.empty()) {
        wave.emplace(it->first, Reading{it->second.begin(), it->second.end()});
      }
    }
    read_wave(rk.get(), queue.get(), wave, deadline, out);
  }
  rd_kafka_assign(rk.get(), nullptr);
  queue.reset();
  rd_kafka_consumer_close(rk.get());
  return out;
}

} // namespace evt::kafka
