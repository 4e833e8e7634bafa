#include "evt/config/connection.hpp"

#include "evt/error.hpp"

#include <cstdlib>

namespace evt::config {

Connection resolve_connection(const ConnectionRequest& request) {
  Connection conn;
  const auto env_brokers = request.getenv("EVT_BROKERS");
  const auto env_context = request.getenv("EVT_CONTEXT");

  // An explicit context (--context, EVT_CONTEXT) always supplies its
  // properties, so `-b host --context prod` keeps prod's TLS settings. The
  // file's current-context is used only when no flag or variable names the
  // brokers: its credentials belong to its own cluster, not to another one.
  std::string context_name = request.context_flag;
  if (context_name.empty() && env_context) {
    context_name = *env_context;
  }
  const bool brokers_given = !request.brokers_flag.empty() || (env_brokers && !env_brokers->empty());
  ConfigFile file = request.load_config();
  conn.warnings = file.warnings;
  if (context_name.empty() && !brokers_given) {
    context_name = file.current_context;
  }
  const Context* context = nullptr;
  if (!context_name.empty()) {
    context = file.find(context_name);
    if (context == nullptr) {
      const std::string known = file.known_contexts();
      if (context_name == file.current_context && request.context_flag.empty() &&
          (!env_context || env_context->empty())) {
        throw UsageError(
            "current-context '" + context_name + "' in " + file.path.string() + " is not one of its contexts",
            known.empty() ? "define it under 'contexts:', or give the brokers with -b"
                          : "known contexts: " + known + "; `evt config use-context NAME` picks one");
      }
      throw UsageError(
          "unknown context '" + context_name + "'" + (file.path.empty() ? "" : " in " + file.path.string()),
          known.empty() ? "define it under 'contexts:' in the config file" : "known contexts: " + known);
    }
    conn.properties = context->properties;
  }

  if (!request.brokers_flag.empty()) {
    conn.brokers = request.brokers_flag;
    conn.source = "--brokers";
  } else if (env_brokers && !env_brokers->empty()) {
    conn.brokers = *env_brokers;
    conn.source = "EVT_BROKERS";
  } else if (context != nullptr && !context->brokers.empty()) {
    conn.brokers = context->brokers;
    conn.source = "context " + context->name + " (" + file.path.string() + ")";
  } else if (auto sandbox = request.find_sandbox ? request.find_sandbox() : std::nullopt) {
    conn.brokers = sandbox->bootstrap;
    conn.source = "sandbox (pid " + std::to_string(sandbox->pid) + ")";
    conn.from_sandbox = true;
  } else {
    throw UsageError("no broker configured", "pass -b HOST:PORT, set EVT_BROKERS, add a context to " +
                                                 default_config_path().string() +
                                                 ", or start a local broker with `evt sandbox`");
  }
  conn.properties.insert(conn.properties.end(), request.property_flags.begin(), request.property_flags.end());
  return conn;
}

ConnectionRequest system_request(std::string brokers_flag, std::string context_flag,
                                 kafka::Properties property_flags, FindSandbox find_sandbox) {
  ConnectionRequest request;
  request.brokers_flag = std::move(brokers_flag);
  request.context_flag = std::move(context_flag);
  request.property_flags = std::move(property_flags);
  request.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v != nullptr ? std::optional<std::string>(v) : std::nullopt;
  };
  request.load_config = [] {
    const char* env = std::getenv("EVT_CONFIG");
    return load_config(default_config_path(), env != nullptr && *env != '\0');
  };
  request.find_sandbox = std::move(find_sandbox);
  return request;
}

}  // namespace evt::config
