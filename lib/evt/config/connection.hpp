#pragma once

#include "evt/config/config_file.hpp"
#include "evt/kafka/client_config.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace evt::config {

// A running local sandbox, as the caller found it (sandbox/ owns its state
// file; config only needs the address).
struct SandboxAddress {
  long pid = 0;
  std::string bootstrap;
};

// Finds the running sandbox, if any.
using FindSandbox = std::function<std::optional<SandboxAddress>()>;

// What the user asked for on the command line, plus where to look for the
// rest. The lookups are functions so tests can fake the environment.
struct ConnectionRequest {
  std::string brokers_flag;          // -b/--brokers
  std::string context_flag;          // --context
  kafka::Properties property_flags;  // -X key=value, in order
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::function<ConfigFile()> load_config;
  FindSandbox find_sandbox;
};

// Where the connection came from, for messages and `-v`.
struct Connection {
  std::string brokers;
  kafka::Properties properties;  // context properties, then -X (later wins)
  std::string source;            // "--brokers", "EVT_BROKERS", "context prod (path)", "sandbox (pid N)"
  bool from_sandbox = false;
  std::vector<std::string> warnings;
};

// Resolves brokers and properties: flags, then environment (EVT_BROKERS,
// EVT_CONTEXT), then the config file's context, then a running sandbox.
// Throws UsageError when nothing names a broker, or a context is unknown.
Connection resolve_connection(const ConnectionRequest& request);

// A request wired to the real environment and config file; `find_sandbox`
// (supplied by the caller, which may know about sandboxes) comes last.
ConnectionRequest system_request(std::string brokers_flag, std::string context_flag,
                                 kafka::Properties property_flags, FindSandbox find_sandbox);

}  // namespace evt::config
