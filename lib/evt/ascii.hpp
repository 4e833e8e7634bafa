#pragma once
// ASCII case folding for names and keywords (config keys, API names,
// position keywords, header names): locale-independent, bytes >= 0x80 kept.

#include <string>
#include <string_view>

namespace evt {

// `c` lower-cased if it is an ASCII capital letter.
constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// `s` with every ASCII capital letter lower-cased.
std::string ascii_lower(std::string_view s);

// True when `a` and `b` are equal ignoring ASCII case.
bool ascii_iequals(std::string_view a, std::string_view b) noexcept;

// True when `s` starts with `prefix`, ignoring ASCII case.
bool ascii_istarts_with(std::string_view s, std::string_view prefix) noexcept;

}  // namespace evt
