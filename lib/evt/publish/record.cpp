#include "evt/publish/record.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/publish/schema.hpp"

#include <strings.h>
#include <algorithm>
#include <chrono>

namespace evt::publish {
namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; the
// rest ("parse error at line 1, column 5: …") is what the user needs.
std::string short_parse_error(const std::exception& e) {
  std::string what = e.what();
  const auto pos = what.find("] ");
  return pos == std::string::npos ? what : what.substr(pos + 2);
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

const std::string* find_header(const Record& record, std::string_view key) {
  for (const auto& h : record.headers) {
    if (h.key == key && h.value) {
      return &*h.value;
    }
  }
  return nullptr;
}

// A record line copied from a topic may already be a structured CloudEvent;
// its event data is then the "data" member.
bool is_structured_cloudevent(const Record& record) {
  const auto* ct = find_header(record, "content-type");
  return ct != nullptr && starts_with_ci(*ct, "application/cloudevents");
}

BuildResult reject(Rejection& why, std::string reason) {
  why.pointer.clear();
  why.schema = false;
  why.reason = std::move(reason);
  return BuildResult::rejected;
}

}  // namespace

InputMode parse_input_mode(std::string_view text) {
  if (const auto mode = k_input_modes.find(text)) {
    return *mode;
  }
  throw UsageError("--input must be " + k_input_modes.list() + ", not '" + std::string(text) + "'");
}

RecordBuilder::RecordBuilder(PublishSpec spec, SchemaSelector* schemas)
    : m_spec(std::move(spec)), m_schemas(schemas) {
  // A compiled schema check reads the whole tree of the one scan.
  m_lines.record_tape(m_schemas != nullptr);
  m_value_scan.record_tape(m_schemas != nullptr);
}

BuildResult RecordBuilder::from_line(std::string_view line, Record& record, Rejection& why) {
  m_event_parsed = false;
  m_line_is_value = false;
  m_value_scanned = false;
  m_value_is_json = false;
  if (m_spec.input == InputMode::raw) {
    if (line.empty()) {
      return BuildResult::skipped;
    }
    record.key.reset();
    recycle_headers(record);
    if (!record.value) {
      record.value.emplace();
    }
    record.value->assign(line);
    record.topic = m_spec.topic;
    record.partition = -1;
    record.timestamp = -1;
    return finish(record, why);
  }
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);  // CRLF files: the '\r' is not part of the JSON
  }
  if (is_blank(line)) {
    return BuildResult::skipped;
  }
  // A JSON line sent as it is: its bytes are the value.
  const auto plain_value = [&] {
    m_value_is_json = true;
    record.key.reset();
    recycle_headers(record);
    if (!record.value) {
      record.value.emplace();
    }
    record.value->assign(line);
    record.partition = -1;
    record.timestamp = -1;
    record.topic.clear();
  };
  const bool auto_mode = m_spec.input == InputMode::auto_detect;
  // One DOM-free scan decides record line or plain value, hands out a
  // record line's fields as exact spans, and (with a schema) lists every
  // value on its tape for the compiled check.
  if (m_lines.scan(line)) {
    if (m_spec.input == InputMode::record || (auto_mode && m_lines.is_record_line())) {
      try {
        m_lines.to_record(record);
      } catch (const codec::RecordLineError& e) {
        return reject(why, std::string(m_spec.input == InputMode::record ? "not a record line: "
                                                                         : "bad record line: ") +
                               e.what());
      }
    } else {
      plain_value();
      m_line_is_value = true;
    }
  } else {
    // Not JSON: nlohmann, the reference, names the error. nlohmann takes
    // a NUL for the end of the input and would accept the JSON before it.
    const std::string_view prefix =
        m_spec.input == InputMode::record ? "not a record line: not JSON: " : "not JSON: ";
    if (const auto nul = line.find('\0'); nul != std::string_view::npos) {
      return reject(why, std::string(prefix) + "a NUL byte at offset " + std::to_string(nul) +
                             " (nothing may follow the JSON value)");
    }
    try {
      m_event = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      return reject(why, std::string(prefix) + short_parse_error(e) +
                             (auto_mode ? " (--input raw sends lines as they are)" : ""));
    }
    // Only reached if nlohmann accepts what the scanner refused.
    const bool record_line =
        m_spec.input == InputMode::record || (auto_mode && codec::is_record_line(m_event));
    if (record_line) {
      try {
        record = codec::record_from_json(m_event);
      } catch (const codec::RecordLineError& e) {
        return reject(why, std::string("bad record line: ") + e.what());
      }
    } else {
      m_event_parsed = true;
      plain_value();
    }
  }
  if (!m_spec.topic.empty()) {
    record.topic = m_spec.topic;
  } else if (record.topic.empty()) {
    return reject(why, "no topic: give -t TOPIC or a \"topic\" field in the record line");
  }
  if (!m_spec.keep_partition) {
    record.partition = -1;
  }
  if (!m_spec.keep_timestamp) {
    record.timestamp = -1;
  }
  return finish(record, why);
}

BuildResult RecordBuilder::from_data(const std::optional<std::string>& data, Record& record, Rejection& why) {
  m_event_parsed = false;
  m_line_is_value = false;
  m_value_scanned = false;
  m_value_is_json = false;
  record = Record{};
  record.topic = m_spec.topic;
  record.value = data;
  return finish(record, why);
}

bool RecordBuilder::parse_value_json(const Record& record, Rejection& why) {
  if (m_event_parsed) {
    return true;
  }
  if (!record.value) {
    reject(why, "the value is NULL (a tombstone), not a JSON event");
    return false;
  }
  if (const auto nul = record.value->find('\0'); nul != std::string::npos) {
    reject(why, "the value is not JSON: a NUL byte at offset " + std::to_string(nul));
    return false;
  }
  try {
    m_event = nlohmann::json::parse(*record.value);
  } catch (const nlohmann::json::exception& e) {
    reject(why, "the value is not JSON: " + short_parse_error(e));
    return false;
  }
  m_event_parsed = true;
  m_value_is_json = true;
  return true;
}

std::string RecordBuilder::event_type(const Record& record) const {
  if (!m_spec.attributes.type.empty()) {
    return m_spec.attributes.type;
  }
  if (const auto* t = find_header(record, "ce_type")) {
    return *t;
  }
  if (m_event_parsed && is_structured_cloudevent(record) && m_event.is_object()) {
    if (const auto it = m_event.find("type"); it != m_event.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

void RecordBuilder::recycle_headers(Record& record) {
  // Kept, not destroyed: a header's strings keep their buffers for the
  // next record's envelope. Bounded by the most headers one record had.
  if (m_spare_headers.empty()) {
    // In order, for the envelope to rewrite in place (apply_binary_envelope).
    m_spare_headers.swap(record.headers);
    return;
  }
  for (auto& h : record.headers) {
    m_spare_headers.push_back(std::move(h));
  }
  record.headers.clear();
  // More than any record takes back (one whose headers were not all taken
  // from here) would pile up record after record: keep a bounded few.
  constexpr size_t k_max_spare = 64;
  if (m_spare_headers.size() > k_max_spare) {
    m_spare_headers.erase(m_spare_headers.begin() + static_cast<std::ptrdiff_t>(k_max_spare),
                          m_spare_headers.end());
  }
}

void RecordBuilder::append_header(Record& record, const Header& header) {
  if (m_spare_headers.empty()) {
    record.headers.push_back(header);
    return;
  }
  record.headers.push_back(std::move(m_spare_headers.back()));
  m_spare_headers.pop_back();
  record.headers.back().key.assign(header.key);
  auto& value = record.headers.back().value;
  if (!header.value) {
    value.reset();
  } else if (value) {
    value->assign(*header.value);
  } else {
    value.emplace(*header.value);
  }
}

const codec::JsonScanner* RecordBuilder::value_scan(const Record& record) {
  if (m_line_is_value) {
    return &m_lines.scanner();
  }
  if (!record.value) {
    return nullptr;
  }
  if (!m_value_scanned) {
    m_value_scanned = true;
    m_value_scan_ok = m_value_scan.scan(*record.value);
  }
  return m_value_scan_ok ? &m_value_scan : nullptr;
}

BuildResult RecordBuilder::check_schema(Record& record, Rejection& why) {
  if (m_spec.attributes.type.empty() && !m_event_parsed && is_structured_cloudevent(record)) {
    parse_value_json(record, why);  // the type lives inside the event
  }
  std::string problem;
  const auto* check = m_schemas->find(event_type(record), problem);
  if (check == nullptr) {
    return reject(why, problem);
  }
  // The value's one scan (the line itself for a plain value); a
  // structured CloudEvent's data is a member, left to the full validator.
  const bool structured = is_structured_cloudevent(record);
  const codec::JsonScanner* scanned = structured ? nullptr : value_scan(record);
  // valijson recurses with the event's depth; bound it on the main thread.
  const size_t depth = scanned != nullptr ? scanned->max_depth() : json_nesting_depth(*record.value);
  if (depth > k_max_event_depth) {
    return reject(why, "the event is nested deeper than " + std::to_string(k_max_event_depth) +
                           " levels, too deep to check against the schema");
  }
  if (scanned != nullptr) {
    // The compiled check reads the scan's tape; a schema it cannot compile
    // is checked by valijson over a RapidJSON DOM (of a plain line only,
    // as before: a record line's value goes to the full validator).
    if (check->fast.checks_scans()
            ? check->fast.accepts(*scanned)
            : m_line_is_value && m_fast.parse(*record.value) && check->fast.accepts(m_fast.root())) {
      return BuildResult::ok;
    }
  }
  // Refused by the fast check (or not parsed for it): the full validator
  // decides and names the errors.
  const nlohmann::json* data = nullptr;
  if (!parse_value_json(record, why)) {
    return BuildResult::rejected;
  }
  if (is_structured_cloudevent(record) && m_event.is_object() && m_event.contains("data")) {
    data = &m_event["data"];
  } else {
    data = &m_event;
  }
  const auto errors = check->full.validate(*data);
  if (!errors.empty()) {
    why.schema = true;
    why.pointer = errors.front().pointer.empty() ? "/" : errors.front().pointer;
    why.reason = errors.front().reason;
    if (errors.size() > 1) {
      why.reason += " (and " + std::to_string(errors.size() - 1) + " more)";
    }
    return BuildResult::rejected;
  }
  return BuildResult::ok;
}

BuildResult RecordBuilder::finish(Record& record, Rejection& why) {
  record.offset = -1;
  record.timestamp_type = TimestampType::none;
  if (m_spec.partition >= 0) {
    record.partition = m_spec.partition;
  }
  for (const auto& h : m_spec.headers) {
    append_header(record, h);
  }

  // The event's data as JSON, for key fields and schemas: the value, or
  // the "data" member of a structured CloudEvent copied from a topic.
  const auto event_data = [&]() -> const nlohmann::json* {
    if (!parse_value_json(record, why)) {
      return nullptr;
    }
    if (is_structured_cloudevent(record) && m_event.is_object() && m_event.contains("data")) {
      return &m_event["data"];
    }
    return &m_event;
  };

  if (m_spec.key) {
    record.key = m_spec.key;
  } else if (m_spec.key_field) {
    const auto* data = event_data();
    if (data == nullptr) {
      return BuildResult::rejected;
    }
    std::string problem;
    auto key = m_spec.key_field->extract(*data, problem);
    if (!key) {
      return reject(why, "no key: " + problem);
    }
    record.key = std::move(key);
  }

  if (m_schemas != nullptr && record.value) {
    if (const auto checked = check_schema(record, why); checked != BuildResult::ok) {
      return checked;
    }
  }

  if (!m_spec.allow_pii) {
    for (const auto* part : {&record.value, &record.key}) {
      if (*part) {
        if (const auto at = find_card_number(**part)) {
          return reject(why, std::string(part == &record.value ? "the value" : "the key") +
                                 " contains what looks like a payment card number (at byte " +
                                 std::to_string(*at) + "); --allow-pii sends it anyway");
        }
      }
    }
  }

  if (m_spec.envelope != codec::EnvelopeMode::none) {
    // The run's attributes are copied once; per record only the ones
    // evt fills in are set again (a copy of every string per record was a
    // noticeable share of the envelope's cost).
    if (!m_attributes_copied) {
      m_attributes = m_spec.attributes;
      m_attributes_copied = true;
    }
    const auto& given = m_spec.attributes;
    if (given.type.empty()) {
      m_attributes.type = event_type(record);
      if (m_attributes.type.empty()) {
        return reject(why, "no event type for the CloudEvents envelope (give --type)");
      }
    }
    if (given.id.empty()) {
      codec::assign_uuid_v4(m_attributes.id);
    }
    if (given.time.empty()) {
      // Formatting the time is a noticeable share of a fast run; events
      // in the same millisecond share the text.
      const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
          m_frozen_now ? *m_frozen_now : std::chrono::system_clock::now());
      if (now != m_time_ms || m_time_text.empty()) {
        m_time_ms = now;
        m_time_text = codec::rfc3339_utc(now);
      }
      m_attributes.time = m_time_text;
    }
    if (m_spec.new_traceparent) {
      std::erase_if(m_attributes.extensions, [](const auto& e) { return e.first == "traceparent"; });
      m_attributes.extensions.emplace_back("traceparent", codec::new_traceparent());
    }
    // The data's content type follows what the data is, unless given;
    // the SDKs reject "application/json" on bytes that are not JSON.
    bool data_is_json = m_value_is_json;
    if (!data_is_json && record.value) {
      // The scan answers without a DOM, except for numbers that nlohmann
      // (the reference) might refuse as an overflow.
      const auto* scanned = value_scan(record);
      if (scanned != nullptr && !scanned->has_huge_number()) {
        data_is_json = true;
      } else if (scanned != nullptr) {
        Rejection ignored;
        data_is_json = parse_value_json(record, ignored);
      }
    }
    if (given.datacontenttype.empty()) {
      m_attributes.datacontenttype.assign(codec::content_type_for(
          record.value ? std::optional<std::string_view>(*record.value) : std::nullopt, data_is_json));
    }
    if (const auto invalid = codec::invalid_attribute(m_attributes, record.value.has_value(), data_is_json)) {
      return reject(why, *invalid);
    }
    if (m_spec.envelope == codec::EnvelopeMode::binary) {
      codec::apply_binary_envelope(record, m_attributes, &m_spare_headers);
    } else {
      codec::apply_structured_envelope(record, m_attributes, data_is_json);
    }
    // OpenTelemetry's Kafka instrumentation reads the plain W3C header.
    for (const auto& [name, value] : m_attributes.extensions) {
      if (name == "traceparent") {
        std::erase_if(record.headers, [](const Header& h) { return h.key == "traceparent"; });
        append_header(record, Header{"traceparent", value});
      }
    }
  }

  const size_t size = record_size(record);
  if (size > m_spec.limits.max_bytes) {
    return reject(why, "the record is " + std::to_string(size) + " bytes, above the limit of " +
                           std::to_string(m_spec.limits.max_bytes) + " (--max-size)");
  }
  return size > m_spec.limits.warn_bytes ? BuildResult::ok_large : BuildResult::ok;
}

}  // namespace evt::publish
