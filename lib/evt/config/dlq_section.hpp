#pragma once
// The config file's `dlq:` section, read by `evt dlq`:
//   dlq:
//     topics: [payments-failures]   # dead-letter topics besides the named ones
//     parking-suffix: .parked       # <dlq><suffix> receives parked records
//     conventions:                  # custom header mappings, by name
//       acme:
//         original-topic: acme-source-topic
//         original-partition: acme-source-partition
//         numbers: text             # or binary (big-endian, as Spring)

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace evt::config {

// The fields a custom mapping may name, in this order.
inline const std::vector<std::string> k_dlq_mapping_fields{
    "original-topic", "original-partition", "original-offset",   "original-timestamp",
    "group",          "exception-class",    "exception-message", "stack-trace"};

// One custom header mapping: field -> header name.
struct DlqMapping {
  std::string name;
  std::map<std::string, std::string> headers;
  bool binary_numbers = false;
};

// The parsed section (empty when absent).
struct DlqSection {
  std::vector<std::string> topics;
  std::string parking_suffix = ".parked";
  std::vector<DlqMapping> mappings;
};

// Parses the section; throws UsageError naming file, line and column.
DlqSection parse_dlq_section(const std::filesystem::path& path, const YAML::Node& node);

}  // namespace evt::config
