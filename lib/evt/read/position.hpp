#pragma once
// rpk's offset grammar for where `evt tail` starts and stops, and its
// resolution to absolute offsets per partition.
//
//   start|beginning|oldest   from the log start        end|newest   from the log end
//   N | N:                   from offset N             +N           log start + N
//   -N                       the last N records         :end         log start until the current end
//   :N                       log start until offset N   N:M          offset N until M (M excluded)
//   N:end                    offset N until the current end
//   @T | @T:                 from the first record at or after time T
//   @:T                      log start until time T     @T1:T2       between two times
//   @T:D                     from T for a duration D (e.g. @2026-11-20:1h)
// T: unix seconds (< 10^11) or milliseconds, YYYY-MM-DD, RFC 3339
// (2026-11-20T10:00:00Z, +01:00 offsets, fractions), or a duration relative
// to now such as -15m, -48h, -1h30m (units ms, s, m, h, d).

#include "evt/record.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

namespace evt::read {

// What a position bound refers to.
enum class BoundKind { beginning, end, offset, after_start, before_end, time };

// One side of a position: `value` is the offset, the count or the time in ms.
struct Bound {
  BoundKind kind = BoundKind::beginning;
  int64_t value = 0;
  bool operator==(const Bound&) const = default;
};

// Where to start and (optionally) where to stop; the end is exclusive.
struct PositionSpec {
  Bound start;
  std::optional<Bound> end;
  bool operator==(const PositionSpec&) const = default;
};

// Parses a start position or range (the grammar above). `now_ms` anchors
// relative times. Throws UsageError saying what is wrong and what is accepted.
PositionSpec parse_position(std::string_view text, int64_t now_ms);

// Parses an end position given on its own (--end): end, N or @T.
Bound parse_end_position(std::string_view text, int64_t now_ms);

// The position given by -s/--start and --end flags (either may be empty):
// `default_start` when there is no -s; --end must not repeat a range's end.
// Throws UsageError.
PositionSpec parse_start_end(std::string_view start, std::string_view end, Bound default_start,
                             int64_t now_ms);

// Parses a point in time (the T above, without '@') to milliseconds.
// Throws UsageError when it is not one of the accepted forms.
int64_t parse_time_point(std::string_view text, int64_t now_ms);

// Parses a duration such as 15m, 1h30m, 500ms, 2d (no sign) to milliseconds;
// nullopt when it is not a duration.
std::optional<int64_t> parse_duration(std::string_view text);

// Parses a partition list such as "0,2,5-7". Throws UsageError.
std::vector<int32_t> parse_partition_list(std::string_view text);

// The offsets one partition is read between: from `start` until `end`
// (exclusive; nullopt: follow new records forever).
struct PartitionPlan {
  TopicPartition partition;
  int64_t start = 0;
  std::optional<int64_t> end;
  int64_t log_end = 0;  // the log end when the plan was made
  // True when there is nothing to read (the range is empty).
  bool empty() const { return end && start >= *end; }
};

// The first offset whose record timestamp is >= ts_ms in a partition
// (the log end when there is none).
using TimeToOffset = std::function<int64_t(const TopicPartition&, int64_t ts_ms)>;

// Resolves a position against a partition's current log range. Offsets are
// clamped to the range (a range never waits for records that do not exist
// yet); `exit_at_end` stops at the current end when the position has no end.
PartitionPlan resolve_position(const PositionSpec& spec, const TopicPartition& partition,
                               const OffsetRange& range, bool exit_at_end,
                               const TimeToOffset& time_to_offset);

// True when the spec needs a time lookup.
bool uses_time(const PositionSpec& spec);

}  // namespace evt::read
