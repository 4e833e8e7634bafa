#pragma once
// How far a scaled-out run (several `evt replay --scale-out` processes of
// one run id) has come, judged only from its consumer group's commits:
// a member may exit when every selected partition's committed offset has
// reached the end fixed in that partition's metadata (docs/replay.md).

#include "evt/kafka/client_config.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/record.hpp"

#include <cstdint>
#include <vector>

namespace evt::replay {

// The run as the group's commits show it.
struct GroupProgress {
  bool finished = false;                   // every selected partition committed its end
  std::vector<TopicPartition> unfinished;  // no commit yet, or committed below its end
  int64_t committed_sum = 0;               // sum of committed offsets: moves while anyone copies
  bool foreign = false;                    // a commit evt replay did not write
};

// Judges the commits of the selected partitions (one entry each).
GroupProgress group_progress(const std::vector<kafka::CommittedOffset>& commits);

// session.timeout.ms as the consumer will use it: the last -X/context
// value, else librdkafka's default (45 s).
int session_timeout_ms(const kafka::ClientConfig& config);

}  // namespace evt::replay
