#include "evt/tail/plan.hpp"

#include "evt/error.hpp"
#include "evt/output/duration.hpp"
#include "evt/read/record_timestamps.hpp"
#include "evt/read/time_search.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace evt::tail {
namespace {

std::vector<TopicPartition> select_partitions(kafka::Admin& admin, const TailRequest& request) {
  std::vector<TopicPartition> tps;
  for (const auto& topic : request.topics) {
    const auto info = admin.describe_topic(topic);
    std::set<int32_t> ids;
    for (const auto& p : info.partitions) {
      ids.insert(p.id);
    }
    if (request.partitions.empty()) {
      for (const auto id : ids) {
        tps.push_back({topic, id});
      }
      continue;
    }
    for (const auto id : request.partitions) {
      if (ids.count(id) == 0) {
        throw UsageError("topic '" + topic + "' has no partition " + std::to_string(id) + " (it has " +
                             std::to_string(ids.size()) + ")",
                         "`evt topics describe " + topic + "` lists its partitions");
      }
      tps.push_back({topic, id});
    }
  }
  return tps;
}

// The record-timestamp prober as the time search wants it: one record per
// asked partition, or none when the partition ends before it.
class TimeSearchProbe {
 public:
  explicit TimeSearchProbe(const kafka::ClientConfig& config)
      : m_prober(config, limits(config)), m_timeout_ms(config.timeout_ms) {}

  std::map<TopicPartition, read::ProbeResult> operator()(const std::map<TopicPartition, int64_t>& asked) {
    auto answer = m_prober.probe(asked);
    if (interrupted()) {
      throw Interrupted();
    }
    if (!answer.complete) {
      throw BrokerError("timed out after " +
                            output::format_duration(std::chrono::milliseconds(m_timeout_ms)) +
                            " reading record timestamps for a time position (the broker's "
                            "offsets-for-times gave none)",
                        "check that the brokers are up, or raise --timeout");
    }
    std::map<TopicPartition, read::ProbeResult> found;
    for (const auto& [tp, offset] : asked) {
      const auto it = answer.found.find(tp);
      if (it != answer.found.end() && it->second.count(offset) != 0) {
        found[tp] = it->second.at(offset);
      }
    }
    return found;
  }

 private:
  static read::TimestampLimits limits(const kafka::ClientConfig& config) {
    read::TimestampLimits l;
    l.timeout_ms = config.timeout_ms;
    l.readers = 1;  // a few partitions per round; one consumer kept across rounds
    l.pause_answered = false;
    return l;
  }

  read::RecordTimestampProber m_prober;
  int m_timeout_ms;
};

// Offsets for each time the position uses, per partition.
std::map<std::pair<TopicPartition, int64_t>, int64_t> lookup_times(
    kafka::Admin& admin, const kafka::ClientConfig& config, const read::PositionSpec& spec,
    const std::map<TopicPartition, OffsetRange>& ranges, std::vector<std::string>& notes) {
  std::set<int64_t> times;
  if (spec.start.kind == read::BoundKind::time) {
    times.insert(spec.start.value);
  }
  if (spec.end && spec.end->kind == read::BoundKind::time) {
    times.insert(spec.end->value);
  }
  std::vector<TopicPartition> tps;
  for (const auto& [tp, r] : ranges) {
    tps.push_back(tp);
  }
  std::map<std::pair<TopicPartition, int64_t>, int64_t> result;
  std::optional<TimeSearchProbe> probe;
  for (const int64_t t : times) {
    const auto answered = admin.offsets_for_time(tps, t);
    std::map<TopicPartition, OffsetRange> unanswered;
    for (const auto& tp : tps) {
      const auto it = answered.find(tp);
      if (it != answered.end() && it->second >= 0) {
        result[{tp, t}] = it->second;
      } else if (ranges.at(tp).end > ranges.at(tp).start) {
        unanswered[tp] = ranges.at(tp);
      } else {
        result[{tp, t}] = ranges.at(tp).end;
      }
    }
    if (unanswered.empty()) {
      continue;
    }
    // -1 means "no record at or after t" on a real broker and "not
    // implemented" on the sandbox; the search answers both correctly.
    if (!probe) {
      probe.emplace(config);
    }
    int rounds = 0;
    const auto searched = read::search_offsets_for_time(
        unanswered, t, [&](const auto& asked) { return (*probe)(asked); }, &rounds);
    for (const auto& [tp, offset] : searched) {
      result[{tp, t}] = offset;
    }
    notes.push_back("offsets-for-times gave no offset for " + std::to_string(unanswered.size()) +
                    " partition(s); found them by binary search on record timestamps (" +
                    std::to_string(rounds) + " probe rounds)");
  }
  return result;
}

}  // namespace

TailPlan plan_tail(kafka::Admin& admin, const kafka::ClientConfig& config, const TailRequest& request) {
  TailPlan plan;
  const auto tps = select_partitions(admin, request);
  const auto ranges = admin.offset_ranges(tps);
  std::map<std::pair<TopicPartition, int64_t>, int64_t> times;
  if (read::uses_time(request.position)) {
    times = lookup_times(admin, config, request.position, ranges, plan.notes);
  }
  const read::TimeToOffset time_to_offset = [&](const TopicPartition& tp, int64_t ts) {
    const auto it = times.find({tp, ts});
    return it != times.end() ? it->second : ranges.at(tp).end;
  };
  for (const auto& tp : tps) {
    auto p = read::resolve_position(request.position, tp, ranges.at(tp), request.exit_at_end, time_to_offset);
    std::string note = tp.topic + "/" + std::to_string(tp.partition) + ": log " +
                       std::to_string(ranges.at(tp).start) + ".." + std::to_string(ranges.at(tp).end) +
                       ", reading from " + std::to_string(p.start);
    note += p.end ? " until " + std::to_string(*p.end) + " (excluded)" : " on (following)";
    plan.notes.push_back(std::move(note));
    plan.partitions.push_back(std::move(p));
  }
  return plan;
}

}  // namespace evt::tail
