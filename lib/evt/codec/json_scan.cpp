#include "evt/codec/json_scan.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace evt::codec {
namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void skip_ws(const char*& p, const char* e) {
  while (p < e && is_ws(*p)) {
    ++p;
  }
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Four hex digits at p (p advanced past them); -1 when they are not.
long read_hex4(const char*& p, const char* e) {
  if (e - p < 4) {
    return -1;
  }
  long cp = 0;
  for (int i = 0; i < 4; ++i) {
    const int d = hex_digit(p[i]);
    if (d < 0) {
      return -1;
    }
    cp = cp * 16 + d;
  }
  p += 4;
  return cp;
}

bool is_cont(const char* p, const char* e, unsigned char lo = 0x80, unsigned char hi = 0xBF) {
  if (p >= e) {
    return false;
  }
  const auto c = static_cast<unsigned char>(*p);
  return c >= lo && c <= hi;
}

// One UTF-8 sequence of two or more bytes at p (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), as nlohmann's lexer checks it.
bool skip_utf8(const char*& p, const char* e) {
  const auto c = static_cast<unsigned char>(*p);
  int more = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    more = 1;
  } else if (c == 0xE0) {
    more = 2;
    lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    more = 2;
  } else if (c == 0xED) {
    more = 2;
    hi = 0x9F;
  } else if (c == 0xF0) {
    more = 3;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    more = 3;
  } else if (c == 0xF4) {
    more = 3;
    hi = 0x8F;
  } else {
    return false;
  }
  ++p;
  if (!is_cont(p, e, lo, hi)) {
    return false;
  }
  ++p;
  for (int i = 1; i < more; ++i, ++p) {
    if (!is_cont(p, e)) {
      return false;
    }
  }
  return true;
}

// The first byte at or after p that is not plain printable ASCII: a
// control character, '"', '\\' or a byte >= 0x80 (e when there is none).
// 16 bytes per step with SSE2, 8 with SWAR elsewhere: strings are most of
// an event's bytes, and a byte loop with four compares was the scanner's
// largest cost.
const char* skip_plain(const char* p, const char* e) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (e - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes >= 0x80 are negative, so "< 0x20" catches them too.
    const __m128i special = _mm_or_si128(
        _mm_cmplt_epi8(x, space), _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, backslash)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (mask != 0) {
      return p + __builtin_ctz(mask);
    }
    p += 16;
  }
#else
  constexpr uint64_t k_ones = 0x0101010101010101ULL;
  constexpr uint64_t k_highs = 0x8080808080808080ULL;
  const auto zero_bytes = [](uint64_t v) { return (v - k_ones) & ~v & k_highs; };
  while (e - p >= 8) {
    uint64_t x = 0;
    std::memcpy(&x, p, 8);
    if constexpr (std::endian::native == std::endian::big) {
      x = __builtin_bswap64(x);  // the first byte in the lowest bits
    }
    // The lowest flagged byte is exact (borrows only run upwards), which
    // is all that is needed: the first special byte.
    const uint64_t special = ((x - k_ones * 0x20) & ~x & k_highs) | zero_bytes(x ^ (k_ones * '"')) |
                             zero_bytes(x ^ (k_ones * '\\')) | (x & k_highs);
    if (special != 0) {
      return p + (__builtin_ctzll(special) >> 3);
    }
    p += 8;
  }
#endif
  while (p < e) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      break;
    }
    ++p;
  }
  return p;
}

// The first '\\' at or after p (e when there is none), copying [p, result)
// to w on the way. It may write up to 15 bytes past w + (result - p), but
// never more than e - p bytes in all.
const char* find_backslash_copying(const char* p, const char* e, char* w) {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  while (e - p >= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(w), x);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, backslash)));
    if (mask != 0) {
      return p + __builtin_ctz(mask);
    }
    p += 16;
    w += 16;
  }
#endif
  while (p < e && *p != '\\') {
    *w++ = *p++;
  }
  return p;
}

// A string at p (on its opening quote); p ends after the closing quote.
bool scan_string(const char*& p, const char* e, bool& escaped) {
  escaped = false;
  ++p;
  for (;;) {
    // Plain printable ASCII is nearly all of a typical event.
    p = skip_plain(p, e);
    if (p >= e) {
      return false;
    }
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') {
      ++p;
      return true;
    }
    if (c < 0x20) {
      return false;  // control characters must be escaped
    }
    if (c >= 0x80) {
      if (!skip_utf8(p, e)) {
        return false;
      }
      continue;
    }
    escaped = true;
    ++p;
    if (p >= e) {
      return false;
    }
    switch (*p++) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u': {
        const long cp = read_hex4(p, e);
        if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
          return false;  // a low surrogate without a high one
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (e - p < 2 || p[0] != '\\' || p[1] != 'u') {
            return false;
          }
          p += 2;
          const long low = read_hex4(p, e);
          if (low < 0xDC00 || low > 0xDFFF) {
            return false;
          }
        }
        break;
      }
      default:
        return false;
    }
  }
}

bool is_digit(const char* p, const char* e) {
  return p < e && *p >= '0' && *p <= '9';
}

// Digits beyond this many (with no exponent) could exceed a double's range.
constexpr ptrdiff_t k_safe_number_chars = 300;

// A number at p by the JSON grammar; never converted, so any size is fine.
// `huge` is set when a double might not hold it (an exponent, or very long).
bool scan_number(const char*& p, const char* e, bool& huge) {
  const char* const start = p;
  if (*p == '-') {
    ++p;
  }
  if (!is_digit(p, e)) {
    return false;
  }
  if (*p++ != '0') {
    while (is_digit(p, e)) {
      ++p;
    }
  }
  if (p < e && *p == '.') {
    ++p;
    if (!is_digit(p, e)) {
      return false;
    }
    while (is_digit(p, e)) {
      ++p;
    }
  }
  if (p < e && (*p == 'e' || *p == 'E')) {
    huge = true;
    ++p;
    if (p < e && (*p == '+' || *p == '-')) {
      ++p;
    }
    if (!is_digit(p, e)) {
      return false;
    }
    while (is_digit(p, e)) {
      ++p;
    }
  }
  if (p - start > k_safe_number_chars) {
    huge = true;
  }
  return true;
}

bool scan_literal(const char*& p, const char* e, std::string_view word) {
  if (static_cast<size_t>(e - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0) {
    return false;
  }
  p += word.size();
  return true;
}

// Writes code point cp as UTF-8 at out; returns the end.
char* put_utf8(char* out, unsigned long cp) {
  if (cp < 0x80) {
    *out++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out++ = static_cast<char>(0xC0 | (cp >> 6));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out++ = static_cast<char>(0xE0 | (cp >> 12));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out++ = static_cast<char>(0xF0 | (cp >> 18));
    *out++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

}  // namespace

void decode_json_string(std::string_view inner, std::string& out) {
  // Decoded text is never longer than its escaped form (\uXXXX is 6 bytes
  // for at most 3, a surrogate pair 12 for 4): write into the buffer
  // directly and cut it to length once, no append per character.
  out.resize(inner.size());
  char* w = out.data();
  const char* p = inner.data();
  const char* const e = p + inner.size();
  while (p < e) {
    // Copy up to the next backslash. The runs between escapes are a few
    // bytes in an escaped JSON value, where a memcpy call per run cost
    // more than the copy: copy 16 bytes at a time and keep the part
    // before the backslash. The store stays inside `out` (decoded text
    // never outruns the input, and 16 input bytes remain).
    const char* const run = p;
    p = find_backslash_copying(p, e, w);
    w += p - run;
    if (p >= e) {
      break;
    }
    ++p;  // the scanner has checked every escape
    switch (const char c = *p++) {
      case 'b':
        *w++ = '\b';
        break;
      case 'f':
        *w++ = '\f';
        break;
      case 'n':
        *w++ = '\n';
        break;
      case 'r':
        *w++ = '\r';
        break;
      case 't':
        *w++ = '\t';
        break;
      case 'u': {
        unsigned long cp = static_cast<unsigned long>(read_hex4(p, e));
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          p += 2;
          const auto low = static_cast<unsigned long>(read_hex4(p, e));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        w = put_utf8(w, cp);
        break;
      }
      default:
        *w++ = c;  // '"', '\\', '/'
    }
  }
  out.resize(static_cast<size_t>(w - out.data()));
}

namespace {

// `text` as it reads once decoded: itself, or its decoding in `scratch`.
std::string_view decoded(std::string_view text, bool escaped, std::string& scratch) {
  if (!escaped) {
    return text;
  }
  decode_json_string(text, scratch);
  return scratch;
}

// A string value's text between its quotes.
std::string_view inner(std::string_view raw) {
  return raw.substr(1, raw.size() - 2);
}

}  // namespace

std::string_view child_name(const JsonChild& child, std::string& scratch) {
  return decoded(child.name, child.name_escaped, scratch);
}

std::string_view child_string(const JsonChild& child, std::string& scratch) {
  return decoded(inner(child.raw), child.escaped, scratch);
}

void assign_child_string(const JsonChild& child, std::string& out) {
  if (child.escaped) {
    decode_json_string(inner(child.raw), out);
  } else {
    out.assign(inner(child.raw));
  }
}

std::string_view entry_name(const JsonTapeEntry& entry, std::string& scratch) {
  return decoded(entry.name, entry.name_escaped, scratch);
}

std::string_view entry_string(const JsonTapeEntry& entry, std::string& scratch) {
  return decoded(inner(entry.raw), entry.escaped, scratch);
}

bool JsonScanner::scan(std::string_view text) {
  m_children.clear();
  m_stack.clear();
  m_tape.clear();
  m_open.clear();
  m_root_raw = {};
  m_max_depth = 0;
  m_huge_number = false;
  // Tape indexes are 32-bit; texts that long (never a line) go without.
  m_tape_on = m_want_tape && text.size() < UINT32_MAX;
  const char* const begin = text.data();
  const char* const e = begin + text.size();
  const char* p = begin;
  const auto fail = [&] {
    m_error_offset = static_cast<size_t>(p - begin);
    return false;
  };
  if (text.size() >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
    p += 3;  // nlohmann skips a leading byte order mark too
  }
  skip_ws(p, e);
  const char* const root_start = p;
  const char* child_start = p;
  JsonChild pending;
  std::string_view member_name;  // the name of the member whose value comes next
  bool member_escaped = false;
  // Closes the innermost container on the tape: its extent is now known.
  const auto close_on_tape = [&] {
    if (m_tape_on) {
      m_tape[m_open.back()].end = static_cast<uint32_t>(m_tape.size());
      m_open.pop_back();
    }
  };
  // An explicit stack instead of recursion: any depth in bounded stack
  // space (the line reader bounds the text, so the container stack too).
  enum class Next { value, member, after_value };
  Next next = Next::value;
  for (;;) {
    if (next == Next::member) {
      if (p >= e || *p != '"') {
        return fail();
      }
      const char* const name = p;
      bool escaped = false;
      if (!scan_string(p, e, escaped)) {
        return fail();
      }
      member_name = std::string_view(name + 1, static_cast<size_t>(p - name - 2));
      member_escaped = escaped;
      if (m_stack.size() == 1) {
        pending.name = member_name;
        pending.name_escaped = escaped;
      }
      skip_ws(p, e);
      if (p >= e || *p != ':') {
        return fail();
      }
      ++p;
      skip_ws(p, e);
      next = Next::value;
      continue;
    }
    if (next == Next::value) {
      if (p >= e) {
        return fail();
      }
      const size_t depth = m_stack.size();
      if (depth == 1) {
        child_start = p;
      }
      size_t tape_at = 0;
      if (m_tape_on) {
        tape_at = m_tape.size();
        JsonTapeEntry& entry = m_tape.emplace_back();
        if (!m_open.empty()) {
          ++m_tape[m_open.back()].count;
          if (m_stack.back() == '{') {
            entry.name = member_name;
            entry.name_escaped = member_escaped;
          }
        }
        entry.raw = std::string_view(p, 0);
      }
      JsonKind kind = JsonKind::null;
      bool escaped = false;
      const char c = *p;
      if (c == '{' || c == '[') {
        kind = c == '{' ? JsonKind::object : JsonKind::array;
        if (depth == 0) {
          m_root_kind = kind;
        } else if (depth == 1) {
          pending.kind = kind;
          pending.escaped = false;
        }
        m_stack.push_back(c);
        m_max_depth = std::max(m_max_depth, m_stack.size());
        if (m_tape_on) {
          m_tape[tape_at].kind = kind;
          m_open.push_back(static_cast<uint32_t>(tape_at));
        }
        ++p;
        skip_ws(p, e);
        if (p < e && *p == (c == '{' ? '}' : ']')) {
          ++p;
          m_stack.pop_back();
          close_on_tape();
          next = Next::after_value;
        } else {
          next = c == '{' ? Next::member : Next::value;
          continue;
        }
      } else {
        bool ok = false;
        if (c == '"') {
          kind = JsonKind::string;
          ok = scan_string(p, e, escaped);
        } else if (c == 't') {
          kind = JsonKind::boolean;
          ok = scan_literal(p, e, "true");
        } else if (c == 'f') {
          kind = JsonKind::boolean;
          ok = scan_literal(p, e, "false");
        } else if (c == 'n') {
          kind = JsonKind::null;
          ok = scan_literal(p, e, "null");
        } else if (c == '-' || (c >= '0' && c <= '9')) {
          kind = JsonKind::number;
          ok = scan_number(p, e, m_huge_number);
        }
        if (!ok) {
          return fail();
        }
        if (depth == 0) {
          m_root_kind = kind;
        } else if (depth == 1) {
          pending.kind = kind;
          pending.escaped = escaped;
        }
        if (m_tape_on) {
          JsonTapeEntry& entry = m_tape[tape_at];
          entry.kind = kind;
          entry.escaped = escaped;
          entry.end = static_cast<uint32_t>(tape_at + 1);
          entry.raw = std::string_view(entry.raw.data(), static_cast<size_t>(p - entry.raw.data()));
        }
      }
    }
    // A value has just ended at p.
    const size_t depth = m_stack.size();
    if (depth == 0) {
      m_root_raw = std::string_view(root_start, static_cast<size_t>(p - root_start));
      break;
    }
    if (depth == 1) {
      // Field by field into the vector: a copy of the whole struct was
      // assembled from byte stores and read back as 16-byte words, a
      // store-forwarding stall that was half of this function's time.
      JsonChild& child = m_children.emplace_back();
      child.name = pending.name;
      child.name_escaped = pending.name_escaped;
      child.kind = pending.kind;
      child.raw = std::string_view(child_start, static_cast<size_t>(p - child_start));
      child.escaped = pending.escaped;
      pending.name = {};
      pending.name_escaped = false;
      pending.kind = JsonKind::null;
      pending.escaped = false;
    }
    skip_ws(p, e);
    if (p >= e) {
      return fail();
    }
    const char open = m_stack.back();
    if (*p == ',') {
      ++p;
      skip_ws(p, e);
      next = open == '{' ? Next::member : Next::value;
    } else if (*p == (open == '{' ? '}' : ']')) {
      ++p;
      m_stack.pop_back();
      close_on_tape();
      next = Next::after_value;
    } else {
      return fail();
    }
  }
  skip_ws(p, e);
  if (p != e) {
    return fail();
  }
  return true;
}

}  // namespace evt::codec
