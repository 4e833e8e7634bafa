#pragma once

#include <string>
#include <string_view>

namespace evt::codec {

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view bytes);

// Appends `text` (valid UTF-8) as a quoted JSON string. Besides what JSON
// requires, DEL, the C1 controls (U+0080–U+009F) and bidi controls
// (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069) are escaped too, so
// the output is safe to show on a terminal.
void append_json_string(std::string& out, std::string_view text);

// Serialised JSON (e.g. nlohmann's dump, which leaves UTF-8 as is) with
// DEL, C1 and bidi controls inside its strings rewritten as \u escapes: the
// same JSON value, safe on a terminal. Such bytes only occur inside strings.
std::string terminal_safe_json(std::string_view json_text);

}  // namespace evt::codec
