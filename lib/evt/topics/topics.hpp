#pragma once
// The topics engine behind `evt topics`: list and describe through the
// Admin client (Ctrl-C ends the read-only waits at once), and create with
// CreateTopics, or through the sandbox's control channel when the brokers
// are a running sandbox's (its mock cluster has no CreateTopics).

#include "evt/kafka/admin.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace evt::topics {

// Every topic with its partitions (internal ones when asked).
kafka::ClusterInfo list_topics(const kafka::ClientConfig& config, bool include_internal);

// One topic and the log start and end of each partition that can say.
struct TopicDescription {
  kafka::TopicInfo topic;
  std::map<TopicPartition, OffsetRange> ranges;  // partitions with has_offsets()
};

// A partition whose metadata carries an error (no leader, offline) cannot
// answer ListOffsets; it is shown without offsets.
bool has_offsets(const kafka::PartitionInfo& partition);

// Describes one topic; throws UsageError when it does not exist.
TopicDescription describe_topic(const kafka::ClientConfig& config, const std::string& topic);

// What is wrong with the topic and its partitions, for stderr warnings
// ("topic T: …", "partition N: no leader"); names are terminal-safe.
std::vector<std::string> description_warnings(const TopicDescription& description);

// Kafka's own rule for topic names (1–249 of A-Z a-z 0-9 . _ -, not "." or
// ".."); checked here so the sandbox and a real broker refuse the same
// names. Throws UsageError.
void check_topic_name(const std::string& name);

// A topic to create, as given on the command line.
struct CreateRequest {
  std::string name;
  int partitions = 1;
  int replication = -1;              // -1: the broker's default
  std::vector<std::string> configs;  // "key=value"
};

// Creates the topic: through the control channel of the running sandbox
// when `config` points at it (`on_warning` hears that it ignores configs),
// else with CreateTopics. Throws on failure.
void create_topic(const kafka::ClientConfig& config, const CreateRequest& request,
                  const std::function<void(const std::string&)>& on_warning);

}  // namespace evt::topics
