#pragma once

// One name table per enum: the parser, CLI11's check and shell completion
// all read the same names, so they cannot drift apart.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt {

// True when `a` and `b` are equal ignoring ASCII case (other bytes compare exactly).
constexpr bool equals_ascii_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
    y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
    if (x != y) {
      return false;
    }
  }
  return true;
}

// One accepted name of an enum value; aliases are accepted but not offered.
template <typename E>
struct NameEntry {
  std::string_view name;
  E value;
  bool alias = false;
};

// The names of an enum's values, canonical name first for each value.
template <typename E, std::size_t N>
class NameTable {
 public:
  constexpr explicit NameTable(std::array<NameEntry<E>, N> entries) : m_entries(entries) {}

  // The value named `text` (ASCII case-insensitive), aliases included.
  constexpr std::optional<E> find(std::string_view text) const {
    for (const auto& e : m_entries) {
      if (equals_ascii_nocase(e.name, text)) {
        return e.value;
      }
    }
    return std::nullopt;
  }

  // The canonical name of `value` ("" when the table does not name it).
  constexpr std::string_view name(E value) const {
    for (const auto& e : m_entries) {
      if (!e.alias && e.value == value) {
        return e.name;
      }
    }
    return {};
  }

  // The canonical names in table order (what help and completion offer).
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : m_entries) {
      if (!e.alias) {
        out.emplace_back(e.name);
      }
    }
    return out;
  }

  // "a, b or c": the canonical names for a message.
  std::string list() const {
    const auto all = names();
    std::string out;
    for (std::size_t i = 0; i < all.size(); ++i) {
      out += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + all[i];
    }
    return out;
  }

  constexpr const std::array<NameEntry<E>, N>& entries() const { return m_entries; }

 private:
  std::array<NameEntry<E>, N> m_entries;
};

// Deduces N: make_name_table<Mode>({{{"a", Mode::a}, {"b", Mode::b}}}).
template <typename E, std::size_t N>
constexpr NameTable<E, N> make_name_table(const NameEntry<E> (&entries)[N]) {
  std::array<NameEntry<E>, N> a{};
  for (std::size_t i = 0; i < N; ++i) {
    a[i] = entries[i];
  }
  return NameTable<E, N>(a);
}

}  // namespace evt
