#include "evt/codec/record_line.hpp"

#include "evt/codec/base64.hpp"
#include "evt/codec/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace evt::codec {
namespace {

void append_int(std::string& out, int64_t v) {
  std::array<char, 24> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), end);
}

// "name":"text" | "name":null | "name_base64":"…"
void append_bytes_field(std::string& out, std::string_view name, const std::optional<std::string>& bytes) {
  out += '"';
  out += name;
  if (!bytes) {
    out += "\":null";
    return;
  }
  if (is_valid_utf8(*bytes)) {
    out += "\":";
    append_json_string(out, *bytes);
  } else {
    out += "_base64\":\"";
    out += base64_encode(*bytes);
    out += '"';
  }
}

const char* timestamp_type_name(TimestampType t) {
  switch (t) {
    case TimestampType::create_time:
      return "create";
    case TimestampType::log_append_time:
      return "log_append";
    case TimestampType::none:
      break;
  }
  return nullptr;
}

constexpr std::array<std::string_view, 10> k_fields = {
    "topic", "partition",  "offset", "timestamp",    "timestamp_type",
    "key",   "key_base64", "value",  "value_base64", "headers"};

[[noreturn]] void bad(const std::string& why) {
  throw RecordLineError(why);
}

// Reads "name" / "name_base64" into bytes; absent → nullopt, unless
// `allow_json` lets a non-string JSON value stand for its compact text.
std::optional<std::string> read_bytes(const nlohmann::json& obj, const std::string& name, bool allow_json,
                                      bool& present) {
  const auto it = obj.find(name);
  const auto b64 = obj.find(name + "_base64");
  present = it != obj.end() || b64 != obj.end();
  if (it != obj.end() && b64 != obj.end()) {
    bad("both \"" + name + "\" and \"" + name + "_base64\" are set; use one");
  }
  if (b64 != obj.end()) {
    if (!b64->is_string()) {
      bad("\"" + name + "_base64\" must be a base64 string");
    }
    auto decoded = base64_decode(b64->get_ref<const std::string&>());
    if (!decoded) {
      bad("\"" + name + "_base64\" is not valid base64");
    }
    return decoded;
  }
  if (it == obj.end() || it->is_null()) {
    return std::nullopt;
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  if (allow_json) {
    return it->dump();
  }
  bad("\"" + name + "\" must be a string or null");
}

// A record line's "timestamp_type" (both parse paths).
TimestampType timestamp_type_named(std::string_view name) {
  if (name == "create") {
    return TimestampType::create_time;
  }
  if (name == "log_append") {
    return TimestampType::log_append_time;
  }
  bad("\"timestamp_type\" must be \"create\" or \"log_append\"");
}

}  // namespace

void append_record_line(std::string& out, const Record& r) {
  out += "{\"topic\":";
  append_json_string(out, r.topic);  // topic names are ASCII in Kafka
  out += ",\"partition\":";
  append_int(out, r.partition);
  out += ",\"offset\":";
  append_int(out, r.offset);
  if (r.timestamp >= 0) {
    out += ",\"timestamp\":";
    append_int(out, r.timestamp);
    if (const char* t = timestamp_type_name(r.timestamp_type)) {
      out += ",\"timestamp_type\":\"";
      out += t;
      out += '"';
    }
  }
  out += ',';
  append_bytes_field(out, "key", r.key);
  out += ',';
  append_bytes_field(out, "value", r.value);
  out += ",\"headers\":";
  append_headers_json(out, r.headers);
  out += "}\n";
}

void append_headers_json(std::string& out, const std::vector<Header>& headers) {
  out += '[';
  bool first = true;
  for (const auto& h : headers) {
    out += first ? "{" : ",{";
    first = false;
    append_bytes_field(out, "key", std::optional<std::string>(h.key));
    out += ',';
    append_bytes_field(out, "value", h.value);
    out += '}';
  }
  out += ']';
}

bool is_record_line(const nlohmann::json& j) {
  if (!j.is_object() || (!j.contains("value") && !j.contains("value_base64"))) {
    return false;
  }
  for (const auto& [k, v] : j.items()) {
    if (std::find(k_fields.begin(), k_fields.end(), k) == k_fields.end()) {
      return false;
    }
  }
  return true;
}

Record record_from_json(const nlohmann::json& j) {
  if (!j.is_object()) {
    bad("a record line must be a JSON object");
  }
  for (const auto& [k, v] : j.items()) {
    if (std::find(k_fields.begin(), k_fields.end(), k) == k_fields.end()) {
      bad("unknown field \"" + k + "\"");
    }
  }
  Record r;
  if (const auto it = j.find("topic"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) {
      bad("\"topic\" must be a string");
    }
    r.topic = it->get<std::string>();
  }
  const auto read_int = [&](const char* name, auto& target, int64_t min, int64_t max) {
    const auto it = j.find(name);
    if (it == j.end() || it->is_null()) {
      return;
    }
    if (!it->is_number_integer()) {
      bad(std::string("\"") + name + "\" must be an integer");
    }
    if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      bad(std::string("\"") + name + "\" is out of range");  // would wrap to a negative
    }
    const auto v = it->get<int64_t>();
    if (v < min || v > max) {
      bad(std::string("\"") + name + "\" is out of range");
    }
    target = static_cast<std::remove_reference_t<decltype(target)>>(v);
  };
  read_int("partition", r.partition, -1, INT32_MAX);
  read_int("offset", r.offset, -1, INT64_MAX);
  read_int("timestamp", r.timestamp, -1, INT64_MAX);
  if (const auto it = j.find("timestamp_type"); it != j.end() && !it->is_null()) {
    const auto* t = it->get_ptr<const std::string*>();
    r.timestamp_type = timestamp_type_named(t != nullptr ? std::string_view(*t) : std::string_view());
  }
  bool present = false;
  r.key = read_bytes(j, "key", false, present);
  r.value = read_bytes(j, "value", true, present);
  if (!present) {
    bad("missing \"value\" (use null for a Kafka NULL value)");
  }
  if (const auto it = j.find("headers"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) {
      bad("\"headers\" must be an array of {\"key\":…,\"value\":…} objects");
    }
    size_t index = 0;
    for (const auto& h : *it) {
      const std::string where = "headers[" + std::to_string(index++) + "]";
      if (!h.is_object()) {
        bad(where + " must be an object with \"key\" and \"value\"");
      }
      for (const auto& [k, v] : h.items()) {
        if (k != "key" && k != "value" && k != "key_base64" && k != "value_base64") {
          bad(where + " has unknown field \"" + k + "\"");
        }
      }
      bool key_present = false;
      Header header;
      try {
        auto key = read_bytes(h, "key", false, key_present);
        if (!key) {
          bad("missing \"key\"");
        }
        header.key = std::move(*key);
        bool value_present = false;
        header.value = read_bytes(h, "value", false, value_present);
      } catch (const RecordLineError& e) {
        bad(where + ": " + e.what());
      }
      r.headers.push_back(std::move(header));
    }
  }
  return r;
}

namespace {

enum Field : size_t {
  f_topic,
  f_partition,
  f_offset,
  f_timestamp,
  f_timestamp_type,
  f_key,
  f_key_b64,
  f_value,
  f_value_b64,
  f_headers
};

// Sorts members into one slot per known name (the last of duplicates, as
// nlohmann keeps); the first unknown member, if any, in `unknown`.
template <size_t N>
void classify(const std::vector<JsonChild>& members, const std::array<std::string_view, N>& names,
              std::array<const JsonChild*, N>& slots, const JsonChild*& unknown, std::string& scratch) {
  slots.fill(nullptr);
  unknown = nullptr;
  for (const auto& m : members) {
    const auto name = child_name(m, scratch);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      unknown = unknown == nullptr ? &m : unknown;
    } else {
      slots[static_cast<size_t>(it - names.begin())] = &m;
    }
  }
}

constexpr std::array<std::string_view, 4> k_header_fields = {"key", "value", "key_base64", "value_base64"};

// `name` is the literal `lit` (of the same length, which the caller has
// checked): a compare of known size, inlined, not a call per member.
template <size_t N>
bool is_name(std::string_view name, const char (&lit)[N]) {
  return std::memcmp(name.data(), lit, N - 1) == 0;
}

// The record-line field a member name is (k_fields order), -1 for none.
// Every line asks this of each of its members: a switch on the length
// finds the one candidate to compare.
int field_index(std::string_view name) {
  switch (name.size()) {
    case 3:
      return is_name(name, "key") ? static_cast<int>(f_key) : -1;
    case 5:
      return is_name(name, "value")   ? static_cast<int>(f_value)
             : is_name(name, "topic") ? static_cast<int>(f_topic)
                                      : -1;
    case 6:
      return is_name(name, "offset") ? static_cast<int>(f_offset) : -1;
    case 7:
      return is_name(name, "headers") ? static_cast<int>(f_headers) : -1;
    case 9:
      return is_name(name, "timestamp")   ? static_cast<int>(f_timestamp)
             : is_name(name, "partition") ? static_cast<int>(f_partition)
                                          : -1;
    case 10:
      return is_name(name, "key_base64") ? static_cast<int>(f_key_b64) : -1;
    case 12:
      return is_name(name, "value_base64") ? static_cast<int>(f_value_b64) : -1;
    case 14:
      return is_name(name, "timestamp_type") ? static_cast<int>(f_timestamp_type) : -1;
    default:
      return -1;
  }
}

}  // namespace

void RecordLineParser::classify_fields() {
  m_slots.fill(nullptr);
  m_unknown = nullptr;
  // The last of duplicates wins, as nlohmann keeps it.
  for (const auto& m : m_scan.children()) {
    const int field = field_index(child_name(m, m_name));
    if (field < 0) {
      m_unknown = m_unknown == nullptr ? &m : m_unknown;
    } else {
      m_slots[static_cast<size_t>(field)] = &m;
    }
  }
  m_classified = true;
}

bool RecordLineParser::is_record_line() {
  if (m_scan.root_kind() != JsonKind::object) {
    return false;
  }
  // Every plain JSON line asks: stop at the first name that is not a
  // record-line field (usually the first member). A record line's fields
  // are kept for to_record().
  m_slots.fill(nullptr);
  m_unknown = nullptr;
  for (const auto& m : m_scan.children()) {
    const int field = field_index(child_name(m, m_name));
    if (field < 0) {
      return false;
    }
    m_slots[static_cast<size_t>(field)] = &m;
  }
  m_classified = true;
  return m_slots[f_value] != nullptr || m_slots[f_value_b64] != nullptr;
}

bool RecordLineParser::read_bytes(const JsonChild* it, const JsonChild* b64, std::string_view name,
                                  bool allow_json, std::optional<std::string>& out) {
  if (it != nullptr && b64 != nullptr) {
    bad("both \"" + std::string(name) + "\" and \"" + std::string(name) + "_base64\" are set; use one");
  }
  if (b64 != nullptr) {
    if (b64->kind != JsonKind::string) {
      bad("\"" + std::string(name) + "_base64\" must be a base64 string");
    }
    out = base64_decode(child_string(*b64, m_text));  // rare: a fresh buffer is fine
    if (!out) {
      bad("\"" + std::string(name) + "_base64\" is not valid base64");
    }
    return true;
  }
  if (it == nullptr || it->kind == JsonKind::null) {
    out.reset();
    return it != nullptr;
  }
  if (!out) {
    out.emplace();
  }
  // Decoded straight into the record's buffer: no allocation once warm.
  if (it->kind == JsonKind::string) {
    assign_child_string(*it, *out);
  } else if (allow_json) {
    out->assign(it->raw);  // exactly as written: no reordering, no rounding
  } else {
    bad("\"" + std::string(name) + "\" must be a string or null");
  }
  return true;
}

void RecordLineParser::to_record(Record& r) {
  if (m_scan.root_kind() != JsonKind::object) {
    bad("a record line must be a JSON object");
  }
  if (!m_classified) {
    classify_fields();
  }
  if (m_unknown != nullptr) {
    bad("unknown field \"" + std::string(child_name(*m_unknown, m_name)) + "\"");
  }
  r.topic.clear();
  r.partition = -1;
  r.offset = -1;
  r.timestamp = -1;
  r.timestamp_type = TimestampType::none;
  if (const auto* it = m_slots[f_topic]; it != nullptr && it->kind != JsonKind::null) {
    if (it->kind != JsonKind::string) {
      bad("\"topic\" must be a string");
    }
    r.topic.assign(child_string(*it, m_text));
  }
  const auto read_int = [&](Field field, auto& target, int64_t min, int64_t max) {
    const auto* it = m_slots[field];
    if (it == nullptr || it->kind == JsonKind::null) {
      return;
    }
    const auto name = k_fields[field];
    if (it->kind != JsonKind::number || !is_integer_number_text(it->raw)) {
      bad("\"" + std::string(name) + "\" must be an integer");
    }
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(it->raw.data(), it->raw.data() + it->raw.size(), v);
    if (ec != std::errc() || v < min || v > max) {
      bad("\"" + std::string(name) + "\" is out of range");
    }
    target = static_cast<std::remove_reference_t<decltype(target)>>(v);
  };
  read_int(f_partition, r.partition, -1, INT32_MAX);
  read_int(f_offset, r.offset, -1, INT64_MAX);
  read_int(f_timestamp, r.timestamp, -1, INT64_MAX);
  if (const auto* it = m_slots[f_timestamp_type]; it != nullptr && it->kind != JsonKind::null) {
    const auto t = it->kind == JsonKind::string ? child_string(*it, m_text) : std::string_view();
    r.timestamp_type = timestamp_type_named(t);
  }
  read_bytes(m_slots[f_key], m_slots[f_key_b64], "key", false, r.key);
  if (!read_bytes(m_slots[f_value], m_slots[f_value_b64], "value", true, r.value)) {
    bad("missing \"value\" (use null for a Kafka NULL value)");
  }
  const auto* headers = m_slots[f_headers];
  if (headers == nullptr || headers->kind == JsonKind::null) {
    r.headers.clear();
    return;
  }
  if (headers->kind != JsonKind::array) {
    bad("\"headers\" must be an array of {\"key\":…,\"value\":…} objects");
  }
  if (headers->raw.size() == 2) {
    r.headers.clear();
    return;  // "[]", what tail writes for most records
  }
  // Already validated: these scans only list the children.
  m_headers.scan(headers->raw);
  std::array<const JsonChild*, 4> slots{};
  const JsonChild* unknown = nullptr;
  // The record's header slots are overwritten in place and the rest cut
  // off at the end: their strings keep their buffers from line to line.
  size_t n = 0;
  for (const auto& h : m_headers.children()) {
    const auto where = [&] { return "headers[" + std::to_string(n) + "]"; };
    if (h.kind != JsonKind::object) {
      bad(where() + " must be an object with \"key\" and \"value\"");
    }
    m_header.scan(h.raw);
    classify(m_header.children(), k_header_fields, slots, unknown, m_name);
    if (unknown != nullptr) {
      bad(where() + " has unknown field \"" + std::string(child_name(*unknown, m_name)) + "\"");
    }
    if (n == r.headers.size()) {
      r.headers.emplace_back();
    }
    Header& header = r.headers[n];
    try {
      read_bytes(slots[0], slots[2], "key", false, m_key);
      if (!m_key) {
        bad("missing \"key\"");
      }
      header.key.assign(*m_key);
      read_bytes(slots[1], slots[3], "value", false, header.value);
    } catch (const RecordLineError& e) {
      bad(where() + ": " + e.what());
    }
    ++n;
  }
  r.headers.resize(n);
}

Record parse_record_line(std::string_view line) {
  // One pass, exact value bytes; nlohmann only names what is wrong.
  thread_local RecordLineParser parser;
  if (parser.scan(line)) {
    Record r;
    parser.to_record(r);
    return r;
  }
  // nlohmann stops at a NUL as if the input ended there.
  if (const auto nul = line.find('\0'); nul != std::string_view::npos) {
    throw RecordLineError("not JSON: a NUL byte at offset " + std::to_string(nul));
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message carries the byte position; keep it short.
    std::string what = e.what();
    const auto pos = what.find("parse error");
    throw RecordLineError("not JSON: " + (pos == std::string::npos ? what : what.substr(pos)));
  }
  return record_from_json(j);
}

}  // namespace evt::codec
