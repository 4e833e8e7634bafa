#pragma once
// One `evt consume` run from its flags: the flags checked and turned into
// engine options, the group consumer and the dead-letter producer opened,
// the engine run, the consumer closed; plus the texts of its summary and
// status line.

#include "evt/consume/consume.hpp"
#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// The flags of `evt consume`, as given (defaults as documented).
struct ConsumeCommand {
  std::vector<std::string> topics;
  std::string group;
  std::string exec;
  bool shell = false;
  bool pipe = false;
  size_t batch = 0;
  std::string batch_wait = "0ms";
  int concurrency = 1;
  std::string ordering = "key";
  int retries = 3;
  std::string backoff = "1s:1m";
  std::string handler_timeout = "1m";
  std::string dlq;
  std::string on_failure = "stop";
  std::string shutdown_timeout = "30s";
  std::string commit_interval = "1s";
  std::string start = "beginning";
  bool exit_at_end = false;
  std::string to;         // empty: handlers' stdout goes to evt's stdout
  std::string metrics;    // empty: no metrics file
  std::string dedupe_by;  // empty: no deduplication
  std::string dedupe_window = "24h";
  std::string dedupe_store;  // empty: default_dedupe_store_path(group)
};

// Checks the flags (UsageError naming the flag) and makes the engine's
// options; the handler must be found on `path` (the PATH variable).
ConsumeOptions consume_options(const ConsumeCommand& command, std::string_view path);

// Opens the group consumer (and the --dlq producer, its deliveries bounded
// by the client timeout), runs the engine and closes the consumer.
ConsumeResult run_consume_command(const ConsumeCommand& command, const kafka::ClientConfig& config,
                                  std::string_view path, const ConsumeHooks& hooks);

// "handled N record(s) in A attempt(s); R retried, D dead-lettered, S skipped"
std::string summary_text(const ConsumeStats& stats);

// The status line: "consumed N (X/s) · in flight F · queued Q · retried R · dead-lettered D"
std::string status_text(const ConsumeStats& stats, double records_per_second);

}  // namespace evt::consume
