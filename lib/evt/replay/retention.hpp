#pragma once
// `--keep-timestamps` against the destination's configuration: kept
// timestamps older than the topic's retention.ms allows are deleted soon
// after writing, and ones older than message.timestamp.difference.max.ms
// are refused. Pure decisions over a DescribeConfigs answer (unit-tested;
// the sandbox cannot answer DescribeConfigs).

#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evt::replay {

// What a topic's configuration says about record timestamps.
struct TimestampLimits {
  std::optional<int64_t> retention_ms;       // time-based deletion (cleanup.policy delete, retention.ms >= 0)
  std::optional<int64_t> max_difference_ms;  // message.timestamp.difference.max.ms (CreateTime topics)
  bool log_append_time = false;              // the broker stamps records itself
};

// Reads the limits from DescribeConfigs' name -> value map.
TimestampLimits timestamp_limits(const std::map<std::string, std::string>& config);

// The warning for one kept timestamp written at now_ms to `topic`, or
// nullopt when the destination keeps and accepts it.
std::optional<std::string> kept_timestamp_warning(const std::string& topic, int64_t timestamp_ms,
                                                  int64_t now_ms, const TimestampLimits& limits);

// Checks kept timestamps against the destination topic's configuration and
// warns about the first problem only.
class KeptTimestampCheck {
 public:
  // Asks the destination (DescribeConfigs, at most timeout_ms). When it
  // cannot answer (the sandbox), adds a line to `notes` and checks nothing.
  KeptTimestampCheck(const kafka::ClientConfig& config, const std::string& topic, int timeout_ms,
                     std::vector<std::string>& notes);
  // Calls `warn` the first time a timestamp needs a warning.
  void check(int64_t timestamp_ms, const std::function<void(const std::string&)>& warn);

 private:
  std::string m_topic;
  std::optional<TimestampLimits> m_limits;
  bool m_warned = false;
};

}  // namespace evt::replay
