#include "evt/replay/group_progress.hpp"

#include "evt/replay/checkpoint.hpp"

#include <charconv>

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
  int value = 45000;  // librdkafka 2.0.2's default
  for (const auto& [key, v] : config.properties) {
    int parsed = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (key == "session.timeout.ms" && ec == std::errc() && ptr == v.data() + v.size() && parsed > 0) {
      value = parsed;
    }
  }
  return value;
}

}  // namespace evt::replay
