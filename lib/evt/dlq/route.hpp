#pragma once
// Where `evt dlq redrive` sends one dead letter, and the record it writes.
// The parking rule and the headers are documented in man/evt-dlq.1.

#include "evt/dlq/convention.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace evt::dlq {

// How often a record has been re-driven (decimal; written by redrive).
inline constexpr std::string_view k_redrive_count = "evt_redrive_count";
// Why a record was parked (on parked records only).
inline constexpr std::string_view k_parked_reason = "evt_redrive_parked";

// The last evt_redrive_count: 0 when absent, nullopt when malformed.
std::optional<int64_t> redrive_count(std::span<const HeaderView> headers);

// What the redrive settings say about routing.
struct RouteSettings {
  std::string dlq_topic;      // the dead-letter topic read: never a destination
  std::string to;             // --to: instead of the original topic
  std::string parking_topic;  // <dlq>.parked unless configured
  int64_t max_redrives = 3;   // parked once the count would exceed it
  bool keep_headers = false;  // --keep-headers
  std::vector<CustomConvention> custom;
};

// The decision for one dead letter.
struct Route {
  bool park = false;
  std::string topic;
  int32_t partition = -1;                    // -1: by key
  std::string reason;                        // why parked ("" when re-driven)
  Convention convention = Convention::none;  // the generic names count as failure headers only for generic
};

// The number of partitions of a topic; nullopt when it does not exist.
using PartitionCount = std::function<std::optional<int32_t>(const std::string& topic)>;

// Decides: undecodable, over --max-redrives, no topic, the dead-letter or
// parking topic itself, unknown topic, or neither a partition nor a key ->
// park; else the original (or --to) topic, on the original partition when
// it exists there, otherwise by key.
Route decide_route(const RecordView& record, const DeadLetter& dead, const RouteSettings& settings,
                   const PartitionCount& partitions);

// Rewrites `out` (a copy of the dead letter) as the record to write:
// re-driven records lose the failure headers (unless keep_headers) and get
// evt_redrive_count = count + 1; parked ones keep every header and get
// evt_redrive_parked. Earlier evt_replay_* and evt_redrive_* headers go.
void rewrite_record(const Route& route, const RecordView& record, const RouteSettings& settings, Record& out);

// The size librdkafka checks against message.max.bytes for `record` with
// `extra_header_bytes` more header key and value bytes in `extra_headers`
// more headers (the provenance headers the copy engine adds): key, value,
// serialized headers and the worst-case record overhead.
uint64_t wire_size(const Record& record, size_t extra_headers, uint64_t extra_header_bytes);

}  // namespace evt::dlq
