// The pretty style: one block per record for people reading a terminal.
//
//   orders/2@17  2026-11-20T10:00:00.123Z  key: c-1
//     cloudevent (binary)  type: OrderPlaced  source: /shop  id: e-1  specversion: 1.0
//     header trace: abc
//     {
//       "id": 1
//     }
//
// Everything from the network goes through the terminal escaper or through
// JSON string escaping (which also escapes DEL and C1 controls).
#include "evt/codec/cloudevents.hpp"
#include "evt/codec/json_text.hpp"
#include "evt/output/record_format.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

namespace evt::output {
namespace {

constexpr std::string_view k_reset = "\x1b[0m";
constexpr std::string_view k_title = "\x1b[1;36m";
constexpr std::string_view k_dim = "\x1b[2m";
constexpr std::string_view k_key = "\x1b[33m";
constexpr std::string_view k_name = "\x1b[34m";
constexpr std::string_view k_event = "\x1b[35m";
constexpr std::string_view k_string = "\x1b[32m";

// Writes coloured text when colours are on; the text itself is ours.
struct Painter {
  std::string& out;
  bool color;
  void paint(std::string_view style, std::string_view text) const {
    if (color) {
      out += style;
      out += text;
      out += k_reset;
    } else {
      out += text;
    }
  }
  void begin(std::string_view style) const {
    if (color) {
      out += style;
    }
  }
  void end() const {
    if (color) {
      out += k_reset;
    }
  }
};

void indent(std::string& out, int depth) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
}

// An indented JSON printer: strings through append_json_string (terminal-safe),
// object keys coloured; nlohmann's own dump does not escape C1 controls.
void append_json(const Painter& p, const nlohmann::json& j, int depth) {
  std::string& out = p.out;
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      if (j.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [k, v] : j.items()) {
        out += first ? "" : ",\n";
        first = false;
        indent(out, depth + 1);
        p.begin(k_name);
        codec::append_json_string(out, k);
        p.end();
        out += ": ";
        append_json(p, v, depth + 1);
      }
      out += '\n';
      indent(out, depth);
      out += '}';
      return;
    }
    case nlohmann::json::value_t::array: {
      if (j.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const auto& v : j) {
        out += first ? "" : ",\n";
        first = false;
        indent(out, depth + 1);
        append_json(p, v, depth + 1);
      }
      out += '\n';
      indent(out, depth);
      out += ']';
      return;
    }
    case nlohmann::json::value_t::string:
      p.begin(k_string);
      codec::append_json_string(out, j.get_ref<const std::string&>());
      p.end();
      return;
    default:
      out += j.dump();
      return;
  }
}

// Text shown line by line under the record, each line escaped and indented.
void append_text_block(std::string& out, std::string_view text) {
  size_t pos = 0;
  for (;;) {
    const size_t nl = text.find('\n', pos);
    out += "  ";
    append_terminal_safe(out,
                         text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    out += '\n';
    if (nl == std::string_view::npos || nl + 1 == text.size()) {
      return;
    }
    pos = nl + 1;
  }
}

// Printing a parsed document recurses once per nesting level (append_json
// and nlohmann's dump); nlohmann's parser does not, so a hostile value of
// 100,000 nested arrays parses fine and then overflows the stack when
// printed. Deeper values are shown as text.
constexpr size_t k_max_pretty_depth = 512;

// True when the JSON text nests at most `limit` levels (a byte scan that
// skips strings; it does not validate).
bool nesting_within(std::string_view v, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : v) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > limit) {
        return false;
      }
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return true;
}

bool looks_like_json_container(std::string_view v) {
  for (const char c : v) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      continue;
    }
    return c == '{' || c == '[';
  }
  return false;
}

void append_value_block(const Painter& p, std::optional<std::string_view> value, BinaryDisplay binary) {
  std::string& out = p.out;
  if (!value) {
    out += "  ";
    p.paint(k_dim, "(null)");
    out += '\n';
    return;
  }
  if (value->empty()) {
    out += "  ";
    p.paint(k_dim, "(empty)");
    out += '\n';
    return;
  }
  if (looks_like_json_container(*value) && !nesting_within(*value, k_max_pretty_depth)) {
    out += "  ";
    p.paint(k_dim,
            "(JSON nested deeper than " + std::to_string(k_max_pretty_depth) + " levels, shown as text)");
    out += '\n';
  } else if (looks_like_json_container(*value)) {
    const auto j = nlohmann::json::parse(value->begin(), value->end(), nullptr, false);
    if (!j.is_discarded()) {
      out += "  ";
      append_json(p, j, 1);
      out += '\n';
      return;
    }
  }
  if (is_printable_utf8(*value)) {
    append_text_block(out, *value);
    return;
  }
  out += "  ";
  if (binary == BinaryDisplay::hex) {
    p.paint(k_dim, "hex: ");
  } else if (binary == BinaryDisplay::base64) {
    p.paint(k_dim, "base64: ");
  }
  append_display_bytes(out, *value, true, binary);
  out += '\n';
}

void append_attribute(const Painter& p, std::string_view name, std::string_view value) {
  p.out += "  ";
  // The name comes from the record too (a header or an envelope key).
  p.begin(k_name);
  append_terminal_safe(p.out, name);
  p.end();
  p.out += ": ";
  append_terminal_safe(p.out, value);
}

// Binary mode: ce_* headers are the attributes, content-type is datacontenttype.
void append_binary_event(const Painter& p, const RecordView& r) {
  p.out += "  ";
  p.paint(k_event, "cloudevent (binary)");
  for (const char* first : {"ce_type", "ce_source", "ce_id"}) {
    if (const auto v = codec::header_value(r, first)) {
      append_attribute(p, std::string_view(first).substr(3), *v);
    }
  }
  for (const auto& h : r.headers) {
    if (h.key.starts_with("ce_") && h.key != "ce_type" && h.key != "ce_source" && h.key != "ce_id") {
      append_attribute(p, h.key.substr(3), h.value.value_or(""));
    } else if (h.key == "content-type" && h.value) {
      append_attribute(p, "datacontenttype", *h.value);
    }
  }
  p.out += '\n';
}

std::string attribute_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Structured mode: the envelope's attributes on one line, then its data.
bool append_structured_event(const Painter& p, const RecordView& r, BinaryDisplay binary) {
  if (!nesting_within(*r.value, k_max_pretty_depth)) {
    return false;  // shown as a plain value, which says why
  }
  const auto j = nlohmann::json::parse(r.value->begin(), r.value->end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return false;
  }
  p.out += "  ";
  p.paint(k_event, "cloudevent (structured)");
  for (const char* first : {"type", "source", "id"}) {
    if (const auto it = j.find(first); it != j.end()) {
      append_attribute(p, first, attribute_text(*it));
    }
  }
  for (const auto& [k, v] : j.items()) {
    if (k != "type" && k != "source" && k != "id" && k != "data" && k != "data_base64") {
      append_attribute(p, k, attribute_text(v));
    }
  }
  p.out += '\n';
  if (const auto it = j.find("data"); it != j.end()) {
    if (it->is_object() || it->is_array()) {
      p.out += "  ";
      append_json(p, *it, 1);
      p.out += '\n';
    } else {
      const std::string text = attribute_text(*it);
      append_value_block(p, std::string_view(text), binary);
    }
  } else if (const auto b64 = j.find("data_base64"); b64 != j.end()) {
    append_attribute(p, "data_base64", attribute_text(*b64));
    p.out += '\n';
  }
  return true;
}

}  // namespace

void RecordFormatter::append_pretty(std::string& out, const RecordView& r) const {
  const Painter p{out, m_options.color};
  p.begin(k_title);
  append_terminal_safe(out, r.topic);
  out += '/';
  append_decimal(out, r.partition);
  out += '@';
  append_decimal(out, r.offset);
  p.end();
  out += "  ";
  p.begin(k_dim);
  append_rfc3339_ms(out, r.timestamp);
  p.end();
  if (r.key) {
    out += "  ";
    p.paint(k_key, "key: ");
    append_display_bytes(out, *r.key, true, m_options.binary);
  }
  out += '\n';
  const bool structured = r.value && codec::is_structured_cloudevent(r);
  const bool binary_event = !structured && codec::header_value(r, "ce_specversion").has_value();
  if (binary_event) {
    append_binary_event(p, r);
  }
  for (const auto& h : r.headers) {
    if (binary_event && (h.key.starts_with("ce_") || h.key == "content-type")) {
      continue;  // already shown as attributes
    }
    out += "  ";
    p.paint(k_name, "header ");
    append_terminal_safe(out, h.key);
    out += ": ";
    if (h.value) {
      append_display_bytes(out, *h.value, true, m_options.binary);
    } else {
      p.paint(k_dim, "(null)");
    }
    out += '\n';
  }
  if (!structured || !append_structured_event(p, r, m_options.binary)) {
    append_value_block(p, r.value, m_options.binary);
  }
  out += '\n';
}

}  // namespace evt::output
