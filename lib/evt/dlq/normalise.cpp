#include "evt/dlq/normalise.hpp"

namespace evt::dlq {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_word(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// 8-4-4-4-12 hex digits at `s`'s start.
bool uuid_at(std::string_view s) {
  if (s.size() < 36) {
    return false;
  }
  for (size_t i = 0; i < 36; ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) {
      return false;
    }
  }
  return s.size() == 36 || !is_word(s[36]);
}

// A whole word that is a hex id.
bool hex_word(std::string_view w) {
  if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
    w.remove_prefix(2);
    for (const char c : w) {
      if (!is_hex(c)) {
        return false;
      }
    }
    return true;
  }
  bool digit = false;
  bool letter = false;
  for (const char c : w) {
    if (!is_hex(c)) {
      return false;
    }
    digit = digit || is_digit(c);
    letter = letter || !is_digit(c);
  }
  return w.size() >= 8 && digit && letter;
}

// Appends a word with its digit runs (and a decimal fraction) masked.
void mask_digits(std::string& out, std::string_view w) {
  size_t i = 0;
  while (i < w.size()) {
    if (!is_digit(w[i])) {
      out += w[i++];
      continue;
    }
    while (i < w.size() && is_digit(w[i])) {
      ++i;
    }
    out += k_mask_number;
  }
}

}  // namespace

std::string normalise_message(std::string_view message) {
  const bool cut = message.size() > k_normalise_limit;
  if (cut) {
    message = message.substr(0, k_normalise_limit);
  }
  std::string out;
  out.reserve(message.size());
  size_t i = 0;
  while (i < message.size()) {
    const char c = message[i];
    const bool boundary = i == 0 || !is_word(message[i - 1]);
    if (boundary && is_hex(c) && uuid_at(message.substr(i))) {
      out += k_mask_uuid;
      i += 36;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      // A quoted value ends at the same quote; an unmatched quote is kept.
      const auto close = message.find(c, i + 1);
      if (close != std::string_view::npos) {
        out += k_mask_quoted;
        i = close + 1;
        continue;
      }
      out += c;
      ++i;
      continue;
    }
    if (is_word(c)) {
      size_t j = i;
      while (j < message.size() && is_word(message[j])) {
        ++j;
      }
      const auto word = message.substr(i, j - i);
      if (hex_word(word)) {
        out += k_mask_hex;
      } else {
        mask_digits(out, word);
      }
      i = j;
      // "12.5": the fraction belongs to the number.
      if (!word.empty() && is_digit(word.back()) && i + 1 < message.size() && message[i] == '.' &&
          is_digit(message[i + 1])) {
        ++i;
        while (i < message.size() && is_digit(message[i])) {
          ++i;
        }
      }
      continue;
    }
    if (is_space(c)) {
      while (i < message.size() && is_space(message[i])) {
        ++i;
      }
      if (!out.empty() && i < message.size()) {
        out += ' ';
      }
      continue;
    }
    out += c;
    ++i;
  }
  if (cut) {
    out += "…";
  }
  return out;
}

}  // namespace evt::dlq
