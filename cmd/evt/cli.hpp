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
  std::vector<std::string> after_dash;  // partition-of's words after "--" (see main)
  // Set by the callback of the subcommand that ran (its run function's
  // verdict, e.g. no for "lag over the threshold"); main returns it.
  ExitCode outcome = ExitCode::ok;
};

// Opens /dev/null on each of fds 0-2 that is closed at start.
void open_closed_standard_fds();

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

// Prints "evt: warning: <message>" on stderr unless -q ("only errors").
void warn(const std::string& message);

// Asks `question` (escaped already) with " [y/N] " on stderr and reads the
// answer from stdin; true without asking when `assume_yes` or when stdin or
// stderr is not a terminal (scripts, CI).
bool confirm_on_terminal(bool assume_yes, const std::string& question);

// `message` made safe for stderr: control, C1, bidi and invalid bytes
// escaped (names and values in messages may come from files or the
// network); printable text, backslashes, line breaks and tabs kept, so
// text escaped upstream stays as it is.
std::string terminal_message(std::string_view message);

// A finite number of at least `min` ("must be at least 1, got '0'"):
// refuses nan, inf and words, and never prints a 309-digit bound.
CLI::Validator at_least(double min);

// A finite number from `min` to `max`.
CLI::Validator number_between(double min, double max);

}  // namespace evt::cli
