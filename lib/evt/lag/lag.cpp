#include "evt/lag/lag.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace evt::lag {

OffsetLag offset_lag(std::optional<int64_t> committed, int64_t log_start, int64_t log_end) {
  OffsetLag out;
  if (!committed || *committed < 0 || log_end < 0) {
    return out;
  }
  // A committed offset below the log start points at records that are gone:
  // the consumer will restart at the log start (or wherever its reset policy
  // says), so what it still has to read is everything that is left.
  if (log_start >= 0 && *committed < log_start) {
    out.behind_retention = true;
    out.lag = std::max<int64_t>(0, log_end - log_start);
    return out;
  }
  // Committed past the end happens after a topic is recreated or truncated:
  // the consumer's position means nothing in this log, so say so.
  out.ahead_of_end = *committed > log_end;
  out.lag = std::max<int64_t>(0, log_end - *committed);
  return out;
}

PartitionLag make_partition_lag(std::string group, TopicPartition partition, std::optional<int64_t> committed,
                                int64_t log_start, int64_t log_end) {
  PartitionLag row;
  row.group = std::move(group);
  row.partition = std::move(partition);
  row.committed = committed;
  row.log_start = log_start;
  row.log_end = log_end;
  const auto lag = offset_lag(committed, log_start, log_end);
  row.lag = lag.lag;
  row.behind_retention = lag.behind_retention;
  row.ahead_of_end = lag.ahead_of_end;
  return row;
}

std::optional<int64_t> time_lag_offset(const PartitionLag& row) {
  if (!row.lag || *row.lag == 0 || !row.committed) {
    return std::nullopt;
  }
  return row.behind_retention ? row.log_start : *row.committed;
}

double time_lag_seconds(int64_t now_ms, int64_t record_timestamp_ms) {
  return static_cast<double>(std::max<int64_t>(0, now_ms - record_timestamp_ms)) / 1000.0;
}

namespace {

// The worst time lag, unknown as soon as one lagging partition is unknown:
// a maximum over the measured ones only would understate it.
struct WorstTime {
  std::optional<double> worst;
  bool unknown = false;
  void add(const PartitionLag& r) {
    if (!r.time_lag_s) {
      unknown = unknown || (r.lag && *r.lag > 0);
    } else if (!worst || *r.time_lag_s > *worst) {
      worst = r.time_lag_s;
    }
  }
  std::optional<double> value() const { return unknown ? std::nullopt : worst; }
};

}  // namespace

LagTotals lag_totals(const std::vector<PartitionLag>& rows, const std::vector<std::string>& groups) {
  std::map<std::pair<std::string, std::string>, TopicTotal> topics;
  std::map<std::string, GroupTotal> by_group;
  std::map<std::pair<std::string, std::string>, WorstTime> topic_times;
  std::map<std::string, WorstTime> group_times;
  for (const auto& g : groups) {
    by_group[g].group = g;
  }
  for (const auto& r : rows) {
    auto& t = topics[{r.group, r.partition.topic}];
    auto& g = by_group[r.group];
    t.group = g.group = r.group;
    t.topic = r.partition.topic;
    ++t.partitions;
    ++g.partitions;
    if (!r.committed) {
      ++t.uncommitted;
      ++g.uncommitted;
    }
    if (r.behind_retention) {
      ++t.behind_retention;
      ++g.behind_retention;
    }
    if (r.ahead_of_end) {
      ++t.ahead_of_end;
      ++g.ahead_of_end;
    }
    t.lag += r.lag.value_or(0);
    g.lag += r.lag.value_or(0);
    topic_times[{r.group, r.partition.topic}].add(r);
    group_times[r.group].add(r);
  }
  LagTotals out;
  for (auto& [key, t] : topics) {
    t.max_time_lag_s = topic_times[key].value();
    out.topics.push_back(std::move(t));
  }
  for (auto& [key, g] : by_group) {
    g.max_time_lag_s = group_times[key].value();
    out.groups.push_back(std::move(g));
  }
  return out;
}

void sort_by_lag(std::vector<PartitionLag>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const PartitionLag& a, const PartitionLag& b) {
    // nullopt lags sort after every number: -1 is below any real lag.
    const int64_t la = a.lag.value_or(-1);
    const int64_t lb = b.lag.value_or(-1);
    if (la != lb) {
      return la > lb;
    }
    return std::tie(a.group, a.partition) < std::tie(b.group, b.partition);
  });
}

bool exceeds(const PartitionLag& row, const Thresholds& limits) {
  if (limits.max_lag && row.lag && *row.lag > *limits.max_lag) {
    return true;
  }
  return limits.max_lag_seconds && row.time_lag_s && *row.time_lag_s > *limits.max_lag_seconds;
}

size_t unmeasured_time_lag(const std::vector<PartitionLag>& rows) {
  return static_cast<size_t>(std::count_if(
      rows.begin(), rows.end(), [](const PartitionLag& r) { return r.lag && *r.lag > 0 && !r.time_lag_s; }));
}

}  // namespace evt::lag
