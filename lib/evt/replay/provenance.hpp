#pragma once
// The provenance headers evt replay adds to every record it writes:
//   evt_replay_src  "topic/partition@offset" of the source record
//   evt_replay_run  the run id
// They make a copy traceable, and they let a resumed run recognise the
// records its previous attempt already wrote (docs/replay.md).

#include "evt/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evt::replay {

inline constexpr std::string_view k_source_header = "evt_replay_src";
inline constexpr std::string_view k_run_header = "evt_replay_run";

// A source record's address.
struct SourceAddress {
  TopicPartition partition;
  int64_t offset = -1;
  bool operator==(const SourceAddress&) const = default;
};

// "topic/partition@offset".
std::string format_source(const TopicPartition& tp, int64_t offset);

// The same into `out` (replaced; its storage is reused between records).
void format_source_into(std::string& out, const TopicPartition& tp, int64_t offset);

// Parses "topic/partition@offset"; nullopt when malformed.
std::optional<SourceAddress> parse_source(std::string_view text);

}  // namespace evt::replay
