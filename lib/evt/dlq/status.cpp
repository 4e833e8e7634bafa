#include "evt/dlq/status.hpp"

#include "evt/ascii.hpp"
#include "evt/dlq/redrive.hpp"
#include "evt/dlq/scan.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/groups.hpp"
#include "evt/read/record_timestamps.hpp"
#include "evt/replay/run_id.hpp"

#include <algorithm>

namespace evt::dlq {

bool looks_like_dlq(std::string_view topic) {
  const auto t = ascii_lower(topic);
  if (t.ends_with(".parked")) {
    return false;
  }
  for (const std::string_view s :
       {".dlt", "-dlt", ".dlq", "-dlq", "_dlq", "_dlt", "-error", "-errors", ".error"}) {
    if (t.ends_with(s)) {
      return true;
    }
  }
  for (const std::string_view p : {"dead-letter", "deadletter", "dlq-", "dlq.", "error-", "errors-"}) {
    if (t.starts_with(p)) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> find_dlq_topics(const kafka::ClientConfig& config,
                                         const std::vector<std::string>& configured) {
  kafka::Admin admin(config);
  const auto cluster = admin.describe_cluster(false);
  std::vector<std::string> out;
  for (const auto& c : configured) {
    const bool exists = std::any_of(cluster.topics.begin(), cluster.topics.end(),
                                    [&](const kafka::TopicInfo& t) { return t.name == c; });
    if (exists && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(c);
    }
  }
  for (const auto& t : cluster.topics) {
    if (looks_like_dlq(t.name) && std::find(out.begin(), out.end(), t.name) == out.end()) {
      out.push_back(t.name);
    }
  }
  return out;
}

std::vector<TopicStatus> topic_statuses(const kafka::ClientConfig& config,
                                        const std::vector<std::string>& topics) {
  kafka::Admin admin(config);
  kafka::Groups groups(config);
  std::vector<TopicStatus> out;
  read::OffsetTargets targets;
  for (const auto& topic : topics) {
    TopicStatus s;
    s.topic = topic;
    std::vector<TopicPartition> tps;
    for (const auto& p : admin.describe_topic(topic).partitions) {
      tps.push_back({topic, p.id});
    }
    const auto group = replay::run_group(redrive_run_id(topic));
    auto committed = groups.committed_offsets({group}, tps)[group];
    for (const auto& [tp, range] : admin.offset_ranges(tps)) {
      s.records += static_cast<uint64_t>(std::max<int64_t>(0, range.end - range.start));
      int64_t from = range.start;
      const auto it = committed.find(tp);
      if (it != committed.end() && it->second != kafka::k_no_commit) {
        s.checkpoint = true;
        from = std::max(from, it->second);
      }
      if (from < range.end) {
        s.pending += static_cast<uint64_t>(range.end - from);
        targets[tp].insert(from);
        targets[tp].insert(range.end - 1);
      }
    }
    out.push_back(std::move(s));
  }
  if (targets.empty()) {
    return out;
  }
  read::TimestampLimits limits;
  limits.timeout_ms = config.timeout_ms;
  read::RecordTimestampProber prober(config, limits);
  const auto answer = prober.probe(targets);
  for (auto& s : out) {
    for (const auto& [tp, found] : answer.found) {
      if (tp.topic != s.topic) {
        continue;
      }
      for (const auto& [offset, r] : found) {
        if (r.timestamp < 0) {
          continue;
        }
        s.oldest_ms = s.oldest_ms ? std::min(*s.oldest_ms, r.timestamp) : r.timestamp;
        s.newest_ms = s.newest_ms ? std::max(*s.newest_ms, r.timestamp) : r.timestamp;
      }
    }
  }
  return out;
}

std::vector<ErrorGroup> pending_error_groups(const kafka::ClientConfig& config, const std::string& topic,
                                             const DecodeOptions& decode, int idle_timeout_ms) {
  auto ranges = topic_ranges(config, topic);
  std::vector<TopicPartition> tps;
  for (const auto& [p, r] : ranges) {
    tps.push_back({topic, p});
  }
  const auto group = replay::run_group(redrive_run_id(topic));
  kafka::Groups groups(config);
  const auto committed = groups.committed_offsets({group}, tps)[group];  // a copy: the map is a temporary
  for (const auto& [tp, offset] : committed) {
    if (offset != kafka::k_no_commit) {
      auto& r = ranges[tp.partition];
      r.start = std::max(r.start, offset);
    }
  }
  ErrorGroups out;
  scan_topic(config, topic, ranges, idle_timeout_ms, [&](const RecordView& r) {
    out.add(r.timestamp, decode_dead_letter(topic, r.headers, decode));
    return true;
  });
  return out.sorted();
}

std::string check_reason(const TopicStatus& status, const CheckLimits& limits, int64_t now_ms) {
  if (limits.max_records && status.pending > *limits.max_records) {
    return std::to_string(status.pending) + " record(s) to re-drive, more than --max-records " +
           std::to_string(*limits.max_records);
  }
  if (limits.max_age_ms && status.newest_ms && now_ms - *status.newest_ms < *limits.max_age_ms) {
    return "newest record to re-drive is " + format_age(status.newest_ms, now_ms) +
           " old, newer than --max-age";
  }
  return {};
}

std::string format_age(std::optional<int64_t> timestamp_ms, int64_t now_ms) {
  if (!timestamp_ms) {
    return "-";
  }
  const int64_t s = std::max<int64_t>(0, (now_ms - *timestamp_ms) / 1000);
  if (s < 120) {
    return std::to_string(s) + "s";
  }
  if (s < 7200) {
    return std::to_string(s / 60) + "m";
  }
  if (s < 2 * 86400) {
    return std::to_string(s / 3600) + "h";
  }
  return std::to_string(s / 86400) + "d";
}

}  // namespace evt::dlq
