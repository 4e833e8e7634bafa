#include "evt/ops/lag.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace evt::ops {

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
  // Committed past the end happens after a topic is recreated or truncated.
  out.lag = std::max<int64_t>(0, log_end - *committed);
  return out;
}

PartitionLag make_partition_lag(std::string group, TopicPartition partition,
                                std::optional<int64_t> committed, int64_t log_start,
                                int64_t log_end) {
  PartitionLag row;
  row.group = std::move(group);
  row.partition = std::move(partition);
  row.committed = committed;
  row.log_start = log_start;
  row.log_end = log_end;
  const auto lag = offset_lag(committed, log_start, log_end);
  row.lag = lag.lag;
  row.behind_retention = lag.behind_retention;
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

void add_time(std::optional<double>& worst, const std::optional<double>& t) {
  if (t && (!worst || *t > *worst)) {
    worst = t;
  }
}

} // namespace

LagTotals lag_totals(const std::vector<PartitionLag>& rows, const std::vector<std::string>& groups) {
  std::map<std::pair<std::string, std::string>, TopicTotal> topics;
  std::map<std::string, GroupTotal> by_group;
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
    t.lag += r.lag.value_or(0);
    g.lag += r.lag.value_or(0);
    add_time(t.max_time_lag_s, r.time_lag_s);
    add_time(g.max_time_lag_s, r.time_lag_s);
  }
  LagTotals out;
  for (auto& [key, t] : topics) {
    out.topics.push_back(std::move(t));
  }
  for (auto& [key, g] : by_group) {
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

} // namespace evt::ops
