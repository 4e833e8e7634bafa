#include "evt/topics/topics.hpp"

#include "evt/error.hpp"
#include "evt/kafka/api_versions.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/sandbox/control_channel.hpp"
#include "evt/sandbox/state_file.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <cctype>

namespace evt::topics {

kafka::ClusterInfo list_topics(const kafka::ClientConfig& config, bool include_internal) {
  // Read-only and nothing printed yet: Ctrl-C may end the metadata wait.
  ExitOnInterrupt exit_on_interrupt;
  kafka::Admin admin(config);
  return admin.describe_cluster(include_internal);
}

bool has_offsets(const kafka::PartitionInfo& p) {
  return p.error.empty() && p.leader >= 0;
}

TopicDescription describe_topic(const kafka::ClientConfig& config, const std::string& topic) {
  ExitOnInterrupt exit_on_interrupt;  // read-only, nothing printed yet
  kafka::Admin admin(config);
  TopicDescription d;
  d.topic = admin.describe_topic(topic);
  std::vector<TopicPartition> tps;
  for (const auto& p : d.topic.partitions) {
    if (has_offsets(p)) {
      tps.push_back({d.topic.name, p.id});
    }
  }
  d.ranges = admin.offset_ranges(tps);
  return d;
}

std::vector<std::string> description_warnings(const TopicDescription& d) {
  std::vector<std::string> warnings;
  if (!d.topic.error.empty()) {
    warnings.push_back("topic " + output::terminal_safe(d.topic.name) + ": " + d.topic.error);
  }
  for (const auto& p : d.topic.partitions) {
    if (!has_offsets(p)) {
      warnings.push_back("partition " + std::to_string(p.id) + ": " +
                         (p.error.empty() ? std::string("no leader") : p.error));
    }
  }
  return warnings;
}

void check_topic_name(const std::string& name) {
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  if (name.empty() || name.size() > 249 || name == "." || name == ".." || !valid_chars) {
    throw UsageError("invalid topic name '" + output::terminal_safe(name) + "'",
                     "topic names are 1-249 characters of A-Z a-z 0-9 . _ -");
  }
}

void create_topic(const kafka::ClientConfig& config, const CreateRequest& request,
                  const std::function<void(const std::string&)>& on_warning) {
  if (const auto socket = sandbox::control_socket_for(config.brokers)) {
    if (!request.configs.empty()) {
      on_warning("the sandbox ignores topic configs (-c)");
    }
    sandbox::create_topic_via_control(*socket, request.name, request.partitions, config.timeout_ms);
    return;
  }
  // A broker that does not list CreateTopics (an evt sandbox reached by
  // -b, another mock) would leave the request unanswered until the timeout.
  if (const auto keys = kafka::broker_api_keys(config.brokers, std::min(config.timeout_ms, 3000));
      keys && std::find(keys->begin(), keys->end(), kafka::k_api_create_topics) == keys->end()) {
    throw UsageError(
        "the broker at " + config.brokers + " does not support CreateTopics (it is not in its ApiVersions)",
        "for an evt sandbox, run `evt sandbox ctl --control SOCKET topic " + request.name + " " +
            std::to_string(request.partitions) + "` or start it with --topic " + request.name + ":" +
            std::to_string(request.partitions) + "; topics are also created on first use");
  }
  kafka::NewTopic nt{request.name, request.partitions, request.replication, {}};
  for (const auto& c : request.configs) {
    nt.configs.push_back(kafka::parse_property(c));
  }
  kafka::Admin admin(config);
  admin.create_topic(nt);
}

}  // namespace evt::topics
