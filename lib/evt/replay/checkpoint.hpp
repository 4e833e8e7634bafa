#pragma once
// What a replay commits beside each source partition's offset, and the
// bookkeeping behind the destination offsets in it (design: docs/replay.md).
//
// Commit metadata, one string per source partition:
//   evt-replay/1;end=<source end offset>;prov=<1|0>;dst=<dp>:<offset>,…
// `end` is where the run stops reading that partition (fixed at the first
// attempt), `prov` whether records carry provenance headers, and `dst`
// the lowest destination offset per destination partition at which a
// record of this partition beyond the committed offset may have landed.
// A run that also writes to other topics (CopyOptions::route) adds one
// `;at=<topic>/<dp>:<offset>,…` field per such topic, with the same meaning.
// `;to=<topic>;by=<same|key>` name the destination topic and partition
// mapping, so that a resume into another destination is refused; metadata
// written before they existed lacks them (nothing to compare then).

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace evt::replay {

// The decoded commit metadata of one source partition.
struct CheckpointMeta {
  int64_t end = 0;
  bool provenance = true;
  std::map<int32_t, int64_t> dest_scan;                          // destination partition -> scan start
  std::map<std::string, std::map<int32_t, int64_t>> topic_scan;  // other topics written (route)
  std::string to;                                                // destination topic; empty: not recorded
  std::string by;                                                // "same" or "key"; empty: not recorded
  bool operator==(const CheckpointMeta&) const = default;
};

// The metadata string; see the format above.
std::string encode_checkpoint(const CheckpointMeta& meta);

// Parses metadata written by encode_checkpoint; nullopt for anything else
// (another tool's commit, an older format).
std::optional<CheckpointMeta> decode_checkpoint(std::string_view text);

// Per destination partition, the lowest offset at which a record not yet
// covered by the checkpoint may sit. Relies on one idempotent producer
// writing each destination partition in the order it produced, and
// acknowledging in that order.
class DestScanTracker {
 public:
  // The destination's end offsets before this process sent anything:
  // every record it sends lands at or after them.
  void start(const std::map<int32_t, int64_t>& dest_end);

  // A record of source `source` at `source_offset` is in destination
  // partition `dp` at `dest_offset` (acknowledged, or found by the resume scan).
  void acked(int32_t dp, int64_t dest_offset, uint32_t source, int64_t source_offset);

  // Forgets records the checkpoint now covers (covered(source, offset) true).
  void prune(const std::function<bool(uint32_t source, int64_t source_offset)>& covered);

  // Forgets every record of `source` (its partition was handed to another
  // member, whose checkpoint covers them from now on).
  void forget(uint32_t source);

  // Where a resume must start scanning `dp`.
  int64_t scan_start(int32_t dp) const;

  // Records remembered (acknowledged, not yet covered).
  size_t size() const { return m_size; }

 private:
  struct Entry {
    int64_t dest_offset;
    uint32_t source;
    int64_t source_offset;
  };
  struct Partition {
    int64_t next = 0;             // one past the highest destination offset known
    std::deque<Entry> uncovered;  // increasing dest_offset
  };
  std::map<int32_t, Partition> m_parts;
  size_t m_size = 0;
};

}  // namespace evt::replay
