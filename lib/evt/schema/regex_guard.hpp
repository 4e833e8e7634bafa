#pragma once
// valijson matches "pattern", "patternProperties" and the date and time
// "format"s with std::regex, which recurses once per character of the text
// it matches: a long enough string overflows any stack (a 30 KB string
// against "^[a-z]+$" crashed an 8 MiB one). For schemas that use them,
// events are checked only when every string and member name is at most
// k_max_regex_text_bytes long, and only on a thread with a big stack
// (run_with_big_stack's 256 MiB: 4 KiB per character of that limit).

#include <rapidjson/document.h>
#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

namespace evt::schema {

inline constexpr std::size_t k_max_regex_text_bytes = 64u << 10;

// Whether valijson would use std::regex for this schema document, or for
// it and the documents its $refs fetched.
bool uses_std_regex(const nlohmann::json& schema);
bool uses_std_regex(const nlohmann::json& schema, const std::deque<nlohmann::json>& fetched);

// The length of the first string or member name of `event` longer than
// k_max_regex_text_bytes, if any.
std::optional<std::size_t> text_over_regex_limit(const nlohmann::json& event);
// The same for an event read with RapidJSON (publish's fast check).
std::optional<std::size_t> text_over_regex_limit(const rapidjson::Value& event);

// What to say about an event with such a text.
std::string regex_limit_message(std::size_t bytes);

}  // namespace evt::schema
