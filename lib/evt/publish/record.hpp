#pragma once
// How `evt publish` turns one input line (or the --data event) into the
// Kafka record it sends: input shapes, key, envelope, schema check and
// guards, in that order. No broker here; the unit tests drive it directly.

#include "evt/codec/cloudevents.hpp"
#include "evt/codec/key_field.hpp"
#include "evt/codec/record_line.hpp"
#include "evt/names.hpp"
#include "evt/publish/guards.hpp"
#include "evt/publish/json.hpp"
#include "evt/record.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::publish {

class SchemaSelector;

// How a line is read. auto_detect: a JSON line that is_record_line() is a
// record line, any other JSON line is the value; record: every line must be
// a record line; value: every line is a JSON value sent as is; raw: the
// line's bytes are the value, not parsed (like kcat -P).
enum class InputMode { auto_detect, record, value, raw };

// The names of --input.
inline constexpr auto k_input_modes = make_name_table<InputMode>({{"auto", InputMode::auto_detect},
                                                                  {"record", InputMode::record},
                                                                  {"value", InputMode::value},
                                                                  {"raw", InputMode::raw}});

// Parses a name of k_input_modes; throws UsageError otherwise.
InputMode parse_input_mode(std::string_view text);

// Everything that decides what record an event becomes.
struct PublishSpec {
  std::string topic;  // empty: the record line's topic
  InputMode input = InputMode::auto_detect;
  std::optional<std::string> key;  // --key (wins over everything)
  std::optional<codec::KeyField> key_field;
  int32_t partition = -1;       // -p; -1: the partitioner decides
  bool keep_partition = false;  // use a record line's partition
  bool keep_timestamp = false;  // use a record line's timestamp
  std::vector<Header> headers;  // --header, appended to every record
  codec::EnvelopeMode envelope = codec::EnvelopeMode::none;
  // The envelope's attributes; id and time are filled per event when
  // empty; type falls back to a record line's ce_type header.
  codec::CloudEventAttributes attributes;
  bool new_traceparent = false;  // a fresh traceparent per event
  SizeLimits limits;
  bool allow_pii = false;
};

// Why a line was not sent: a JSON pointer (schema errors only) and a reason.
struct Rejection {
  std::string pointer;  // "" unless a schema error
  std::string reason;
  bool schema = false;  // a schema error (pointer is meaningful)
};

// What became of one line.
enum class BuildResult { ok, ok_large, rejected, skipped };

// Builds records for one publish run; keeps its buffers between lines.
class RecordBuilder {
 public:
  // `schemas` may be null (no schema check); it must outlive the builder.
  RecordBuilder(PublishSpec spec, SchemaSelector* schemas);

  // Builds the record for one input line into `record` (reused between
  // calls). Blank lines are `skipped`. `ok_large` means above the warning
  // size. On `rejected`, `why` says why.
  BuildResult from_line(std::string_view line, Record& record, Rejection& why);

  // The same for a single event whose value is `data` (bytes as given).
  BuildResult from_data(const std::optional<std::string>& data, Record& record, Rejection& why);

  const PublishSpec& spec() const { return m_spec; }

  // Events built until unfreeze_clock() get `now` as their CloudEvents
  // time instead of reading the clock each: a batch of lines read
  // together shares one reading (the clock is slow to read on some
  // virtual machines, and was a sixth of an envelope's cost there).
  void freeze_clock(std::chrono::system_clock::time_point now) { m_frozen_now = now; }
  void unfreeze_clock() { m_frozen_now.reset(); }

  // Headers of earlier records kept for their buffers (bounded).
  size_t spare_headers() const { return m_spare_headers.size(); }

 private:
  BuildResult finish(Record& record, Rejection& why);
  bool parse_value_json(const Record& record, Rejection& why);
  std::string event_type(const Record& record) const;

  BuildResult check_schema(Record& record, Rejection& why);
  // The scan of the current value (nullptr when it is NULL or not JSON).
  const codec::JsonScanner* value_scan(const Record& record);
  // Empties record.headers into m_spare_headers.
  void recycle_headers(Record& record);
  // Appends a copy of `header`, reusing a spare header's buffers.
  void append_header(Record& record, const Header& header);

  PublishSpec m_spec;
  SchemaSelector* m_schemas;
  codec::RecordLineParser m_lines;      // the one-pass scan of a line
  FastJson m_fast;                      // a DOM for schemas that need valijson
  bool m_line_is_value = false;         // m_lines scanned the current value (a plain line)
  codec::JsonScanner m_value_scan;      // the current value scanned, when not a plain line
  bool m_value_scanned = false;         // m_value_scan holds the current value's scan
  bool m_value_scan_ok = false;         // ... and the value is JSON
  nlohmann::json m_event;               // the value parsed as nlohmann::json, when needed
  bool m_event_parsed = false;          // m_event holds the current value
  bool m_value_is_json = false;         // the current value is known to be JSON
  std::vector<Header> m_spare_headers;  // earlier records' headers, buffers kept (at most 64 between records)
  codec::CloudEventAttributes m_attributes;
  bool m_attributes_copied = false;  // m_attributes holds m_spec.attributes' fixed fields
  std::chrono::sys_time<std::chrono::milliseconds> m_time_ms{};
  std::string m_time_text;  // m_time_ms as RFC 3339
  std::optional<std::chrono::system_clock::time_point> m_frozen_now;
};

}  // namespace evt::publish
