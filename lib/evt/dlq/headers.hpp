#pragma once
// evt's own dead-letter header set, written by `evt consume --dlq` and read
// by `evt dlq`. A dead letter keeps the original key, value and headers and
// adds these headers (UTF-8 text, numbers in decimal; documented in
// man/evt-consume.1, DEAD LETTERS):
//   evt_dlq_version             "1"
//   evt_dlq_original_topic      topic the record was read from
//   evt_dlq_original_partition  its partition
//   evt_dlq_original_offset     its offset
//   evt_dlq_original_timestamp  its timestamp (ms since the epoch; absent if none)
//   evt_dlq_original_timestamp_type  "create" or "log_append" (absent if none)
//   evt_dlq_group               the consumer group that gave up on it
//   evt_dlq_error               error class: exit:N, signal:NAME, timeout, or the
//                               reason a pipe handler gave
//   evt_dlq_error_message       the handler's stderr tail (≤ 1024 bytes,
//                               control characters escaped; may be empty)
//   evt_dlq_attempts            how many attempts were made
//   evt_dlq_exit_code           the last attempt's exit status (absent after
//                               a signal or a timeout without exit)
//   evt_dlq_handler             the handler command
//   evt_dlq_time                when it was dead-lettered (ms since the epoch)
// Earlier evt_dlq_* headers on the original (a re-driven record that failed
// again) are replaced, so each appears once.

#include "evt/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::dlq {

// Every evt dead-letter header starts with this.
inline constexpr std::string_view k_prefix = "evt_dlq_";
inline constexpr std::string_view k_version = "evt_dlq_version";
inline constexpr std::string_view k_original_topic = "evt_dlq_original_topic";
inline constexpr std::string_view k_original_partition = "evt_dlq_original_partition";
inline constexpr std::string_view k_original_offset = "evt_dlq_original_offset";
inline constexpr std::string_view k_original_timestamp = "evt_dlq_original_timestamp";
inline constexpr std::string_view k_original_timestamp_type = "evt_dlq_original_timestamp_type";
inline constexpr std::string_view k_group = "evt_dlq_group";
inline constexpr std::string_view k_error = "evt_dlq_error";
inline constexpr std::string_view k_error_message = "evt_dlq_error_message";
inline constexpr std::string_view k_attempts = "evt_dlq_attempts";
inline constexpr std::string_view k_exit_code = "evt_dlq_exit_code";
inline constexpr std::string_view k_handler = "evt_dlq_handler";
inline constexpr std::string_view k_time = "evt_dlq_time";

// The bound on evt_dlq_error_message, in bytes.
inline constexpr size_t k_error_message_limit = 1024;

// Where a dead letter came from and why it was given up on.
struct DeadLetterInfo {
  std::string original_topic;
  int32_t original_partition = -1;
  int64_t original_offset = -1;
  int64_t original_timestamp = -1;  // -1: none
  TimestampType original_timestamp_type = TimestampType::none;
  std::string group;
  std::string error;
  std::string error_message;
  int attempts = 0;
  std::optional<int> exit_code;
  std::string handler;
  int64_t time_ms = -1;
};

// The last k_error_message_limit bytes of `text`, control characters and
// invalid UTF-8 escaped, cut at a character boundary.
std::string bounded_error_message(std::string_view text);

// The text bounded_error_message escaped, as it was: \\, \n, \t, \r and
// \xNN turned back into their bytes (readers escape once, for their
// output); any other backslash is kept (a cut may start inside an escape).
std::string unescape_error_message(std::string_view escaped);

// The dead letter for `original` (its key, value and headers without
// earlier evt_dlq_* ones, plus the set) addressed to `dlq_topic`; the
// partition is left to the partitioner (by key).
Record dead_letter_record(const Record& original, const DeadLetterInfo& info, const std::string& dlq_topic);

// Reads the set back; nullopt when there is no evt_dlq_original_topic.
// Numbers that do not parse are left at their defaults.
std::optional<DeadLetterInfo> read_dead_letter_info(const std::vector<Header>& headers);

}  // namespace evt::dlq
