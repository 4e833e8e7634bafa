#include "evt/publish/guards.hpp"

#include "evt/error.hpp"

#include <array>
#include <charconv>
#include <string>

namespace evt::publish {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr size_t k_min_card_digits = 13;
constexpr size_t k_max_card_digits = 19;

}  // namespace

size_t record_size(const Record& r) {
  size_t n = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& h : r.headers) {
    n += h.key.size() + (h.value ? h.value->size() : 0);
  }
  return n;
}

bool luhn_valid(std::string_view digits) {
  if (digits.empty()) {
    return false;
  }
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!is_digit(*it)) {
      return false;
    }
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

namespace {

// A character that can be part of a grouped card number.
bool in_card_class(char c) {
  return is_digit(c) || c == ' ' || c == '-';
}

// Looks for a card-like run inside [lo, hi), a stretch of digits, spaces
// and dashes with no such character right before or after it.
std::optional<size_t> scan_stretch(std::string_view bytes, size_t lo, size_t hi) {
  size_t i = lo;
  while (i < hi) {
    if (!is_digit(bytes[i])) {
      ++i;
      continue;
    }
    // A maximal run: digits, each pair possibly split by one space or dash.
    const size_t start = i;
    size_t count = 0;
    for (;;) {
      ++count;
      ++i;
      if (i < hi && is_digit(bytes[i])) {
        continue;
      }
      if (i + 1 < hi && (bytes[i] == ' ' || bytes[i] == '-') && is_digit(bytes[i + 1])) {
        ++i;
        continue;
      }
      break;
    }
    if (count >= k_min_card_digits && count <= k_max_card_digits && bytes[start] >= '2' &&
        bytes[start] <= '6') {
      std::array<char, k_max_card_digits> digits{};
      size_t n = 0;
      for (size_t q = start; q < i; ++q) {
        if (is_digit(bytes[q])) {
          digits[n++] = bytes[q];
        }
      }
      if (luhn_valid(std::string_view(digits.data(), n))) {
        return start;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<size_t> find_card_number(std::string_view bytes) {
  // Every value of a publish passes through here. A card number spans at
  // least 13 characters of [0-9 -], so probing every 13th byte finds every
  // such stretch; only stretches that are hit are examined in detail.
  const size_t n = bytes.size();
  size_t examined = 0;  // bytes before this were examined
  size_t probe = k_min_card_digits - 1;
  while (probe < n) {
    if (!in_card_class(bytes[probe])) {
      probe += k_min_card_digits;
      continue;
    }
    size_t lo = probe;
    while (lo > examined && in_card_class(bytes[lo - 1])) {
      --lo;
    }
    size_t hi = probe + 1;
    while (hi < n && in_card_class(bytes[hi])) {
      ++hi;
    }
    if (hi - lo >= k_min_card_digits) {
      if (const auto at = scan_stretch(bytes, lo, hi)) {
        return at;
      }
    }
    examined = hi;
    probe = hi + k_min_card_digits;
  }
  return std::nullopt;
}

size_t parse_byte_size(std::string_view text, std::string_view flag) {
  size_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  const auto bad = [&] {
    return UsageError(std::string(flag) + ": '" + std::string(text) + "' is not a byte size",
                      "use a number of bytes, optionally with K, KiB, M or MiB");
  };
  if (ec != std::errc() || ptr == text.data()) {
    throw bad();
  }
  const std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  size_t multiplier = 1;
  if (unit.empty() || unit == "B") {
    multiplier = 1;
  } else if (unit == "K" || unit == "KiB" || unit == "k" || unit == "KB") {
    multiplier = size_t{1} << 10;
  } else if (unit == "M" || unit == "MiB" || unit == "MB") {
    multiplier = size_t{1} << 20;
  } else if (unit == "G" || unit == "GiB" || unit == "GB") {
    multiplier = size_t{1} << 30;
  } else {
    throw bad();
  }
  if (value > SIZE_MAX / multiplier) {
    throw bad();
  }
  return value * multiplier;
}

}  // namespace evt::publish
