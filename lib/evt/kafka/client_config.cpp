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
  // Anything that names a password, secret, token, credential, JAAS config
  // or private key material; '_' and '-' count as '.' so ssl_key_pem and
  // ssl.key.pem are the same name. Over-redacting is harmless.
  static constexpr std::array<std::string_view, 8> k_markers = {
      "password", "secret", "token", "credential", "jaas", "private", "sasl.oauthbearer.config", "ssl.key."};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
    return c == '_' || c == '-' ? '.' : static_cast<char>(std::tolower(c));
  });
  if (lower.ends_with(".key") || lower.ends_with(".pem")) {
    return true;
  }
  return std::any_of(k_markers.begin(), k_markers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

std::string redact_secret_assignments(std::string_view value) {
  // password=..., secret=..., token=..., key=..., credential(s)=... (any key
  // ending in one of them, any case, as in
  // JAAS "password=\"x\"" or "client_secret=x"): the assigned text, quoted or
  // up to the next space, ';' or ',', becomes ***.
  const std::string lower = ascii_lower(value);
  std::string out;
  size_t copied = 0;
  for (size_t eq = lower.find('='); eq != std::string::npos; eq = lower.find('=', eq + 1)) {
    size_t key_end = eq;
    while (key_end > 0 && (lower[key_end - 1] == ' ' || lower[key_end - 1] == '\t')) {
      --key_end;
    }
    const std::string_view key(lower.data(), key_end);
    if (eq < copied ||
        !(key.ends_with("password") || key.ends_with("secret") || key.ends_with("token") ||
          key.ends_with("key") || key.ends_with("credential") || key.ends_with("credentials"))) {
      continue;
    }
    size_t start = eq + 1;
    while (start < value.size() && (value[start] == ' ' || value[start] == '\t')) {
      ++start;
    }
    size_t end = start;
    if (start < value.size() && (value[start] == '"' || value[start] == '\'')) {
      const size_t close = value.find(value[start], start + 1);
      ++start;
      end = close == std::string_view::npos ? value.size() : close;
    } else {
      while (end < value.size() && value[end] != ' ' && value[end] != '\t' && value[end] != ';' &&
             value[end] != ',') {
        ++end;
      }
    }
    out.append(value.substr(copied, start - copied));
    out += "***";
    copied = end;
  }
  out.append(value.substr(copied));
  return out;
}

}  // namespace evt::kafka
