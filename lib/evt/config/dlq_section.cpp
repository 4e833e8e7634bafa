#include "evt/config/dlq_section.hpp"

#include "evt/config/yaml_checks.hpp"

#include <algorithm>

namespace evt::config {
namespace {

DlqMapping parse_mapping(const std::filesystem::path& path, const YAML::Node& key, const YAML::Node& body) {
  DlqMapping m;
  m.name = key_of(path, key);
  if (!body.IsMap()) {
    invalid(path, body, "dlq convention '" + m.name + "' must map fields to header names");
  }
  std::set<std::string> seen;
  for (const auto& field : body) {
    const auto name = key_of(path, field.first);
    check_unique(path, seen, field.first, name, " in dlq convention '" + m.name + "'");
    if (name == "numbers") {
      const auto enc = scalar(path, field.second, "numbers");
      if (enc != "text" && enc != "binary") {
        invalid(path, field.second, "numbers must be text or binary");
      }
      m.binary_numbers = enc == "binary";
    } else if (std::find(k_dlq_mapping_fields.begin(), k_dlq_mapping_fields.end(), name) !=
               k_dlq_mapping_fields.end()) {
      m.headers[name] = scalar(path, field.second, name + " of dlq convention '" + m.name + "'");
    } else {
      invalid(path, field.first, "unknown field '" + name + "' in dlq convention '" + m.name + "'");
    }
  }
  if (!m.headers.contains("original-topic") && !m.headers.contains("exception-class") &&
      !m.headers.contains("exception-message")) {
    invalid(path, body,
            "dlq convention '" + m.name + "' needs original-topic, exception-class or exception-message");
  }
  return m;
}

}  // namespace

DlqSection parse_dlq_section(const std::filesystem::path& path, const YAML::Node& node) {
  DlqSection s;
  if (!node.IsMap()) {
    invalid(path, node, "'dlq' must be a mapping (topics, parking-suffix, conventions)");
  }
  std::set<std::string> keys;
  for (const auto& entry : node) {
    const auto key = key_of(path, entry.first);
    check_unique(path, keys, entry.first, key, " in dlq");
    if (key == "topics") {
      if (!entry.second.IsSequence()) {
        invalid(path, entry.second, "dlq topics must be a list of topic names");
      }
      for (const auto& t : entry.second) {
        s.topics.push_back(scalar(path, t, "a dlq topic"));
      }
    } else if (key == "parking-suffix") {
      s.parking_suffix = scalar(path, entry.second, "parking-suffix");
    } else if (key == "conventions") {
      if (!entry.second.IsMap()) {
        invalid(path, entry.second, "dlq conventions must map names to header mappings");
      }
      std::set<std::string> names;
      for (const auto& c : entry.second) {
        auto m = parse_mapping(path, c.first, c.second);
        check_unique(path, names, c.first, m.name, " (dlq convention names must be unique)");
        s.mappings.push_back(std::move(m));
      }
    } else {
      invalid(path, entry.first,
              "unknown key '" + key + "' in dlq (expected topics, parking-suffix, conventions)");
    }
  }
  return s;
}

}  // namespace evt::config
