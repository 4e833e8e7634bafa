#include "evt/ops/publish_guards.hpp"

#include "evt/error.hpp"

#include <array>
#include <charconv>
#include <string>

namespace evt::ops {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr size_t k_min_card_digits = 13;
constexpr size_t k_max_card_digits = 19;

} // namespace

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

std::optional<size_t> find_card_number(std::string_view bytes) {
  // Runs every value of a publish through here: one pass that only counts
  // digits, and a Luhn check only for runs of a card's length and prefix.
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p < end) {
    if (!is_digit(*p)) {
      ++p;
      continue;
    }
    // A maximal run: digits, each pair possibly split by one space or dash.
    const char* const start = p;
    size_t count = 0;
    for (;;) {
      ++count;
      ++p;
      if (p < end && is_digit(*p)) {
        continue;
      }
      if (p + 1 < end && (*p == ' ' || *p == '-') && is_digit(p[1])) {
        ++p;
        continue;
      }
      break;
    }
    if (count >= k_min_card_digits && count <= k_max_card_digits && *start >= '2' && *start <= '6') {
      std::array<char, k_max_card_digits> digits{};
      size_t n = 0;
      for (const char* q = start; q < p; ++q) {
        if (is_digit(*q)) {
          digits[n++] = *q;
        }
      }
      if (luhn_valid(std::string_view(digits.data(), n))) {
        return static_cast<size_t>(start - bytes.data());
      }
    }
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

} // namespace evt::ops
