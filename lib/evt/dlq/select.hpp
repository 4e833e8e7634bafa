#pragma once
// Which dead letters `evt dlq inspect` and `evt dlq redrive` act on: every
// given condition must hold; repeated values of one flag are alternatives.

#include "evt/dlq/convention.hpp"
#include "evt/filter/where.hpp"
#include "evt/record_view.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt::dlq {

// The filter flags as given.
struct SelectSpec {
  std::vector<std::string> original_topics;    // --original-topic
  std::vector<std::string> exceptions;         // --exception: class name, full or simple
  std::vector<filter::WherePattern> messages;  // --message: RE2 regex searched in the failure message
  std::optional<int64_t> since_ms;             // --since: dead-lettered at or after (record time)
  std::optional<int64_t> until_ms;             // --until: before
  std::optional<int64_t> from_offset;          // --offsets N:M on the dead-letter topic
  std::optional<int64_t> to_offset;            //   (M excluded)
  std::optional<std::string> key;              // --key: exact key bytes
  bool empty() const;
};

// True when the record and its decoded failure pass every condition.
bool selected(const SelectSpec& spec, const RecordView& record, const DeadLetter& dead);

// Parses --offsets "N:M", "N:" or ":M"; throws UsageError.
void parse_offset_range(const std::string& text, SelectSpec& spec);

}  // namespace evt::dlq
