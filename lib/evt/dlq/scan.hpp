#pragma once
// Reads a dead-letter topic from given offsets to the end offsets noted
// when the read starts (records that arrive later wait for the next run).

#include "evt/kafka/client_config.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace evt::dlq {

// Where a partition's read starts and ends.
struct ScanRange {
  int64_t start = 0;
  int64_t end = 0;
};

// Log start and end of every partition of `topic` (Admin ListOffsets).
std::map<int32_t, ScanRange> topic_ranges(const kafka::ClientConfig& config, const std::string& topic);

// Calls `visit` for every record in the ranges, in offset order per
// partition. Throws BrokerError when nothing arrives for idle_timeout_ms,
// Interrupted on SIGINT/SIGTERM. `visit` returns false to stop early.
void scan_topic(const kafka::ClientConfig& config, const std::string& topic,
                const std::map<int32_t, ScanRange>& ranges, int idle_timeout_ms,
                const std::function<bool(const RecordView&)>& visit);

}  // namespace evt::dlq
