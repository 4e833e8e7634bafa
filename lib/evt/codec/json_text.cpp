#include "evt/codec/json_text.hpp"

#include "evt/codec/utf8.hpp"

#include <cstdint>

namespace evt::codec {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // Fast path over ASCII, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t chunk = 0;
      for (int k = 0; k < 8; ++k) {
        chunk |= static_cast<uint64_t>(p[i + k]) << (8 * k);
      }
      if ((chunk & 0x8080808080808080ULL) != 0) {
        break;
      }
      i += 8;
    }
    if (i >= n) {
      break;
    }
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t len = decode_utf8(s, i, cp);
    if (len == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

// True for the UTF-8 continuation bytes (after E2) of a bidi mark,
// embedding, override or isolate: U+200E..U+200F (80 8E..8F), U+202A..U+202E
// (80 AA..AE), U+2066..U+2069 (81 A6..A9).
bool is_bidi_control(char second, char third) {
  const auto b1 = static_cast<unsigned char>(second);
  const auto b2 = static_cast<unsigned char>(third);
  return (b1 == 0x80 && (b2 == 0x8e || b2 == 0x8f)) || (b1 == 0x80 && b2 >= 0xaa && b2 <= 0xae) ||
         (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9);
}

// True at U+061C ARABIC LETTER MARK (D8 9C), the other bidi mark.
bool is_arabic_letter_mark(std::string_view text, size_t i) {
  return static_cast<unsigned char>(text[i]) == 0xd8 && i + 1 < text.size() &&
         static_cast<unsigned char>(text[i + 1]) == 0x9c;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  size_t run_start = 0;
  const auto flush_run = [&](size_t end) { out.append(text.data() + run_start, end - run_start); };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const char* simple = nullptr;
    switch (c) {
      case '"':
        simple = "\\\"";
        break;
      case '\\':
        simple = "\\\\";
        break;
      case '\n':
        simple = "\\n";
        break;
      case '\t':
        simple = "\\t";
        break;
      case '\r':
        simple = "\\r";
        break;
      default:
        break;
    }
    if (simple != nullptr) {
      flush_run(i);
      out += simple;
      run_start = i + 1;
    } else if (c < 0x20 || c == 0x7f) {
      flush_run(i);
      out += "\\u00";
      out += k_hex[c >> 4];
      out += k_hex[c & 0xf];
      run_start = i + 1;
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      // U+0080..U+009F: C1 controls, encoded in UTF-8 as C2 80..C2 9F.
      const auto c1 = static_cast<unsigned char>(text[i + 1]);
      flush_run(i);
      out += "\\u00";
      out += k_hex[c1 >> 4];
      out += k_hex[c1 & 0xf];
      ++i;
      run_start = i + 1;
    } else if (c == 0xe2 && i + 2 < text.size() && is_bidi_control(text[i + 1], text[i + 2])) {
      // U+202A..U+202E and U+2066..U+2069 reorder text on screen ("Trojan
      // Source"): written as \u escapes, the JSON means the same.
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      const unsigned cp = 0x2000U | ((b1 & 0x3fU) << 6) | (b2 & 0x3fU);
      flush_run(i);
      out += "\\u";
      out += k_hex[(cp >> 12) & 0xf];
      out += k_hex[(cp >> 8) & 0xf];
      out += k_hex[(cp >> 4) & 0xf];
      out += k_hex[cp & 0xf];
      i += 2;
      run_start = i + 1;
    } else if (is_arabic_letter_mark(text, i)) {
      flush_run(i);
      out += "\\u061c";
      ++i;
      run_start = i + 1;
    }
  }
  flush_run(text.size());
  out += '"';
}

std::string terminal_safe_json(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  const auto append_u = [&](unsigned cp) {
    out += "\\u";
    out += k_hex[(cp >> 12) & 0xf];
    out += k_hex[(cp >> 8) & 0xf];
    out += k_hex[(cp >> 4) & 0xf];
    out += k_hex[cp & 0xf];
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == 0x7f) {
      append_u(c);
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      append_u(static_cast<unsigned char>(text[i + 1]));
      ++i;
    } else if (c == 0xe2 && i + 2 < text.size() && is_bidi_control(text[i + 1], text[i + 2])) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      append_u(0x2000U | ((b1 & 0x3fU) << 6) | (b2 & 0x3fU));
      i += 2;
    } else if (is_arabic_letter_mark(text, i)) {
      append_u(0x061cU);
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace evt::codec
