#include "evt/replay/group_progress.hpp"

#include "evt/kafka/property_value.hpp"
#include "evt/replay/checkpoint.hpp"

#include <limits>

namespace evt::replay {

GroupProgress group_progress(const std::vector<kafka::CommittedOffset>& commits) {
  GroupProgress g;
  for (const auto& c : commits) {
    if (c.offset < 0) {
      g.unfinished.push_back(c.partition);  // nobody has owned it yet
      continue;
    }
    g.committed_sum += c.offset;
    const auto meta = decode_checkpoint(c.metadata);
    if (!meta) {
      g.foreign = true;
      g.unfinished.push_back(c.partition);
    } else if (c.offset < meta->end) {
      g.unfinished.push_back(c.partition);
    }
  }
  g.finished = g.unfinished.empty();
  return g;
}

int session_timeout_ms(const kafka::ClientConfig& config) {
  const auto v = kafka::positive_property(config, "session.timeout.ms");
  return v && *v <= static_cast<uint64_t>(std::numeric_limits<int>::max())
             ? static_cast<int>(*v)
             : 45000;  // librdkafka 2.0.2's default
}

}  // namespace evt::replay
