#include "evt/codec/cloudevents.hpp"

#include "evt/ascii.hpp"
#include "evt/codec/base64.hpp"
#include "evt/codec/json_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>

namespace evt::codec {
namespace {

constexpr char k_hex[] = "0123456789abcdef";
// "000102…feff": a byte's two hex digits at 2 × byte.
constexpr std::array<char, 512> k_hex_pairs = [] {
  std::array<char, 512> t{};
  for (size_t b = 0; b < 256; ++b) {
    t[2 * b] = k_hex[b >> 4];
    t[2 * b + 1] = k_hex[b & 0xf];
  }
  return t;
}();

// One generator per thread, seeded from the OS: ids only need to be
// unique, not secret, and std::random_device per id would be slow.
std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  return gen;
}

void append_hex(std::string& out, uint64_t bits, int digits) {
  for (int i = digits - 1; i >= 0; --i) {
    out += k_hex[(bits >> (4 * i)) & 0xf];
  }
}

bool is_lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// `replace`: the record may already carry a header of this name.
void set_header(Record& record, std::string_view key, std::string_view value, std::vector<Header>* spare,
                bool replace) {
  // Drop what an input record line carried under the same name, so the
  // record never has two different ce_type headers.
  if (replace) {
    std::erase_if(record.headers, [&](const Header& h) { return h.key == key; });
  }
  if (spare == nullptr || spare->empty()) {
    record.headers.push_back(Header{std::string(key), std::string(value)});
    return;
  }
  // Six headers per event: reusing an earlier record's strings saves as
  // many allocations (ids, times and content types outgrow the SSO).
  record.headers.push_back(std::move(spare->back()));
  spare->pop_back();
  auto& h = record.headers.back();
  h.key.assign(key);
  if (h.value) {
    h.value->assign(value);
  } else {
    h.value.emplace(value);
  }
}

// The characters of an RFC 3986 URI-reference besides %HH: unreserved and
// reserved ASCII, as a table (a source is checked for every event).
constexpr std::array<bool, 256> k_uri_chars = [] {
  std::array<bool, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (int c = 'A'; c <= 'Z'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (int c = '0'; c <= '9'; ++c) {
    t[static_cast<size_t>(c)] = true;
  }
  for (const char c : std::string_view("-._~:/?#[]@!$&'()*+,;=")) {
    t[static_cast<unsigned char>(c)] = true;
  }
  return t;
}();

void append_member(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  append_json_string(out, name);
  out += ':';
  append_json_string(out, value);
}

}  // namespace

void assign_uuid_v4(std::string& out) {
  auto& gen = generator();
  uint64_t hi = gen();
  uint64_t lo = gen();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10xx
  // Written into a fixed buffer, then one assign: a publish sends one id
  // per event, and `out` keeps its capacity between events.
  std::array<char, 36> text{};
  size_t at = 0;
  // Two digits per table lookup (digits is even).
  const auto put = [&](uint64_t bits, int digits) {
    for (int i = digits / 2 - 1; i >= 0; --i) {
      std::memcpy(&text[at], &k_hex_pairs[2 * ((bits >> (8 * i)) & 0xff)], 2);
      at += 2;
    }
  };
  put(hi >> 32, 8);
  text[at++] = '-';
  put((hi >> 16) & 0xffff, 4);
  text[at++] = '-';
  put(hi & 0xffff, 4);
  text[at++] = '-';
  put(lo >> 48, 4);
  text[at++] = '-';
  put(lo & 0xffffffffffffULL, 12);
  out.assign(text.data(), text.size());
}

std::string uuid_v4() {
  std::string out;
  assign_uuid_v4(out);
  return out;
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(when.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  auto frac = static_cast<int>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 96> buf{};  // room for any int fields, so no truncation
  std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf.data();
}

std::string new_traceparent() {
  auto& gen = generator();
  uint64_t t1 = 0;
  uint64_t t2 = 0;
  uint64_t p = 0;
  // All-zero ids are invalid; the odds are nil, but keep the promise.
  while (t1 == 0 && t2 == 0) {
    t1 = gen();
    t2 = gen();
  }
  while (p == 0) {
    p = gen();
  }
  std::string out = "00-";
  out.reserve(55);
  append_hex(out, t1, 16);
  append_hex(out, t2, 16);
  out += '-';
  append_hex(out, p, 16);
  out += "-01";
  return out;
}

bool is_valid_traceparent(std::string_view v) {
  // 00-<32 hex>-<16 hex>-<2 hex>, lower case; version ff is forbidden and
  // only version 00's exact length is accepted here.
  if (v.size() != 55 || v[2] != '-' || v[35] != '-' || v[52] != '-') {
    return false;
  }
  const auto version = v.substr(0, 2);
  const auto trace = v.substr(3, 32);
  const auto parent = v.substr(36, 16);
  const auto flags = v.substr(53, 2);
  return version == "00" && is_lower_hex(trace) && is_lower_hex(parent) && is_lower_hex(flags) &&
         !all_zero(trace) && !all_zero(parent);
}

bool is_valid_extension_name(std::string_view name) {
  return !name.empty() && name.size() <= 20 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

bool is_uri_reference(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        return false;
      }
      i += 2;
    } else if (!k_uri_chars[c]) {
      return false;
    }
  }
  // "a:b" is a scheme "a"; a relative reference may not have a ':' in its
  // first segment, so whatever precedes that first ':' must be a scheme.
  const size_t colon = s.find(':');
  const size_t delimiter = s.find_first_of("/?#");
  if (colon != std::string_view::npos && (delimiter == std::string_view::npos || colon < delimiter)) {
    const auto scheme = s.substr(0, colon);
    if (scheme.empty() || !std::isalpha(static_cast<unsigned char>(scheme[0]))) {
      return false;
    }
    return std::all_of(scheme.begin(), scheme.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
    });
  }
  return true;
}

bool is_json_media_type(std::string_view ct) {
  std::string lower(ct.substr(0, ct.find(';')));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  while (!lower.empty() && lower.back() == ' ') {
    lower.pop_back();
  }
  return lower == "application/json" || lower == "text/json" || lower.ends_with("+json");
}

std::string_view content_type_for(std::optional<std::string_view> data, bool data_is_json) {
  if (!data) {
    return "";
  }
  if (data_is_json) {
    return "application/json";
  }
  return is_valid_utf8(*data) ? "text/plain; charset=utf-8" : "application/octet-stream";
}

std::optional<std::string> invalid_attribute(const CloudEventAttributes& a, bool has_data,
                                             bool data_is_json) {
  if (a.specversion != "1.0") {
    return "CloudEvents attribute 'specversion' must be 1.0, not '" + a.specversion + "'";
  }
  if (a.id.empty()) {
    return std::string("CloudEvents attribute 'id' is empty");
  }
  if (a.source.empty()) {
    return std::string("CloudEvents attribute 'source' is empty");
  }
  if (!is_uri_reference(a.source)) {
    return "CloudEvents attribute 'source' is not a URI-reference: '" + a.source +
           "' (percent-encode spaces and other characters, e.g. %20)";
  }
  if (a.type.empty()) {
    return std::string("CloudEvents attribute 'type' is empty");
  }
  if (!a.dataschema.empty() && !is_uri_reference(a.dataschema)) {
    return "CloudEvents attribute 'dataschema' is not a URI: '" + a.dataschema + "'";
  }
  if (has_data && !data_is_json && is_json_media_type(a.datacontenttype)) {
    return "CloudEvents attribute 'datacontenttype' is " + a.datacontenttype +
           " but the data is not JSON (give another --content-type, or leave it out to have it set from the "
           "data)";
  }
  return std::nullopt;
}

namespace {

// a == b, inline for the short texts of an envelope (a call to memcmp per
// header name and value was a noticeable share of the envelope's cost).
bool same_text(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) {
    return false;
  }
  if (n >= 8 && n <= 16) {
    uint64_t a0 = 0;
    uint64_t a1 = 0;
    uint64_t b0 = 0;
    uint64_t b1 = 0;
    std::memcpy(&a0, a.data(), 8);
    std::memcpy(&b0, b.data(), 8);
    std::memcpy(&a1, a.data() + n - 8, 8);
    std::memcpy(&b1, b.data() + n - 8, 8);
    return a0 == b0 && a1 == b1;
  }
  if (n < 8) {
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

// Calls set(name, value) for each binary-mode header of the attributes, in order.
template <class Set>
void for_each_binary_header(const CloudEventAttributes& a, Set&& set) {
  set("ce_specversion", a.specversion);
  set("ce_id", a.id);
  set("ce_source", a.source);
  set("ce_type", a.type);
  if (!a.time.empty()) {
    set("ce_time", a.time);
  }
  if (!a.subject.empty()) {
    set("ce_subject", a.subject);
  }
  if (!a.dataschema.empty()) {
    set("ce_dataschema", a.dataschema);
  }
  for (const auto& [name, value] : a.extensions) {
    set("ce_" + name, value);
  }
  if (!a.datacontenttype.empty()) {
    set("content-type", a.datacontenttype);
  }
}

}  // namespace

void apply_binary_envelope(Record& record, const CloudEventAttributes& a, std::vector<Header>* spare) {
  // The envelope's own names are distinct: only headers the record came
  // with (a record line's) can clash, so without any the search is skipped.
  const bool replace = !record.headers.empty();
  if (!replace && spare != nullptr && !spare->empty()) {
    // The headers of an earlier record of the run, rewritten in place: the
    // same names in the same order and mostly the same values, so most
    // strings are only compared (a copy or a move of each was the largest
    // share of the envelope's cost).
    size_t at = 0;
    for_each_binary_header(a, [&](std::string_view key, std::string_view value) {
      if (at == spare->size()) {
        spare->push_back(Header{std::string(key), std::string(value)});
      } else {
        auto& h = (*spare)[at];
        if (!same_text(h.key, key)) {
          h.key.assign(key);
        }
        if (!h.value) {
          h.value.emplace(value);
        } else if (!same_text(*h.value, value)) {
          h.value->assign(value);
        }
      }
      ++at;
    });
    spare->erase(spare->begin() + static_cast<std::ptrdiff_t>(at), spare->end());
    record.headers.swap(*spare);  // `spare` keeps the record's (empty) vector
    return;
  }
  for_each_binary_header(a, [&](std::string_view key, std::string_view value) {
    set_header(record, key, value, spare, replace);
  });
}

void append_structured_event(std::string& out, const CloudEventAttributes& a,
                             std::optional<std::string_view> data, bool data_is_json) {
  out += "{\"specversion\":";
  append_json_string(out, a.specversion);
  append_member(out, "id", a.id);
  append_member(out, "source", a.source);
  append_member(out, "type", a.type);
  if (!a.time.empty()) {
    append_member(out, "time", a.time);
  }
  if (!a.subject.empty()) {
    append_member(out, "subject", a.subject);
  }
  if (!a.dataschema.empty()) {
    append_member(out, "dataschema", a.dataschema);
  }
  if (!a.datacontenttype.empty()) {
    append_member(out, "datacontenttype", a.datacontenttype);
  }
  for (const auto& [name, value] : a.extensions) {
    append_member(out, name, value);
  }
  if (!data) {
    // no data member
  } else if (data_is_json) {
    out += ",\"data\":";
    out += *data;
  } else if (is_valid_utf8(*data) && !a.datacontenttype.empty() && !is_json_media_type(a.datacontenttype)) {
    append_member(out, "data", *data);
  } else {
    append_member(out, "data_base64", base64_encode(*data));
  }
  out += '}';
}

void apply_structured_envelope(Record& record, const CloudEventAttributes& a, bool data_is_json) {
  std::string value;
  std::optional<std::string_view> data;
  if (record.value) {
    data = *record.value;
    value.reserve(record.value->size() + 256);
  }
  append_structured_event(value, a, data, data_is_json);
  record.value = std::move(value);
  set_header(record, "content-type", k_structured_content_type, nullptr, true);
}

std::optional<std::string_view> header_value(const RecordView& record, std::string_view key) {
  for (const auto& h : record.headers) {
    if (h.key == key) {
      return h.value;
    }
  }
  return std::nullopt;
}

bool is_structured_cloudevent(const RecordView& record) {
  const auto ct = header_value(record, "content-type");
  constexpr std::string_view k_prefix = "application/cloudevents";
  return ct && ascii_istarts_with(*ct, k_prefix);
}

}  // namespace evt::codec
