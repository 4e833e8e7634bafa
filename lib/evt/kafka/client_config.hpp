#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::kafka {

// An ordered list of librdkafka properties; later entries win.
using Properties = std::vector<std::pair<std::string, std::string>>;

// Receives librdkafka's log lines; evt only forwards them with -v/--debug.
using LogSink = std::function<void(int level, std::string_view facility, std::string_view message)>;

// Everything needed to open a client: where the brokers are and how to talk to them.
struct ClientConfig {
  std::string brokers;     // bootstrap.servers
  Properties properties;   // -X and context properties, applied after evt's defaults
  int timeout_ms = 10000;  // bound for every blocking broker call
  LogSink log_sink;        // null: librdkafka's log lines are dropped
};

// The client properties of a command line: each -X "key=value" in order
// (UsageError when malformed), then librdkafka's debug contexts
// (--debug) when not empty.
Properties client_properties(const std::vector<std::string>& x_args, const std::string& debug_contexts);

// True when the properties ask for librdkafka's debug output (debug=…),
// which then must reach the user as log lines.
bool debug_requested(const Properties& properties);

// Turns end-of-partition events on for every consumer opened with this
// config, after all other properties so -X cannot turn them off: reads that
// stop at the end of a partition cannot work without them.
void require_partition_eof(ClientConfig& config);

// Parses one kcat-style "-X key=value" argument; throws UsageError when malformed.
std::pair<std::string, std::string> parse_property(std::string_view arg);

// True for property names whose values are secrets: names containing
// password, secret, token, credential, jaas, private or ssl.key., or ending
// in .key or .pem (case-insensitive, '_' and '-' read as '.').
bool is_secret_property(std::string_view name);

// `value` with every password=/secret= assignment inside it (any key ending
// in password or secret, e.g. a JAAS config's password="x") replaced by ***.
std::string redact_secret_assignments(std::string_view value);

// The version of the librdkafka evt runs with (not the one it was built with).
std::string library_version();

}  // namespace evt::kafka
