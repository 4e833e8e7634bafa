#include "evt/replay/retention.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"

#include <charconv>
#include <chrono>

namespace evt::replay {
namespace {

std::optional<int64_t> number(const std::map<std::string, std::string>& config, const std::string& name) {
  const auto it = config.find(name);
  if (it == config.end()) {
    return std::nullopt;
  }
  int64_t v = 0;
  const auto& s = it->second;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

std::string duration_text(int64_t ms) {
  constexpr int64_t k_hour = 3600 * 1000;
  constexpr int64_t k_day = 24 * k_hour;
  if (ms >= k_day && ms % k_day == 0) {
    return std::to_string(ms / k_day) + " d";
  }
  if (ms >= k_hour && ms % k_hour == 0) {
    return std::to_string(ms / k_hour) + " h";
  }
  return std::to_string(ms) + " ms";
}

}  // namespace

TimestampLimits timestamp_limits(const std::map<std::string, std::string>& config) {
  TimestampLimits l;
  const auto policy = config.find("cleanup.policy");
  // Only "delete" removes records by age; "compact" alone keeps the latest per key.
  const bool deletes = policy == config.end() || policy->second.find("delete") != std::string::npos;
  const auto retention = number(config, "retention.ms");
  if (deletes && retention && *retention >= 0) {
    l.retention_ms = retention;
  }
  const auto type = config.find("message.timestamp.type");
  l.log_append_time = type != config.end() && type->second == "LogAppendTime";
  const auto diff = number(config, "message.timestamp.difference.max.ms");
  if (!l.log_append_time && diff && *diff >= 0) {
    l.max_difference_ms = diff;
  }
  return l;
}

std::optional<std::string> kept_timestamp_warning(const std::string& topic, int64_t timestamp_ms,
                                                  int64_t now_ms, const TimestampLimits& limits) {
  if (limits.log_append_time) {
    return "'" + topic +
           "' uses LogAppendTime: the broker replaces the kept timestamps with the time of writing";
  }
  if (timestamp_ms < 0) {
    return std::nullopt;  // no timestamp to keep
  }
  const int64_t age = now_ms - timestamp_ms;
  if (limits.max_difference_ms && age > *limits.max_difference_ms) {
    return "kept timestamps are older than '" + topic + "' accepts (message.timestamp.difference.max.ms " +
           duration_text(*limits.max_difference_ms) + "): the broker refuses such records";
  }
  if (limits.retention_ms && age > *limits.retention_ms) {
    return "kept timestamps are older than the retention of '" + topic + "' (retention.ms " +
           duration_text(*limits.retention_ms) +
           "): the broker may delete such records soon after they are written";
  }
  return std::nullopt;
}

KeptTimestampCheck::KeptTimestampCheck(const kafka::ClientConfig& config, const std::string& topic,
                                       int timeout_ms, std::vector<std::string>& notes)
    : m_topic(topic) {
  try {
    kafka::Admin admin(config);
    m_limits = timestamp_limits(admin.topic_config(topic, timeout_ms));
  } catch (const BrokerError& e) {
    notes.push_back(std::string("kept timestamps are not checked against the retention of '") + topic +
                    "': " + e.what());
  }
}

void KeptTimestampCheck::check(int64_t timestamp_ms, const std::function<void(const std::string&)>& warn) {
  if (m_warned || !m_limits) {
    return;
  }
  using namespace std::chrono;
  const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  if (auto w = kept_timestamp_warning(m_topic, timestamp_ms, now, *m_limits)) {
    m_warned = true;
    warn(*w);
  }
}

}  // namespace evt::replay
