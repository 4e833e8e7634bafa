#pragma once
// CloudEvents 1.0 over Kafka: the attributes evt fills in and the two ways
// of carrying them (binary: ce_* headers; structured: one JSON value).
// See docs in man/evt-publish.1 (ENVELOPES) and conventions.md.

#include "evt/names.hpp"
#include "evt/record.hpp"
#include "evt/record_view.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::codec {

// How an event is wrapped before it is sent.
enum class EnvelopeMode { none, binary, structured };

// The names of `evt publish --envelope`.
inline constexpr auto k_envelope_modes =
    make_name_table<EnvelopeMode>({{"none", EnvelopeMode::none},
                                   {"cloudevents", EnvelopeMode::binary},
                                   {"cloudevents-structured", EnvelopeMode::structured}});

// The content type of a structured-mode CloudEvent.
inline constexpr std::string_view k_structured_content_type = "application/cloudevents+json; charset=UTF-8";

// The attributes of one CloudEvent; optional ones are left out when empty.
struct CloudEventAttributes {
  std::string id;      // required (a UUID v4 by default)
  std::string source;  // required, a URI-reference
  std::string type;    // required
  std::string specversion = "1.0";
  std::string time;             // RFC 3339
  std::string datacontenttype;  // e.g. application/json
  std::string subject;
  std::string dataschema;
  // Extension attributes in order: name (lower-case a-z, 0-9) and value.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// A random (version 4, RFC 4122 variant) UUID in lower-case text form.
std::string uuid_v4();

// uuid_v4() into `out`, reusing its buffer.
void assign_uuid_v4(std::string& out);

// The instant as RFC 3339 in UTC with milliseconds: 2024-05-01T12:00:00.123Z.
std::string rfc3339_utc(std::chrono::system_clock::time_point when);

// A fresh W3C traceparent: version 00, random trace and parent ids, sampled.
std::string new_traceparent();

// True for a well-formed version-00 W3C traceparent with non-zero ids.
bool is_valid_traceparent(std::string_view value);

// True for a valid extension attribute name (a-z, 0-9, 1–20 characters).
bool is_valid_extension_name(std::string_view name);

// True for an RFC 3986 URI-reference (absolute URI or relative reference):
// only unreserved, reserved and %HH-encoded characters, and a valid scheme
// before the first ':' that comes before any '/', '?' or '#'.
bool is_uri_reference(std::string_view text);

// True for a JSON media type: application/json, or any type with a +json suffix.
bool is_json_media_type(std::string_view content_type);

// The datacontenttype for data when the user gave none: application/json
// for JSON text, text/plain; charset=utf-8 for other UTF-8 text,
// application/octet-stream for other bytes; empty when there is no data.
// A constant: nothing to allocate per event.
std::string_view content_type_for(std::optional<std::string_view> data, bool data_is_json);

// Why the event may not be sent, naming the attribute ("attribute 'source'
// is not a URI-reference: …"), or nullopt when the required attributes (id,
// source, specversion, type) are valid and a JSON datacontenttype goes
// with JSON data.
std::optional<std::string> invalid_attribute(const CloudEventAttributes& attributes, bool has_data,
                                             bool data_is_json);

// Puts the attributes on the record as binary-mode headers (ce_<name> and
// content-type), replacing headers of the same names already there. With
// `spare` (headers of an earlier record, so their strings keep their
// buffers): on a record without headers, `spare` itself is rewritten in
// place and becomes the record's headers (the record's empty vector becomes
// `spare`); else new headers are taken from its back.
void apply_binary_envelope(Record& record, const CloudEventAttributes& attributes,
                           std::vector<Header>* spare = nullptr);

// Appends the structured-mode JSON of the event. `data_is_json` says the
// data bytes are JSON text (embedded as is under "data"); other UTF-8 data
// with a non-JSON datacontenttype becomes a JSON string; everything else
// "data_base64" (so a receiver never parses text as JSON); nullopt: no data.
void append_structured_event(std::string& out, const CloudEventAttributes& attributes,
                             std::optional<std::string_view> data, bool data_is_json);

// Replaces the record's value with the structured event (a NULL value
// gives an event without data) and sets its content-type header.
void apply_structured_envelope(Record& record, const CloudEventAttributes& attributes, bool data_is_json);

// True when content-type marks a CloudEvents structured-mode record.
bool is_structured_cloudevent(const RecordView& record);

// The value of the first header with this key (nullopt also for a null value).
std::optional<std::string_view> header_value(const RecordView& record, std::string_view key);

}  // namespace evt::codec
