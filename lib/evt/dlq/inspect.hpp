#pragma once
// `evt dlq inspect`: what is in a dead-letter topic, grouped by original
// topic, exception class and normalised message.

#include "evt/dlq/convention.hpp"
#include "evt/dlq/groups.hpp"
#include "evt/dlq/select.hpp"
#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace evt::dlq {

// What to inspect.
struct InspectRequest {
  std::string topic;
  DecodeOptions decode;
  SelectSpec select;
  size_t show = 0;  // records to show with their decoded metadata
  int idle_timeout_ms = 10000;
};

// One dead letter shown by --show.
struct ShownRecord {
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = -1;
  std::optional<std::string> key;
  int64_t redrives = 0;
  DeadLetter dead;
};

// The summary.
struct InspectReport {
  std::string topic;
  uint64_t read = 0;
  uint64_t selected = 0;
  uint64_t undecodable = 0;
  uint64_t no_origin = 0;  // no original topic
  std::map<std::string, uint64_t> conventions;
  std::vector<ErrorGroup> groups;  // most frequent first
  std::vector<ShownRecord> shown;
};

// Reads the whole topic (log start to the current end).
InspectReport inspect(const kafka::ClientConfig& config, const InspectRequest& request);

}  // namespace evt::dlq
