#include "evt/lag/collect.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/watermarks.hpp"
#include "evt/read/record_timestamps.hpp"
#include "evt/signals.hpp"

#include <chrono>
#include <map>
#include <set>

namespace evt::lag {

struct LagCollector::Impl {
  // One client for all three: a lag run connects to the cluster once.
  explicit Impl(const kafka::ClientConfig& c)
      : config(c), client(c), admin(client), groups(client), watermarks(client) {}
  kafka::ClientConfig config;
  kafka::Client client;
  kafka::Admin admin;
  kafka::Groups groups;
  kafka::Watermarks watermarks;
  // Whether the brokers answer ListGroups/DescribeGroups; learnt once.
  std::optional<bool> group_apis;
};

LagCollector::LagCollector(const kafka::ClientConfig& config) : m_impl(std::make_unique<Impl>(config)) {}

LagCollector::~LagCollector() = default;

kafka::MaybeSupported<std::vector<kafka::GroupListing>> LagCollector::list_groups() {
  auto listing = m_impl->groups.list_groups();
  m_impl->group_apis = listing.supported;
  return listing;
}

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

using TopicPartitions = std::map<std::string, std::vector<TopicPartition>>;

TopicPartitions partitions_by_topic(const kafka::ClusterInfo& cluster) {
  TopicPartitions out;
  for (const auto& t : cluster.topics) {
    auto& parts = out[t.name];
    for (const auto& p : t.partitions) {
      parts.push_back({t.name, p.id});
    }
  }
  return out;
}

// Committed offsets with a real commit only.
std::set<std::string> committed_topics(const std::map<TopicPartition, int64_t>& offsets) {
  std::set<std::string> out;
  for (const auto& [tp, offset] : offsets) {
    if (offset != kafka::k_no_commit) {
      out.insert(tp.topic);
    }
  }
  return out;
}

}  // namespace

LagSnapshot LagCollector::collect(const LagRequest& request) {
  auto& impl = *m_impl;
  LagSnapshot snap;
  const auto cluster = impl.admin.describe_cluster(false);
  const auto topic_parts = partitions_by_topic(cluster);

  std::vector<TopicPartition> explicit_parts;
  for (const auto& topic : request.topics) {
    const auto it = topic_parts.find(topic);
    if (it == topic_parts.end() || it->second.empty()) {
      throw UsageError("topic '" + topic + "' does not exist on " + impl.config.brokers,
                       "`evt topics` lists the topics that exist");
    }
    explicit_parts.insert(explicit_parts.end(), it->second.begin(), it->second.end());
  }
  auto committed = impl.groups.committed_offsets(request.groups, explicit_parts);
  if (request.topics.empty()) {
    // Asking for "everything the group committed" is an OffsetFetch without
    // topics, which some brokers (the sandbox) answer with nothing. Asking
    // for every partition instead is still one request per group.
    std::vector<std::string> empty_groups;
    for (const auto& g : request.groups) {
      if (committed_topics(committed[g]).empty()) {
        empty_groups.push_back(g);
      }
    }
    std::vector<TopicPartition> all;
    for (const auto& [topic, parts] : topic_parts) {
      all.insert(all.end(), parts.begin(), parts.end());
    }
    if (!empty_groups.empty() && !all.empty()) {
      for (auto& [g, offsets] : impl.groups.committed_offsets(empty_groups, all)) {
        committed[g] = std::move(offsets);
      }
    }
  }

  // Members and state: only where the brokers implement the group APIs
  // (a probe with ListGroups first, since a DescribeGroups the broker does
  // not implement can leave librdkafka 2.0.2 unable to shut down).
  if (!impl.group_apis) {
    try {
      impl.group_apis = impl.groups.list_groups().supported;
    } catch (const BrokerError&) {
      impl.group_apis = false;
    }
  }
  std::map<std::string, kafka::GroupDescription> described;
  if (*impl.group_apis) {
    auto d = impl.groups.describe_groups(request.groups);
    snap.members_supported = d.supported;
    for (auto& gd : d.value) {
      if (gd.error.empty()) {
        described[gd.group] = std::move(gd);
      }
    }
  }

  // Which partitions each group is measured on.
  std::map<std::string, std::vector<TopicPartition>> group_parts;
  std::set<TopicPartition> all_parts;
  for (const auto& g : request.groups) {
    GroupSummary summary{g, std::nullopt, std::nullopt};
    std::set<std::string> topics(request.topics.begin(), request.topics.end());
    if (auto it = described.find(g); it != described.end()) {
      summary.state = it->second.state;
      summary.members = it->second.members;
      if (request.topics.empty()) {
        for (const auto& m : it->second.members) {
          for (const auto& tp : m.assignment) {
            topics.insert(tp.topic);
          }
        }
      }
    }
    if (request.topics.empty()) {
      for (const auto& t : committed_topics(committed[g])) {
        topics.insert(t);
      }
    }
    for (const auto& t : topics) {
      const auto it = topic_parts.find(t);
      if (it == topic_parts.end()) {
        snap.notes.push_back("group '" + g + "' has offsets for topic '" + t + "', which no longer exists");
        continue;
      }
      group_parts[g].insert(group_parts[g].end(), it->second.begin(), it->second.end());
      all_parts.insert(it->second.begin(), it->second.end());
    }
    if (group_parts[g].empty()) {
      snap.notes.push_back("group '" + g + "' has no committed offsets" +
                           (request.topics.empty() ? "" : " on these topics"));
    }
    snap.groups.push_back(std::move(summary));
  }

  const auto ranges = impl.watermarks.ranges({all_parts.begin(), all_parts.end()});
  for (const auto& g : request.groups) {
    const auto& offsets = committed[g];
    size_t ahead = 0;
    for (const auto& tp : group_parts[g]) {
      const auto c = offsets.find(tp);
      std::optional<int64_t> commit;
      if (c != offsets.end() && c->second != kafka::k_no_commit) {
        commit = c->second;
      }
      const auto& r = ranges.at(tp);
      snap.partitions.push_back(make_partition_lag(g, tp, commit, r.start, r.end));
      ahead += snap.partitions.back().ahead_of_end ? 1 : 0;
    }
    if (ahead > 0) {
      snap.notes.push_back("group '" + g + "' committed past the log end on " + std::to_string(ahead) +
                           " partition(s), counted as lag 0 (was the topic recreated?)");
    }
  }

  if (request.time_lag) {
    read::OffsetTargets targets;
    for (const auto& row : snap.partitions) {
      if (const auto offset = time_lag_offset(row)) {
        targets[row.partition].insert(*offset);
      }
    }
    read::TimestampLimits limits;
    limits.timeout_ms = impl.config.timeout_ms;
    const auto stamps = read::RecordTimestampProber(impl.config, limits).probe(targets).found;
    if (interrupted()) {
      throw Interrupted();
    }
    snap.taken_ms = now_ms();
    size_t unknown = 0;
    for (auto& row : snap.partitions) {
      const auto offset = time_lag_offset(row);
      if (!offset) {
        if (row.lag) {
          row.time_lag_s = 0.0;
        }
        continue;
      }
      const auto ts = stamps.find(row.partition);
      if (ts != stamps.end()) {
        const auto o = ts->second.find(*offset);
        if (o != ts->second.end() && o->second.timestamp >= 0) {
          row.time_lag_s = time_lag_seconds(snap.taken_ms, o->second.timestamp);
          continue;
        }
      }
      ++unknown;
    }
    if (unknown > 0) {
      snap.notes.push_back("time lag unknown for " + std::to_string(unknown) +
                           " partition(s): no readable record at the committed offset "
                           "within the timeout");
    }
  } else {
    snap.taken_ms = now_ms();
  }
  return snap;
}

}  // namespace evt::lag
