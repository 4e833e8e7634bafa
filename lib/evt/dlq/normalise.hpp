#pragma once
// Error messages with the variable parts masked, so that failures that
// differ only in ids, numbers or quoted values group together:
//   "Order 42 for 'acme' not found (id 3f2a…)" -> "Order <n> for <q> not found (id <uuid>)"

#include <cstddef>
#include <string>
#include <string_view>

namespace evt::dlq {

// Masks of the normaliser.
inline constexpr std::string_view k_mask_number = "<n>";
inline constexpr std::string_view k_mask_uuid = "<uuid>";
inline constexpr std::string_view k_mask_hex = "<hex>";
inline constexpr std::string_view k_mask_quoted = "<q>";

// Bytes of a message the normaliser reads (the rest is cut: "…").
inline constexpr size_t k_normalise_limit = 512;

// Masks UUIDs, hex ids (0x…, or 8+ hex digits with a digit), numbers
// (digit runs, also inside words, with a decimal fraction) and quoted
// values ('…', "…", `…`), and collapses whitespace runs into one space.
// Linear in the input; reads at most k_normalise_limit bytes.
std::string normalise_message(std::string_view message);

}  // namespace evt::dlq
