#include "partition_of.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/output/sink.hpp"
#include "evt/publish/partition_of.hpp"

#include <memory>

namespace evt::cli {
namespace {

struct PartitionOfOpts {
  std::vector<std::string> keys;
  int partitions = 0;
  std::string topic;
};

ExitCode run_partition_of(const Globals& g, const PartitionOfOpts& o) {
  const auto format = output_format(g, k_text_json, "text");
  int partitions = o.partitions;
  if (!o.topic.empty()) {
    // Through the admin client: a producer's metadata request for one topic
    // would create it on a broker that auto-creates topics.
    kafka::Admin admin(client_config(g));
    partitions = static_cast<int>(admin.describe_topic(o.topic).partitions.size());
  }
  std::vector<std::string> keys = o.keys;
  keys.insert(keys.end(), g.after_dash.begin(), g.after_dash.end());
  if (keys.empty()) {
    throw UsageError("key is required", "give one or more keys; put keys that start with '-' after --");
  }
  if (partitions <= 0) {
    throw UsageError("partition-of needs --partitions N or -t TOPIC");
  }
  const auto rows = publish::partitions_of(keys, partitions);
  output::Sink out;
  out.write(format == "json" ? publish::render_partitions_json(rows) : publish::render_partitions_text(rows));
  out.close();
  return ExitCode::ok;
}

}  // namespace

void add_partition_of(CLI::App& root, Globals& g) {
  auto o = std::make_shared<PartitionOfOpts>();
  auto* sub = root.add_subcommand("partition-of", "Print the partition a key lands on (Java murmur2)");
  sub->add_option("key", o->keys, "Key(s); keys after -- may start with '-'");
  sub->add_option("-n,--partitions", o->partitions, "Partition count")->check(number_between(1, 2147483647));
  sub->add_option("-t,--topic", o->topic, "Read the partition count of this topic")->check(existing_topic());
  output_formats(*sub, k_text_json);
  sub->final_callback([&g, o] { g.outcome = run_partition_of(g, *o); });
}

}  // namespace evt::cli
