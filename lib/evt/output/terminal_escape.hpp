#pragma once

#include <string>
#include <string_view>

namespace evt::output {

// Appends `bytes` to `out` so that it is safe for a terminal: control
// characters (C0, DEL, C1), bidi marks, overrides and isolates (U+200E,
// U+200F, U+061C, U+202A–U+202E, U+2066–U+2069) and invalid UTF-8 become
// visible escapes
// (\n, \t, \x1b, \x9b, …), so nothing from the network can move the cursor,
// change colours, set the title (OSC) or hide text. Valid UTF-8 is kept.
void append_terminal_safe(std::string& out, std::string_view bytes);

// The same, returning a new string.
std::string terminal_safe(std::string_view bytes);

// The same, but line breaks and tabs are kept as they are: for multi-line
// text such as a handler's stderr relayed to the user's terminal.
std::string terminal_safe_lines(std::string_view bytes);

// True when `bytes` is valid UTF-8 without control characters other than
// \t, \n and \r, i.e. it can be shown as text.
bool is_printable_utf8(std::string_view bytes);

}  // namespace evt::output
