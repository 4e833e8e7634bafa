#pragma once
// A record borrowed from the client library for the duration of one visit:
// no copies, no allocations. Free of librdkafka types.

#include "evt/record.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace evt {

// One header of a borrowed record; nullopt value = a null header value.
struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

// A borrowed record; nullopt key/value = Kafka NULL. `headers` is empty
// when the poll was asked not to decode headers.
struct RecordView {
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp = -1;
  TimestampType timestamp_type = TimestampType::none;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const HeaderView> headers;
};

// Copies a view into `out`, reusing its storage (no allocation once warm).
void copy_record(const RecordView& view, Record& out);

// A view over an owned record (for tests and for records read from files).
// `headers` receives the header views and must outlive the returned view.
RecordView view_of(const Record& record, std::vector<HeaderView>& headers);

}  // namespace evt
