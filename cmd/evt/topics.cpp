#include "topics.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/topics/report.hpp"
#include "evt/topics/topics.hpp"

#include <memory>

namespace evt::cli {
namespace {

struct TopicsOpts {
  topics::CreateRequest create;
  std::string topic;
  bool internal = false;
};

ExitCode run_list(const Globals& g, const TopicsOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  const auto cluster = topics::list_topics(client_config(g), opts.internal);
  output::Sink out;
  out.write(format == "json" ? topics::render_list_json(cluster) : topics::render_list_text(cluster));
  out.close();
  return ExitCode::ok;
}

ExitCode run_describe(const Globals& g, const TopicsOpts& opts) {
  const auto format = output_format(g, k_text_json, "text");
  const auto description = topics::describe_topic(client_config(g), opts.topic);
  for (const auto& w : topics::description_warnings(description)) {
    warn(w);
  }
  output::Sink out;
  out.write(format == "json" ? topics::render_description_json(description)
                             : topics::render_description_text(description));
  out.close();
  return ExitCode::ok;
}

ExitCode run_create(const Globals& g, const TopicsOpts& opts) {
  topics::check_topic_name(opts.create.name);
  topics::create_topic(client_config(g), opts.create, [](const std::string& w) { warn(w); });
  note(g, "created topic " + output::terminal_safe(opts.create.name) + " with " +
              std::to_string(opts.create.partitions) + " partition(s)");
  return ExitCode::ok;
}

}  // namespace

void add_topics(CLI::App& root, Globals& g) {
  auto opts = std::make_shared<TopicsOpts>();
  auto* sub = root.add_subcommand("topics", "List, describe and create topics");
  sub->add_flag("--internal", opts->internal, "Include internal topics (__consumer_offsets, …)");
  auto* list = sub->add_subcommand("list", "List topics with partition and replica counts");
  auto* describe = sub->add_subcommand("describe", "Partitions, leaders and offsets of a topic");
  describe->add_option("topic", opts->topic, "Topic name")->required()->check(existing_topic());
  auto* create = sub->add_subcommand("create", "Create a topic (CreateTopics, or the sandbox)");
  create->add_option("topic", opts->create.name, "Topic name")->required();
  create->add_option("-p,--partitions", opts->create.partitions, "Partitions (default 1)")
      ->check(CLI::Range(1, 100000).description(""))
      ->type_name("N");
  create->add_option("-r,--replication-factor", opts->create.replication, "Replicas (-1: broker default)")
      ->type_name("N");
  create->add_option("-c,--config", opts->create.configs, "Topic config (repeatable)")
      ->type_name("KEY=VALUE");
  output_formats(*sub, k_text_json);
  output_formats(*list, k_text_json);
  output_formats(*describe, k_text_json);
  sub->require_subcommand(0, 1);
  list->final_callback([&g, opts] { g.outcome = run_list(g, *opts); });
  describe->final_callback([&g, opts] { g.outcome = run_describe(g, *opts); });
  create->final_callback([&g, opts] { g.outcome = run_create(g, *opts); });
  sub->final_callback([&g, opts, sub] {
    if (sub->get_subcommands().empty()) {
      g.outcome = run_list(g, *opts);
    }
  });
}

}  // namespace evt::cli
