#include "evt/consume/command.hpp"

#include "evt/consume/command_line.hpp"
#include "evt/consume/metrics.hpp"
#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/read/position.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace evt::consume {
namespace {

int64_t duration_flag(const std::string& flag, const std::string& text) {
  const auto ms = read::parse_duration(text);
  if (!ms) {
    throw UsageError(flag + ": '" + text + "' is not a duration", "e.g. 500ms, 30s, 5m");
  }
  return *ms;
}

// A subscription to a topic that does not exist waits for it silently
// (with -e it would end at once with nothing done), so it is refused.
// Consumers never create topics, even where the cluster auto-creates them
// for producers. Names starting with ^ are patterns, matched later.
void check_topics_exist(const kafka::ClientConfig& config, const std::vector<std::string>& topics) {
  kafka::Admin admin(config);
  const auto cluster = admin.describe_cluster(false);
  for (const auto& topic : topics) {
    if (topic.starts_with('^')) {
      continue;
    }
    const bool found = std::any_of(cluster.topics.begin(), cluster.topics.end(),
                                   [&](const auto& t) { return t.name == topic && !t.partitions.empty(); });
    if (!found) {
      throw UsageError("topic '" + output::terminal_safe(topic) + "' does not exist on " + config.brokers,
                       "`evt topics` lists the topics; `evt topics create " + output::terminal_safe(topic) +
                           "` creates it");
    }
  }
}

}  // namespace

ConsumeOptions consume_options(const ConsumeCommand& c, std::string_view path) {
  ConsumeOptions o;
  o.topics = c.topics;
  o.group = c.group;
  o.argv = handler_argv(c.exec, c.shell);
  check_runnable(o.argv, path);
  o.handler_text = c.exec;
  o.mode = c.pipe ? HandlerMode::pipe : HandlerMode::exec;
  if (c.pipe && c.batch > 0) {
    throw UsageError("--batch does not go with --pipe",
                     "a --pipe handler already gets a stream of record lines");
  }
  if (c.concurrency < 1) {
    throw UsageError("--concurrency must be at least 1");
  }
  if (c.retries < 0) {
    throw UsageError("--retries must not be negative");
  }
  o.batch = c.batch;
  o.batch_wait_ms = duration_flag("--batch-wait", c.batch_wait);
  o.concurrency = c.concurrency;
  o.ordering = parse_ordering(c.ordering);
  o.retries = c.retries;
  o.backoff = parse_backoff(c.backoff);
  o.handler_timeout_ms = duration_flag("--handler-timeout", c.handler_timeout);
  if (o.handler_timeout_ms <= 0) {
    throw UsageError("--handler-timeout must be more than 0");
  }
  o.shutdown_timeout_ms = duration_flag("--shutdown-timeout", c.shutdown_timeout);
  o.commit_interval_ms = duration_flag("--commit-interval", c.commit_interval);
  o.dlq_topic = c.dlq;
  if (c.on_failure != "stop" && c.on_failure != "skip") {
    throw UsageError("--on-failure must be stop or skip, not '" + c.on_failure + "'");
  }
  o.on_failure = c.on_failure == "skip" ? OnFailure::skip : OnFailure::stop;
  if (!c.dlq.empty() && o.on_failure == OnFailure::skip) {
    throw UsageError("--on-failure skip does not go with --dlq",
                     "with --dlq, failed records become dead letters");
  }
  if (c.start != "beginning" && c.start != "end") {
    throw UsageError("-s/--start must be beginning or end for a group without commits, not '" + c.start +
                     "'");
  }
  o.exit_at_end = c.exit_at_end;
  o.metrics_path = c.metrics;
  if (!c.to.empty()) {
    if (c.pipe || c.batch > 0) {
      throw UsageError(std::string("--to does not go with ") + (c.pipe ? "--pipe" : "--batch"),
                       "--to publishes what a per-record handler writes on stdout");
    }
    o.to_topic = c.to;
  }
  if (!c.dedupe_by.empty()) {
    if (c.batch > 0) {
      throw UsageError("--dedupe-by does not go with --batch",
                       "a batch runs as a whole; deduplicate per record without --batch");
    }
    o.dedupe_by.emplace(c.dedupe_by);
    o.dedupe_window = parse_dedupe_window(c.dedupe_window);
    o.dedupe_store = c.dedupe_store.empty() ? default_dedupe_store_path(c.group) : c.dedupe_store;
    o.dedupe_store_given = !c.dedupe_store.empty();
  } else if (!c.dedupe_store.empty()) {
    throw UsageError("--dedupe-store needs --dedupe-by");
  }
  return o;
}

ConsumeResult run_consume_command(const ConsumeCommand& command, const kafka::ClientConfig& config,
                                  std::string_view path, const ConsumeHooks& hooks) {
  auto options = consume_options(command, path);
  options.dlq_timeout_ms = config.timeout_ms;
  if (!options.metrics_path.empty()) {
    // A path that cannot be written is a mistake to hear about now, not a
    // warning after the first interval of a long run.
    try {
      write_metrics_file(options.metrics_path, prometheus_text(ConsumeStats{}, options.group));
    } catch (const RuntimeError& e) {
      throw UsageError(e.what(), "give a file in a directory that exists and evt may write");
    }
  }
  check_topics_exist(config, options.topics);
  kafka::ConsumerOptions consumer_options;
  consumer_options.group = options.group;
  consumer_options.auto_offset_reset = command.start == "end" ? "latest" : "earliest";
  consumer_options.cooperative = true;
  std::unique_ptr<kafka::Producer> dlq;
  if (!options.dlq_topic.empty() || !options.to_topic.empty()) {
    kafka::ProducerOptions po;
    po.delivery_timeout_ms = config.timeout_ms;
    dlq = std::make_unique<kafka::Producer>(config, po);
  }
  kafka::Consumer consumer(config, consumer_options);
  auto result = run_consume(consumer, dlq.get(), options, hooks);
  consumer.close();
  return result;
}

std::string summary_text(const ConsumeStats& s) {
  return "handled " + std::to_string(s.done) + " record(s) in " + std::to_string(s.attempts) +
         " attempt(s); " + std::to_string(s.retries) + " retried, " + std::to_string(s.dead_lettered) +
         " dead-lettered, " + std::to_string(s.skipped) + " skipped" +
         (s.deduplicated > 0 ? ", " + std::to_string(s.deduplicated) + " deduplicated" : "") +
         (s.published > 0 ? ", " + std::to_string(s.published) + " output(s) published" : "");
}

std::string status_text(const ConsumeStats& s, double rate) {
  return "handled " + std::to_string(s.done) + " (" + std::to_string(std::lround(rate)) + "/s) · in flight " +
         std::to_string(s.in_flight) + " · queued " + std::to_string(s.queued) + " · retried " +
         std::to_string(s.retries) + " · dead-lettered " + std::to_string(s.dead_lettered) +
         (s.deduplicated > 0 ? " · deduplicated " + std::to_string(s.deduplicated) : "") +
         (s.published > 0 ? " · published " + std::to_string(s.published) : "") +
         (s.lag ? " · lag " + std::to_string(*s.lag) : "");
}

}  // namespace evt::consume
