#pragma once

#include "evt/error.hpp"
#include "evt/kafka/client_config.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace evt::cli {

// The flags every subcommand accepts (defined once on the root app).
struct Globals {
  std::string brokers;                  // -b/--brokers
  std::vector<std::string> properties;  // -X key=value
  std::string context;                  // --context
  std::string output;                   // -o/--output; "" when not given
  std::string color = "auto";           // --color auto|always|never
  int verbose = 0;                      // -v (repeatable)
  bool quiet = false;                   // -q
  double timeout_s = 10;                // --timeout SECONDS
  std::string debug;                    // --debug CONTEXTS (librdkafka debug)
  // Set by the callback of the subcommand that ran (its run function's
  // verdict, e.g. no for "lag over the threshold"); main returns it.
  ExitCode outcome = ExitCode::ok;
};

// Adds the global flags to the root app.
void add_global_options(CLI::App& app, Globals& g);

// Resolves where the brokers are (flags, env, config, sandbox) and returns
// a client config; says on stderr when a running sandbox is used.
kafka::ClientConfig client_config(const Globals& g);

// The same for a second cluster (evt replay's destination) named only by
// the flags in `g`: EVT_BROKERS and EVT_CONTEXT are ignored.
kafka::ClientConfig other_cluster_config(const Globals& g);

// The timeout in milliseconds.
int timeout_ms(const Globals& g);

// The output format, checked against the ones a subcommand supports;
// `fallback` when -o was not given. Throws UsageError for others.
std::string output_format(const Globals& g, const std::vector<std::string>& allowed,
                          const std::string& fallback);

// Prints "evt: <message>" on stderr unless -q.
void note(const Globals& g, const std::string& message);

// Prints "evt: warning: <message>" on stderr (even with -q).
void warn(const std::string& message);

}  // namespace evt::cli
