#include "evt/dlq/numbers.hpp"

#include <charconv>

namespace evt::dlq {
namespace {

Decoded wrong_length(std::string_view bytes, std::string_view expected) {
  return {0, std::to_string(bytes.size()) + " byte(s), expected " + std::string(expected)};
}

// Sign-extends `bytes` (1-8, big-endian) into an int64.
int64_t big_endian(std::string_view bytes) {
  uint64_t v = (static_cast<unsigned char>(bytes[0]) & 0x80U) != 0 ? ~uint64_t{0} : 0;
  for (const char c : bytes) {
    v = (v << 8U) | static_cast<unsigned char>(c);
  }
  return static_cast<int64_t>(v);
}

}  // namespace

Decoded big_endian_int32(std::string_view bytes) {
  if (bytes.size() != 4) {
    return wrong_length(bytes, "4 (big-endian int32)");
  }
  return {big_endian(bytes), {}};
}

Decoded big_endian_int64(std::string_view bytes) {
  if (bytes.size() != 8) {
    return wrong_length(bytes, "8 (big-endian int64)");
  }
  return {big_endian(bytes), {}};
}

Decoded big_endian_minimal(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > 8) {
    return wrong_length(bytes, "1 to 8 (big-endian integer)");
  }
  return {big_endian(bytes), {}};
}

Decoded decimal(std::string_view text) {
  int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec == std::errc::result_out_of_range) {
    return {0, text.empty() ? "empty, expected a decimal number" : "out of range for a 64-bit number"};
  }
  if (ec != std::errc() || p != end) {
    return {0, "not a decimal number"};
  }
  return {v, {}};
}

}  // namespace evt::dlq
