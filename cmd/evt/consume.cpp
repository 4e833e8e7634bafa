#include "consume.hpp"

#include "evt/consume/command_line.hpp"
#include "evt/consume/consume.hpp"
#include "evt/error.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/read/position.hpp"

#include <unistd.h>

#include <cstdlib>
#include <memory>

namespace evt::cli {
namespace {

struct ConsumeOpts {
  std::string exec;
  bool shell = false;
  bool pipe = false;
  std::string ordering = "key";
  std::string backoff = "1s:1m";
  std::string handler_timeout = "1m";
  std::string shutdown_timeout = "30s";
  std::string commit_interval = "1s";
  std::string batch_wait = "0ms";
  std::string on_failure = "stop";
  std::string start = "beginning";
  consume::ConsumeOptions engine;
};

int64_t duration_flag(const std::string& flag, const std::string& text) {
  const auto ms = read::parse_duration(text);
  if (!ms) {
    throw UsageError(flag + ": '" + text + "' is not a duration", "e.g. 500ms, 30s, 5m");
  }
  return *ms;
}

void write_stderr(std::string_view bytes) {
  // Handlers' stderr goes on to ours as they write it (captured too, for the DLQ).
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n <= 0) {
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

int run_consume(const Globals& g, ConsumeOpts& o) {
  auto& e = o.engine;
  e.argv = consume::handler_argv(o.exec, o.shell);
  const char* path = std::getenv("PATH");
  consume::check_runnable(e.argv, path != nullptr ? path : "/usr/bin:/bin");
  e.handler_text = o.exec;
  e.mode = o.pipe ? consume::HandlerMode::pipe : consume::HandlerMode::exec;
  if (o.pipe && e.batch > 0) {
    throw UsageError("--batch does not go with --pipe", "a --pipe handler already gets a stream of record lines");
  }
  e.batch_wait_ms = duration_flag("--batch-wait", o.batch_wait);
  e.ordering = consume::parse_ordering(o.ordering);
  e.backoff = consume::parse_backoff(o.backoff);
  e.handler_timeout_ms = duration_flag("--handler-timeout", o.handler_timeout);
  e.shutdown_timeout_ms = duration_flag("--shutdown-timeout", o.shutdown_timeout);
  e.commit_interval_ms = duration_flag("--commit-interval", o.commit_interval);
  e.on_failure = o.on_failure == "skip" ? consume::OnFailure::skip : consume::OnFailure::stop;
  if (!e.dlq_topic.empty() && o.on_failure == "skip") {
    throw UsageError("--on-failure skip does not go with --dlq", "with --dlq, failed records become dead letters");
  }
  if (e.on_failure == consume::OnFailure::skip) {
    warn("--on-failure skip: records that keep failing are committed without being handled");
  }
  auto config = client_config(g);
  e.dlq_timeout_ms = config.timeout_ms;
  kafka::ConsumerOptions consumer_options;
  consumer_options.group = e.group;
  consumer_options.auto_offset_reset = o.start == "end" ? "latest" : "earliest";
  std::unique_ptr<kafka::Producer> dlq;
  if (!e.dlq_topic.empty()) {
    kafka::ProducerOptions po;
    po.delivery_timeout_ms = config.timeout_ms;
    dlq = std::make_unique<kafka::Producer>(config, po);
  }
  kafka::Consumer consumer(config, consumer_options);
  consume::ConsumeHooks hooks;
  hooks.handler_stderr = write_stderr;
  hooks.event = [&g](const consume::ConsumeEvent& ev) {
    if (ev.kind == consume::ConsumeEvent::Kind::retry) {
      if (g.verbose > 0) {
        note(g, ev.text);
      }
    } else if (ev.kind == consume::ConsumeEvent::Kind::skipped) {
      warn(ev.text);
    } else {
      note(g, ev.text);
    }
  };
  const auto result = consume::run_consume(consumer, dlq.get(), e, hooks);
  consumer.close();
  const auto& s = result.stats;
  note(g, "handled " + std::to_string(s.done) + " record(s) in " + std::to_string(s.attempts) + " attempt(s); " +
              std::to_string(s.retries) + " retried, " + std::to_string(s.dead_lettered) + " dead-lettered, " +
              std::to_string(s.skipped) + " skipped");
  if (result.interrupted) {
    throw Interrupted();
  }
  if (!result.failure.empty()) {
    throw RuntimeError(result.failure, "what was done is committed; fix the handler or give --dlq TOPIC, then run again");
  }
  return 0;
}

} // namespace

void add_consume(CLI::App& root, const Globals& g) {
  auto o = std::make_shared<ConsumeOpts>();
  auto* sub = root.add_subcommand("consume", "Run a handler per record: retries, dead letters, commits after success");
  sub->add_option("topics", o->engine.topics, "Topics to consume")->required();
  sub->add_option("-g,--group", o->engine.group, "Consumer group (required)")->required();
  sub->add_option("--exec", o->exec, "Handler command, run per record with the value on stdin")->required();
  sub->add_flag("--shell", o->shell, "Run the --exec command with sh -c");
  sub->add_flag("--pipe", o->pipe, "Keep CMD running: a record line in, a verdict line (ok|retry|fail) out");
  sub->add_option("--batch", o->engine.batch, "Up to N record lines of one partition per run; bisected on failure")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--batch-wait", o->batch_wait, "How long a partial batch waits to fill (default 0ms)");
  sub->add_option("--concurrency", o->engine.concurrency, "Handlers running at once (default 1)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--ordering", o->ordering, "Never concurrent or reordered within: key (default), partition, none")
      ->check(CLI::IsMember({"key", "partition", "none"}));
  sub->add_option("--retries", o->engine.retries, "Retries after the first attempt (default 3)")
      ->check(CLI::Range(0, 1000));
  sub->add_option("--backoff", o->backoff, "Retry delay MIN:MAX, exponential with full jitter (default 1s:1m)");
  sub->add_option("--handler-timeout", o->handler_timeout, "Per attempt; then the handler is killed (default 1m)");
  sub->add_option("--dlq", o->engine.dlq_topic, "Dead-letter topic for records that keep failing");
  sub->add_option("--on-failure", o->on_failure, "Without --dlq: stop (default, exit 3) or skip (loudly)")
      ->check(CLI::IsMember({"stop", "skip"}));
  sub->add_option("--shutdown-timeout", o->shutdown_timeout, "On Ctrl-C, wait this long for handlers (default 30s)");
  sub->add_option("--commit-interval", o->commit_interval, "Commit what is done this often (default 1s)");
  sub->add_option("-s,--start", o->start, "Where a group without commits starts: beginning (default) or end")
      ->check(CLI::IsMember({"beginning", "end"}));
  sub->add_flag("-e,--exit", o->engine.exit_at_end, "Stop once every assigned partition is read and handled");
  sub->footer("Verdicts: exit 0 done; 75 retry; 65 dead letter at once; other, signal or timeout: retry.\n"
              "Record metadata is in EVT_* and CE_* variables. See 'man evt-consume'.");
  sub->final_callback([&g, o] { throw Exit{run_consume(g, *o)}; });
}

} // namespace evt::cli
