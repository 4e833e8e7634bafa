#include "consume.hpp"

#include "evt/consume/command.hpp"
#include "evt/error.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/terminal_escape.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>

namespace evt::cli {
namespace {

// Handlers' stderr goes on to ours as they write it (also kept for the DLQ).
void write_stderr(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDERR_FILENO, bytes.data(), bytes.size());
    if (n <= 0) {
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

ExitCode run_consume(const Globals& g, const consume::ConsumeCommand& c) {
  if (c.on_failure == "skip") {
    warn("--on-failure skip: records that keep failing are committed without being handled");
  }
  output::Progress progress(output::progress_wanted(g.quiet), write_stderr);
  const auto started = std::chrono::steady_clock::now();
  consume::ConsumeHooks hooks;
  hooks.handler_stderr = [&progress](std::string_view bytes) {
    progress.clear();
    write_stderr(output::terminal_safe_lines(bytes));
  };
  hooks.event = [&g, &progress](const consume::ConsumeEvent& ev) {
    progress.clear();
    if (ev.kind == consume::ConsumeEvent::Kind::skipped) {
      warn(ev.text);
    } else if (ev.kind != consume::ConsumeEvent::Kind::retry || g.verbose > 0) {
      note(g, ev.text);
    }
  };
  hooks.progress = [&progress, started](const consume::ConsumeStats& s) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    progress.show(consume::status_text(s, seconds > 0 ? static_cast<double>(s.done) / seconds : 0));
  };
  const char* path = std::getenv("PATH");
  const auto result =
      consume::run_consume_command(c, client_config(g), path != nullptr ? path : "/usr/bin:/bin", hooks);
  progress.clear();
  note(g, consume::summary_text(result.stats));
  if (result.interrupted) {
    throw Interrupted();
  }
  if (!result.failure.empty()) {
    throw RuntimeError(result.failure,
                       "what was done is committed; fix the handler or give --dlq TOPIC, then run again");
  }
  return ExitCode::ok;
}

}  // namespace

void add_consume(CLI::App& root, Globals& g) {
  auto c = std::make_shared<consume::ConsumeCommand>();
  auto* sub = root.add_subcommand("consume",
                                  "Run a handler per record: retries, dead letters, commits after success");
  sub->add_option("topics", c->topics, "Topics to consume")->required();
  sub->add_option("-g,--group", c->group, "Consumer group (required)")->required();
  sub->add_option("--exec", c->exec, "Handler command, run per record with the value on stdin")->required();
  sub->add_flag("--shell", c->shell, "Run the --exec command with sh -c");
  sub->add_flag("--pipe", c->pipe, "Keep CMD running: a record line in, a verdict line (ok|retry|fail) out");
  sub->add_option("--batch", c->batch, "Up to N record lines of one partition per run; bisected on failure")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--batch-wait", c->batch_wait, "How long a partial batch waits to fill (default 0ms)");
  sub->add_option("--concurrency", c->concurrency, "Handlers running at once (default 1)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--ordering", c->ordering,
                  "Never concurrent or reordered within: key (default), partition, none")
      ->check(CLI::IsMember({"key", "partition", "none"}));
  sub->add_option("--retries", c->retries, "Retries after the first attempt (default 3)")
      ->check(CLI::Range(0, 1000));
  sub->add_option("--backoff", c->backoff,
                  "Retry delay MIN:MAX, exponential with full jitter (default 1s:1m)");
  sub->add_option("--handler-timeout", c->handler_timeout,
                  "Per attempt; then the handler is killed (default 1m)");
  sub->add_option("--dlq", c->dlq, "Dead-letter topic for records that keep failing");
  sub->add_option("--on-failure", c->on_failure, "Without --dlq: stop (default, exit 3) or skip (loudly)")
      ->check(CLI::IsMember({"stop", "skip"}));
  sub->add_option("--shutdown-timeout", c->shutdown_timeout,
                  "On Ctrl-C, wait this long for handlers (default 30s)");
  sub->add_option("--commit-interval", c->commit_interval, "Commit what is done this often (default 1s)");
  sub->add_option("-s,--start", c->start, "Where a group without commits starts: beginning (default) or end")
      ->check(CLI::IsMember({"beginning", "end"}));
  sub->add_option("--metrics", c->metrics, "Write Prometheus text to FILE every 5s (atomically)");
  sub->add_option("--to", c->to, "Publish each line the handler writes on stdout to this topic");
  sub->add_option("--dedupe-by", c->dedupe_by,
                  "Skip events handled before: ce_id, key, header:NAME, json:PATH");
  sub->add_option("--dedupe-window", c->dedupe_window, "Remember ids this long (24h) or this many (100000)");
  sub->add_option("--dedupe-store", c->dedupe_store, "The SQLite file of --dedupe-by (default: per group)");
  sub->add_flag("-e,--exit", c->exit_at_end, "Stop once every assigned partition is read and handled");
  sub->footer(
      "Verdicts: exit 0 done; 75 retry; 65 dead letter at once; other, signal or timeout: retry.\n"
      "Record metadata is in EVT_* and CE_* variables. See 'man evt-consume'.");
  sub->final_callback([&g, c] { g.outcome = run_consume(g, *c); });
}

}  // namespace evt::cli
