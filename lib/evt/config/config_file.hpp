#pragma once

#include "evt/config/dlq_section.hpp"
#include "evt/kafka/client_config.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace evt::config {

// A named connection: brokers plus any librdkafka properties (TLS, SASL, …).
struct Context {
  std::string name;
  std::string brokers;
  kafka::Properties properties;
};

// The parsed config file (see schemas/config.schema.json).
struct ConfigFile {
  std::filesystem::path path;
  std::string current_context;
  std::vector<Context> contexts;
  DlqSection dlq;                     // the dlq: section (evt dlq)
  std::vector<std::string> warnings;  // e.g. secrets readable by others

  // The context with this name, or nullptr.
  const Context* find(const std::string& name) const;
  // The context names, comma-separated, line breaks escaped (for hints).
  std::string known_contexts() const;
};

// $EVT_CONFIG, else $XDG_CONFIG_HOME/evt/config.yaml, else ~/.config/evt/config.yaml.
std::filesystem::path default_config_path();

// Parses config YAML text; `path` is used in messages. Throws UsageError
// naming file, line and column for bad YAML or an invalid structure.
ConfigFile parse_config(const std::string& text, const std::filesystem::path& path);

// Loads a config file; a missing file is an empty config unless `must_exist`.
ConfigFile load_config(const std::filesystem::path& path, bool must_exist);

// The same config with secret property values replaced by "***", as YAML.
std::string render_redacted(const ConfigFile& config);

// Sets current-context in the file on disk; throws UsageError if unknown.
void use_context(const std::filesystem::path& path, const std::string& name);

}  // namespace evt::config
