#include "evt/read/record_timestamps.hpp"

#include "evt/error.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace evt::read {
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

kafka::ConsumerOptions reader_options() {
  kafka::ConsumerOptions o;
  // A committed offset below the log start reads from the log start, which
  // is also where lag is measured from in that case.
  o.auto_offset_reset = "earliest";
  o.fetch_wait_max_ms = 50;
  // One record per partition is wanted, not a megabyte: librdkafka grows
  // the size by itself when a record batch is larger.
  o.max_partition_fetch_bytes = 65536;
  o.bulk_prefetch = false;
  return o;
}

int ms_left(Clock::time_point deadline) {
  return static_cast<int>(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
}

// Reads one slice of partitions until each has answered all its targets,
// reached its end, failed, or the deadline passed; false when the deadline
// or SIGINT left partitions unanswered.
bool read_slice(kafka::Consumer& consumer, Slice& slice, Clock::time_point deadline, bool pause,
                TargetRecords& out) {
  std::vector<std::string> topics;
  std::vector<kafka::StartPosition> assignment;
  for (const auto& [tp, r] : slice) {
    topics.push_back(tp.topic);
    assignment.push_back({tp, *r.next});
  }
  consumer.learn_topics(topics, ms_left(deadline));
  try {
    consumer.assign(assignment);
  } catch (const Error&) {
    return true;  // these stay unanswered (time lag unknown); nothing else is affected
  }
  std::vector<TopicPartition> reached_end;
  std::vector<TopicPartition> failed;
  std::vector<TopicPartition> finished;
  while (!slice.empty() && Clock::now() < deadline && !interrupted()) {
    const int wait_ms = std::clamp(ms_left(deadline), 1, 100);
    reached_end.clear();
    failed.clear();
    finished.clear();
    const auto done = [&](const TopicPartition& tp) {
      if (slice.erase(tp) != 0) {
        finished.push_back(tp);
      }
    };
    consumer.poll_view(
        [&](const RecordView& m) {
          const TopicPartition tp{std::string(m.topic), m.partition};
          auto it = slice.find(tp);
          if (it == slice.end()) {
            return;  // left over from a partition already answered
          }
          auto& r = it->second;
          if (m.offset < *r.next) {
            return;
          }
          // Every target up to this record is answered by it: a target with
          // no record of its own (compacted away, a transaction marker) is
          // read at the next record, as a consumer starting there would.
          while (r.next != r.end && *r.next <= m.offset) {
            out[tp][*r.next] = ProbeResult{m.offset, m.timestamp};
            ++r.next;
          }
          if (r.next == r.end) {
            done(tp);
          } else if (*r.next - m.offset > k_seek_gap && !consumer.seek(tp, *r.next)) {
            done(tp);
          }
        },
        reached_end, failed, 1000, wait_ms, false);
    // At its end (no record at or after the target is readable yet, e.g. an
    // open transaction) or failed: stop fetching it.
    for (const auto& tp : reached_end) {
      done(tp);
    }
    for (const auto& tp : failed) {
      done(tp);
    }
    if (pause && !finished.empty() && !slice.empty()) {
      consumer.pause(finished);
    }
  }
  return slice.empty();
}

}  // namespace

RecordTimestampProber::RecordTimestampProber(const kafka::ClientConfig& config, const TimestampLimits& limits)
    : m_config(config), m_limits(limits) {}

RecordTimestampProber::~RecordTimestampProber() = default;

ProbeAnswer RecordTimestampProber::probe(const std::map<TopicPartition, int64_t>& targets) {
  OffsetTargets sets;
  for (const auto& [tp, offset] : targets) {
    sets[tp].insert(offset);
  }
  return probe(sets);
}

ProbeAnswer RecordTimestampProber::probe(const OffsetTargets& targets) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_limits.timeout_ms);
  // Slices of even size, none over the limit (3000 partitions: 2 × 1500,
  // not 2500 + 500, so two readers finish together).
  const size_t wanted = static_cast<size_t>(
      std::count_if(targets.begin(), targets.end(), [](const auto& t) { return !t.second.empty(); }));
  const size_t limit = std::max<size_t>(1, m_limits.partitions_per_assignment);
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
  const size_t readers = std::clamp<size_t>(m_limits.readers, 1, std::max<size_t>(1, slices.size()));
  if (m_readers.size() < readers) {
    m_readers.resize(readers);
  }
  std::vector<TargetRecords> found(slices.size());
  std::atomic<size_t> next_slice{0};
  std::atomic<bool> complete{true};
  std::mutex error_mutex;
  std::exception_ptr first_error;
  // One consumer per reader thread, so readers run in parallel: it reads the
  // slices it takes one after another, each in its own assignment.
  auto reader = [&](size_t r) {
    try {
      for (size_t i = next_slice++; i < slices.size(); i = next_slice++) {
        if (Clock::now() >= deadline || interrupted()) {
          complete = false;
          return;
        }
        if (!m_readers[r]) {
          m_readers[r] = std::make_unique<kafka::Consumer>(m_config, reader_options());
        }
        if (!read_slice(*m_readers[r], slices[i], deadline, m_limits.pause_answered, found[i])) {
          complete = false;
        }
      }
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!first_error) {
        first_error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t r = 1; r < readers; ++r) {
    threads.emplace_back(reader, r);
  }
  reader(0);
  for (auto& t : threads) {
    t.join();
  }
  if (first_error) {
    std::rethrow_exception(first_error);
  }
  ProbeAnswer answer;
  answer.complete = complete;
  for (auto& part : found) {
    answer.found.merge(part);
  }
  return answer;
}

}  // namespace evt::read
