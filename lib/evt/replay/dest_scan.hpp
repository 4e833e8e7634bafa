#pragma once
// The resume scan: reads destination partitions between two offsets and
// picks out the records a given run wrote (by its provenance headers).

#include "evt/kafka/client_config.hpp"
#include "evt/replay/provenance.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace evt::replay {

// One record of the run found in the destination.
struct FoundRecord {
  SourceAddress source;
  int32_t dest_partition = -1;
  int64_t dest_offset = -1;
};

// What the scan read and found.
struct ScanResult {
  uint64_t scanned = 0;
  std::vector<FoundRecord> records;
};

// Reads `topic` partition dp from ranges[dp].first until ranges[dp].second
// (excluded) and returns the records whose evt_replay_run is `run_id`.
// Throws BrokerError when nothing arrives for idle_timeout_ms, Interrupted
// on a stop request.
ScanResult scan_for_run(const kafka::ClientConfig& config, const std::string& topic,
                        const std::map<int32_t, std::pair<int64_t, int64_t>>& ranges,
                        const std::string& run_id, int idle_timeout_ms,
                        const std::function<bool()>& stop_requested);

}  // namespace evt::replay
