#pragma once
// Guards from the event-driven playbook that publish applies to every
// record before it is sent: a size limit and a payment-card (PAN) check.

#include "evt/record.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace evt::publish {

// Size limits for one record, counted as key + value + header bytes.
struct SizeLimits {
  size_t warn_bytes = 64 * 1024;   // warn above this
  size_t max_bytes = 1024 * 1024;  // refuse above this
};

// The bytes a record carries: key, value, header keys and values.
size_t record_size(const Record& record);

// True when the digits pass the Luhn (mod 10) check; digits only.
bool luhn_valid(std::string_view digits);

// Where a card-like number starts in the bytes, or nullopt: a run of 13–19
// digits (single spaces or dashes allowed between digits) that starts with
// 2–6 (the card networks' ranges; a millisecond timestamp starts with 1)
// and passes the Luhn check, with no digit right before or after it.
std::optional<size_t> find_card_number(std::string_view bytes);

// Parses a byte count: "1000", "64KiB", "64K", "1MiB", "1M" (K/M/G are
// binary multiples). Throws UsageError naming `flag` when malformed.
size_t parse_byte_size(std::string_view text, std::string_view flag);

}  // namespace evt::publish
