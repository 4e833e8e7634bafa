#include "evt/lag/status.hpp"

#include <algorithm>

namespace evt::lag {

std::string to_string(LagStatus status) {
  switch (status) {
    case LagStatus::ok:
      return "OK";
    case LagStatus::warn:
      return "WARN";
    case LagStatus::rewind:
      return "REWIND";
    case LagStatus::stall:
      return "STALL";
    case LagStatus::stop:
      return "STOP";
    case LagStatus::pending:
      break;
  }
  return "-";
}

std::optional<LagStatus> parse_fail_on(const std::string& text) {
  return k_fail_on_statuses.find(text);
}

bool fails(LagStatus status, LagStatus limit) {
  return status != LagStatus::pending && static_cast<int>(status) >= static_cast<int>(limit);
}

LagStatus worst_status(const std::vector<LagStatus>& statuses) {
  LagStatus worst = LagStatus::pending;
  for (auto s : statuses) {
    worst = std::max(worst, s);
  }
  return worst;
}

std::string to_string(LagTrend trend) {
  switch (trend) {
    case LagTrend::shrinking:
      return "shrinking";
    case LagTrend::steady:
      return "steady";
    case LagTrend::growing:
      return "growing";
    case LagTrend::unknown:
      break;
  }
  return "-";
}

void PartitionHistory::add(const LagSample& sample) {
  m_samples.push_back(sample);
  while (m_samples.size() > m_window) {
    m_samples.pop_front();
  }
  if (sample.committed && (m_commits.empty() || m_commits.back().offset != *sample.committed)) {
    m_commits.push_back({sample.time_s, *sample.committed});
    while (m_commits.size() > m_window) {
      m_commits.pop_front();
    }
  }
}

std::optional<double> catch_up_seconds(int64_t lag, std::optional<double> consume_rate,
                                       std::optional<double> produce_rate) {
  if (lag <= 0) {
    return 0.0;
  }
  if (!consume_rate || !produce_rate) {
    return std::nullopt;
  }
  const double net = *consume_rate - *produce_rate;
  if (net <= 0) {
    return std::nullopt;
  }
  return static_cast<double>(lag) / net;
}

namespace {

// Rates and trend from the first and last sample of the window.
void measure(const std::deque<LagSample>& s, LagEvaluation& out) {
  const auto& first = s.front();
  const auto& last = s.back();
  const double span = last.time_s - first.time_s;
  if (span <= 0) {
    return;
  }
  if (first.committed && last.committed) {
    out.consume_rate = static_cast<double>(*last.committed - *first.committed) / span;
  }
  if (first.log_end >= 0 && last.log_end >= 0) {
    out.produce_rate = static_cast<double>(last.log_end - first.log_end) / span;
  }
  if (first.lag && last.lag) {
    out.trend = *last.lag > *first.lag   ? LagTrend::growing
                : *last.lag < *first.lag ? LagTrend::shrinking
                                         : LagTrend::steady;
  }
  if (last.lag) {
    out.catch_up_s = catch_up_seconds(*last.lag, out.consume_rate, out.produce_rate);
  }
}

LagStatus status_of(const PartitionHistory& history, std::optional<bool> group_has_members) {
  const auto& s = history.samples();
  const auto& last = s.back();
  if (!last.committed || !last.lag) {
    return LagStatus::pending;
  }
  if (s.size() < 2) {
    return *last.lag == 0 ? LagStatus::ok : LagStatus::pending;
  }
  bool moved = false;
  bool lag_decreased = false;
  for (size_t i = 1; i < s.size(); ++i) {
    const auto& a = s[i - 1];
    const auto& b = s[i];
    if (a.committed && b.committed) {
      if (*b.committed < *a.committed) {
        return LagStatus::rewind;
      }
      moved = moved || *b.committed > *a.committed;
    }
    if (a.lag && b.lag && *b.lag < *a.lag) {
      lag_decreased = true;
    }
  }
  if (*last.lag == 0) {
    return LagStatus::ok;
  }
  if (group_has_members == false && !moved) {
    return LagStatus::stop;
  }
  // Without commit timestamps, silence is judged against the cadence of the
  // commits evt saw: quiet for longer than they span means the consumer
  // stopped. The first entry is only the value found when watching began, so
  // two real changes are needed before the cadence means anything.
  const auto& commits = history.commits();
  if (!group_has_members.has_value() && commits.size() >= 3) {
    const double newest = commits.back().time_s;
    const double oldest = commits.front().time_s;
    if (last.time_s - newest > newest - oldest) {
      return LagStatus::stop;
    }
  }
  if (!moved) {
    return LagStatus::stall;
  }
  if (!lag_decreased) {
    return LagStatus::warn;
  }
  return LagStatus::ok;
}

}  // namespace

LagEvaluation evaluate(const PartitionHistory& history, std::optional<bool> group_has_members) {
  LagEvaluation out;
  if (history.samples().empty()) {
    return out;
  }
  measure(history.samples(), out);
  out.status = status_of(history, group_has_members);
  return out;
}

}  // namespace evt::lag
