#include "evt/output/record_format.hpp"

#include "evt/codec/base64.hpp"
#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"

#include <array>
#include <charconv>
#include <chrono>

namespace evt::output {

std::optional<RecordStyle> parse_record_style(std::string_view name) {
  return k_record_styles.find(name);
}

BinaryDisplay parse_binary_display(std::string_view name) {
  if (const auto display = k_binary_displays.find(name)) {
    return *display;
  }
  throw UsageError("invalid --binary '" + std::string(name) + "'", "use " + k_binary_displays.list());
}

void append_decimal(std::string& out, int64_t v) {
  std::array<char, 24> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), end);
}

void append_rfc3339_ms(std::string& out, int64_t ms) {
  if (ms < 0) {
    out += '-';
    return;
  }
  // RFC 3339 has four-digit years: past 9999-12-31T23:59:59.999Z (a
  // producer's garbage timestamp) the milliseconds are shown as they are.
  constexpr int64_t k_last_rfc3339_ms = 253402300799999;
  if (ms > k_last_rfc3339_ms) {
    append_decimal(out, ms);
    return;
  }
  using namespace std::chrono;
  const sys_days days{floor<std::chrono::days>(milliseconds(ms))};
  const year_month_day ymd{days};
  const int64_t in_day = ms - duration_cast<milliseconds>(days.time_since_epoch()).count();
  std::array<char, 32> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ",
                              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                              static_cast<unsigned>(ymd.day()), static_cast<int>(in_day / 3'600'000),
                              static_cast<int>(in_day / 60'000 % 60), static_cast<int>(in_day / 1000 % 60),
                              static_cast<int>(in_day % 1000));
  out.append(buf.data(), static_cast<size_t>(n));
}

void append_display_bytes(std::string& out, std::string_view bytes, bool escape, BinaryDisplay binary) {
  if (binary != BinaryDisplay::escape && !is_printable_utf8(bytes)) {
    if (binary == BinaryDisplay::base64) {
      out += codec::base64_encode(bytes);
      return;
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    for (const char c : bytes) {
      const auto b = static_cast<unsigned char>(c);
      out += k_hex[b >> 4];
      out += k_hex[b & 0xf];
    }
    return;
  }
  if (escape) {
    append_terminal_safe(out, bytes);
  } else {
    out.append(bytes);
  }
}

RecordFormatter::RecordFormatter(FormatOptions options) : m_options(std::move(options)) {
  if (m_options.style == RecordStyle::templated) {
    m_template = compile_template(m_options.template_text);
  }
}

bool RecordFormatter::needs_headers() const {
  switch (m_options.style) {
    case RecordStyle::raw:
      return false;
    case RecordStyle::templated:
      return template_uses_headers(m_template);
    default:
      return true;
  }
}

void RecordFormatter::append(std::string& out, const RecordView& record) {
  switch (m_options.style) {
    case RecordStyle::jsonl:
      copy_record(record, m_scratch);
      codec::append_record_line(out, m_scratch);
      return;
    case RecordStyle::raw:
      if (record.value) {
        append_display_bytes(out, *record.value, m_options.terminal_safe, m_options.binary);
      }
      out += '\n';
      return;
    case RecordStyle::templated:
      append_template(out, record);
      return;
    case RecordStyle::pretty:
      append_pretty(out, record);
      return;
  }
}

void RecordFormatter::append_template(std::string& out, const RecordView& r) const {
  const bool esc = m_options.terminal_safe;
  const auto bytes = [&](std::string_view b) { append_display_bytes(out, b, esc, m_options.binary); };
  for (const auto& piece : m_template) {
    switch (piece.token) {
      case TemplateToken::literal:
        out += piece.text;
        break;
      case TemplateToken::topic:
        bytes(r.topic);
        break;
      case TemplateToken::partition:
        append_decimal(out, r.partition);
        break;
      case TemplateToken::offset:
        append_decimal(out, r.offset);
        break;
      case TemplateToken::key:
        if (r.key) {
          bytes(*r.key);
        }
        break;
      case TemplateToken::value:
        if (r.value) {
          bytes(*r.value);
        }
        break;
      case TemplateToken::headers: {
        bool first = true;
        for (const auto& h : r.headers) {
          out += first ? "" : ",";
          first = false;
          bytes(h.key);
          if (h.value) {
            out += '=';
            bytes(*h.value);
          }
        }
        break;
      }
      case TemplateToken::timestamp:
        append_decimal(out, r.timestamp);
        break;
      case TemplateToken::value_size:
        append_decimal(out, r.value ? static_cast<int64_t>(r.value->size()) : -1);
        break;
      case TemplateToken::key_size:
        append_decimal(out, r.key ? static_cast<int64_t>(r.key->size()) : -1);
        break;
      case TemplateToken::time:
        append_rfc3339_ms(out, r.timestamp);
        break;
    }
  }
}

}  // namespace evt::output
