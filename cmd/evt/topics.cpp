#include "topics.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/sandbox/control_channel.hpp"
#include "evt/sandbox/state_file.hpp"
#include "evt/signals.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>

namespace evt::cli {
namespace {

using output::terminal_safe;

struct TopicsOpts {
  std::string topic;
  int partitions = 1;
  int replication = -1;
  std::vector<std::string> configs;
  bool internal = false;
};

std::string join_ids(const std::vector<int32_t>& ids) {
  std::string s;
  for (auto id : ids) {
    s += (s.empty() ? "" : ",") + std::to_string(id);
  }
  return s;
}

int run_list(const Globals& g, const TopicsOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  kafka::ClusterInfo cluster;
  {
    // Read-only and nothing printed yet: Ctrl-C may end the metadata wait.
    ExitOnInterrupt exit_on_interrupt;
    kafka::Admin admin(client_config(g));
    cluster = admin.describe_cluster(opts.internal);
  }
  output::Sink out;
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& t : cluster.topics) {
      const size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
      j.push_back({{"topic", t.name}, {"partitions", t.partitions.size()}, {"replicas", rf}});
    }
    out.write(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return 0;
  }
  output::Table table({"TOPIC", "PARTITIONS", "REPLICAS"});
  table.align_right(1);
  table.align_right(2);
  for (const auto& t : cluster.topics) {
    const size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
    table.add_row({terminal_safe(t.name), std::to_string(t.partitions.size()), std::to_string(rf)});
  }
  out.write(table.render());
  return 0;
}

// A partition whose metadata carries an error (no leader, offline) cannot
// answer ListOffsets; it is shown without offsets instead of failing the
// whole description.
bool has_offsets(const kafka::PartitionInfo& p) { return p.error.empty() && p.leader >= 0; }

int run_describe(const Globals& g, const TopicsOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  kafka::TopicInfo topic;
  std::map<TopicPartition, OffsetRange> ranges;
  {
    ExitOnInterrupt exit_on_interrupt;  // read-only, nothing printed yet
    kafka::Admin admin(client_config(g));
    topic = admin.describe_topic(opts.topic);
    std::vector<TopicPartition> tps;
    for (const auto& p : topic.partitions) {
      if (has_offsets(p)) {
        tps.push_back({topic.name, p.id});
      }
    }
    ranges = admin.offset_ranges(tps);
  }
  if (!topic.error.empty()) {
    warn("topic " + terminal_safe(topic.name) + ": " + topic.error);
  }
  for (const auto& p : topic.partitions) {
    if (!has_offsets(p)) {
      warn("partition " + std::to_string(p.id) + ": " +
           (p.error.empty() ? std::string("no leader") : p.error));
    }
  }
  output::Sink out;
  if (format == "json") {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& p : topic.partitions) {
      nlohmann::json part = {{"partition", p.id}, {"leader", p.leader}, {"replicas", p.replicas},
                             {"isr", p.isrs}};
      if (has_offsets(p)) {
        const auto& r = ranges.at({topic.name, p.id});
        part["log_start"] = r.start;
        part["log_end"] = r.end;
        part["records"] = r.end - r.start;
      } else {
        part["log_start"] = part["log_end"] = part["records"] = nullptr;
        part["error"] = p.error.empty() ? std::string("no leader") : p.error;
      }
      parts.push_back(std::move(part));
    }
    out.write(nlohmann::json{{"topic", topic.name}, {"partitions", parts}}
                  .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n");
    return 0;
  }
  output::Table table({"PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START", "LOG-END", "RECORDS"});
  for (size_t c : {0, 1, 4, 5, 6}) {
    table.align_right(c);
  }
  for (const auto& p : topic.partitions) {
    if (!has_offsets(p)) {
      table.add_row({std::to_string(p.id), p.leader >= 0 ? std::to_string(p.leader) : "-",
                     join_ids(p.replicas), join_ids(p.isrs), "-", "-", "-"});
      continue;
    }
    const auto& r = ranges.at({topic.name, p.id});
    table.add_row({std::to_string(p.id), std::to_string(p.leader), join_ids(p.replicas),
                   join_ids(p.isrs), std::to_string(r.start), std::to_string(r.end),
                   std::to_string(r.end - r.start)});
  }
  out.write("topic " + terminal_safe(topic.name) + "\n" + table.render());
  return 0;
}

// The sandbox cannot answer CreateTopics; when evt talks to a sandbox it
// knows about, it creates the topic through the sandbox's control channel.
std::optional<std::string> sandbox_control_for(const std::string& brokers) {
  const auto running = sandbox::find_running_sandbox();
  if (running && running->bootstrap == brokers && !running->control_socket.empty()) {
    return running->control_socket;
  }
  return std::nullopt;
}

// Kafka's own rule for topic names; checked here so the sandbox (which
// would accept anything) and a real broker refuse the same names.
void check_topic_name(const std::string& name) {
  const bool valid_chars = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
  });
  if (name.empty() || name.size() > 249 || name == "." || name == ".." || !valid_chars) {
    throw UsageError("invalid topic name '" + terminal_safe(name) + "'",
                     "topic names are 1-249 characters of A-Z a-z 0-9 . _ -");
  }
}

int run_create(const Globals& g, const TopicsOpts& opts) {
  check_topic_name(opts.topic);
  const auto config = client_config(g);
  if (const auto socket = sandbox_control_for(config.brokers)) {
    if (!opts.configs.empty()) {
      warn("the sandbox ignores topic configs (-c)");
    }
    sandbox::send_control_command(*socket,
                                  "topic " + opts.topic + " " + std::to_string(opts.partitions),
                                  config.timeout_ms);
  } else {
    kafka::NewTopic nt{opts.topic, opts.partitions, opts.replication, {}};
    for (const auto& c : opts.configs) {
      nt.configs.push_back(kafka::parse_property(c));
    }
    kafka::Admin admin(config);
    admin.create_topic(nt);
  }
  note(g, "created topic " + terminal_safe(opts.topic) + " with " + std::to_string(opts.partitions) +
              " partition(s)");
  return 0;
}

} // namespace

void add_topics(CLI::App& root, const Globals& g) {
  auto opts = std::make_shared<TopicsOpts>();
  auto* sub = root.add_subcommand("topics", "List, describe and create topics");
  sub->add_flag("--internal", opts->internal, "Include internal topics (__consumer_offsets, …)");
  auto* list = sub->add_subcommand("list", "List topics with partition and replica counts");
  auto* describe = sub->add_subcommand("describe", "Partitions, leaders and offsets of a topic");
  describe->add_option("topic", opts->topic, "Topic name")->required()->check(existing_topic());
  auto* create = sub->add_subcommand("create", "Create a topic (CreateTopics, or the sandbox)");
  create->add_option("topic", opts->topic, "Topic name")->required();
  create->add_option("-p,--partitions", opts->partitions, "Partitions (default 1)")
      ->check(CLI::Range(1, 100000).description(""))
      ->type_name("N");
  create->add_option("-r,--replication-factor", opts->replication, "Replicas (-1: broker default)")
      ->type_name("N");
  create->add_option("-c,--config", opts->configs, "Topic config (repeatable)")
      ->type_name("KEY=VALUE");
  output_formats(*sub, k_text_json);
  output_formats(*list, k_text_json);
  output_formats(*describe, k_text_json);
  sub->require_subcommand(0, 1);
  list->final_callback([&g, opts] { throw Exit{run_list(g, *opts)}; });
  describe->final_callback([&g, opts] { throw Exit{run_describe(g, *opts)}; });
  create->final_callback([&g, opts] { throw Exit{run_create(g, *opts)}; });
  sub->final_callback([&g, opts, sub] {
    if (sub->get_subcommands().empty()) {
      throw Exit{run_list(g, *opts)};
    }
  });
}

} // namespace evt::cli
