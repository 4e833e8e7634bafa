#include "evt/output/terminal_escape.hpp"

#include "evt/codec/utf8.hpp"

#include <array>

namespace evt::output {
namespace {

constexpr std::array<char, 16> k_hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                        '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void append_hex_escape(std::string& out, unsigned char c) {
  out += "\\x";
  out += k_hex[c >> 4];
  out += k_hex[c & 0xf];
}

// Length of a valid UTF-8 sequence starting at i (1-4), or 0 if invalid
// or a C1 control: those (U+0080..U+009F) are as dangerous as C0 ones
// (CSI = U+009B).
size_t utf8_sequence_length(std::string_view s, size_t i) {
  uint32_t cp = 0;
  const size_t len = codec::decode_utf8(s, i, cp);
  if (cp >= 0x80 && cp <= 0x9f) {
    return 0;
  }
  // Bidi embeddings, overrides and isolates reorder what follows them on
  // screen ("Trojan Source" spoofing): escaped like C1 controls.
  // The implicit marks (LRM, RLM, ALM) reorder neighbouring text as well.
  if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
      cp == 0x061c) {
    return 0;
  }
  return len;
}

}  // namespace

void append_terminal_safe(std::string& out, std::string_view bytes) {
  out.reserve(out.size() + bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f) {
      if (c == '\\') {
        out += "\\\\";
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          append_hex_escape(out, c);
          break;
      }
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(bytes, i);
    if (len == 0) {
      append_hex_escape(out, c);
      ++i;
    } else {
      out.append(bytes.substr(i, len));
      i += len;
    }
  }
}

std::string terminal_safe(std::string_view bytes) {
  std::string out;
  append_terminal_safe(out, bytes);
  return out;
}

bool is_printable_utf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f) {
        return false;
      }
      ++i;
      continue;
    }
    const size_t len = utf8_sequence_length(bytes, i);
    if (len == 0) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string terminal_safe_lines(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t start = 0;
  while (start <= bytes.size()) {
    size_t end = bytes.find_first_of("\n\t", start);
    if (end == std::string_view::npos) {
      append_terminal_safe(out, bytes.substr(start));
      break;
    }
    append_terminal_safe(out, bytes.substr(start, end - start));
    out += bytes[end];
    start = end + 1;
  }
  return out;
}

}  // namespace evt::output
