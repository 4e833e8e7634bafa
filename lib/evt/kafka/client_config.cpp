#include "evt/kafka/client_config.hpp"

#include "evt/ascii.hpp"
#include "evt/error.hpp"

#include <algorithm>
#include <array>

namespace evt::kafka {

std::pair<std::string, std::string> parse_property(std::string_view arg) {
  const auto eq = arg.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError("invalid property '" + std::string(arg) + "': expected key=value",
                     "for example: -X security.protocol=SASL_SSL");
  }
  std::string key(arg.substr(0, eq));
  // Keys never carry spaces; trailing blanks are a typo we can forgive.
  key.erase(std::find_if(key.rbegin(), key.rend(), [](char c) { return c != ' '; }).base(), key.end());
  if (key.find_first_of(" \t") != std::string::npos) {
    throw UsageError("invalid property name '" + key + "': names contain no spaces");
  }
  return {key, std::string(arg.substr(eq + 1))};
}

Properties client_properties(const std::vector<std::string>& x_args, const std::string& debug_contexts) {
  Properties props;
  for (const auto& arg : x_args) {
    props.push_back(parse_property(arg));
  }
  if (!debug_contexts.empty()) {
    props.emplace_back("debug", debug_contexts);
  }
  return props;
}

bool debug_requested(const Properties& properties) {
  return std::any_of(properties.begin(), properties.end(), [](const auto& p) { return p.first == "debug"; });
}

void require_partition_eof(ClientConfig& config) {
  config.properties.emplace_back("enable.partition.eof", "true");
}

bool is_secret_property(std::string_view name) {
  // Anything that names a password, secret or private key material.
  static constexpr std::array<std::string_view, 5> k_markers = {"password", "secret", "private.key",
                                                                "sasl.oauthbearer.config", "ssl.key.pem"};
  const std::string lower = ascii_lower(name);
  return std::any_of(k_markers.begin(), k_markers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

}  // namespace evt::kafka
