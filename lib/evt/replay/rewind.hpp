#pragma once
// Group rewind (`evt replay --group G …`): where a consumer group's
// committed offsets move, shown as a plan and applied only when asked —
// kafka-consumer-groups --reset-offsets with evt's positions.

#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::replay {

// How the new offsets are chosen.
enum class RewindKind { earliest, latest, offset, shift, time, from_file };

// One rewind request. `value`: the offset, the shift, or the time in ms.
struct RewindSpec {
  RewindKind kind = RewindKind::earliest;
  int64_t value = 0;
  std::map<TopicPartition, int64_t> from_file;  // kind == from_file
};

// Which partitions: TOPIC or TOPIC:PARTITIONS ("0,2-3"); empty list: every
// partition the group has committed.
struct RewindScope {
  std::string topic;
  std::vector<int32_t> partitions;  // empty: all of the topic
};

// Parses -t TOPIC[:PARTITIONS]. Throws UsageError.
RewindScope parse_scope(std::string_view text);

// One partition of the plan.
struct RewindRow {
  TopicPartition partition;
  std::optional<int64_t> current;  // the group's committed offset, if any
  int64_t target = 0;
  OffsetRange log;
};

// The plan, and whether the broker could tell that the group is idle.
struct RewindPlan {
  std::string group;
  std::vector<RewindRow> rows;
  bool members_known = false;  // DescribeGroups answered
  size_t active_members = 0;
  std::vector<std::string> notes;
};

// The new offset for one partition (pure): offsets clamp to the log,
// shifts start from the log start when nothing is committed; `time_offset`
// is the first offset at or after the time (the log end when none).
int64_t rewind_target(const RewindSpec& spec, const std::optional<int64_t>& current, const OffsetRange& log,
                      int64_t time_offset);

// Reads the group's commits and the logs, resolves times, and plans.
// Throws UsageError for unknown topics/partitions or nothing to rewind.
RewindPlan plan_rewind(const kafka::ClientConfig& config, const std::string& group,
                       const std::vector<RewindScope>& scopes, const RewindSpec& spec);

// Commits the plan's targets for the group. Throws UsageError when the
// group has active members (where the broker says), BrokerError on failure.
void apply_rewind(const kafka::ClientConfig& config, const RewindPlan& plan);

// kafka-consumer-groups' reset CSV: "topic,partition,offset" lines.
std::string export_csv(const RewindPlan& plan);

// Parses such a CSV; throws InputError naming `source` and the line.
std::map<TopicPartition, int64_t> parse_csv(std::string_view text, const std::string& source);

// The plan as a table: partition, current, new, effect ("re-reads 5", "skips 3").
std::string render_rewind(const RewindPlan& plan);

// The plan as JSON.
std::string render_rewind_json(const RewindPlan& plan, bool executed);

}  // namespace evt::replay
