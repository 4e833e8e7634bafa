#pragma once
// One pass over a JSON text: strict validation (what nlohmann::json::parse
// accepts, except that numbers are never converted, so `1e400` is JSON
// here) and the exact source spans of the root's direct children. No DOM,
// no recursion, no allocation once the scanner's buffers are warm; the
// record-line fast path of `evt publish` and `evt replay --from-file`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evt::codec {

// The JSON type of a scanned value.
enum class JsonKind : unsigned char { null, boolean, number, string, object, array };

// One direct child of the scanned root: an object member or array element.
struct JsonChild {
  std::string_view name;      // a member's name as written (no quotes, escapes kept)
  bool name_escaped = false;  // the name contains backslash escapes
  JsonKind kind = JsonKind::null;
  std::string_view raw;  // the exact text of the value (strings with quotes)
  bool escaped = false;  // a string value containing backslash escapes
};

// One value of a scanned text on the tape, in document order: a container
// comes before its contents, which end at `end`.
struct JsonTapeEntry {
  std::string_view name;  // an object member's name as written (no quotes, escapes kept)
  std::string_view raw;   // a scalar's exact text (strings with quotes); empty for containers
  uint32_t end = 0;       // the index one past this value and everything inside it
  uint32_t count = 0;     // a container's direct children
  JsonKind kind = JsonKind::null;
  bool escaped = false;       // a string value containing backslash escapes
  bool name_escaped = false;  // the name contains backslash escapes
};

// Decodes the inside of a string the scanner accepted (escapes resolved).
void decode_json_string(std::string_view inner, std::string& out);

// Whether a JSON number's text is an integer (no fraction, no exponent).
// A byte loop: string_view::find_first_of(".eE") calls memchr per byte.
inline bool is_integer_number_text(std::string_view raw) {
  for (const char c : raw) {
    if (c == '.' || c == 'e' || c == 'E') {
      return false;
    }
  }
  return true;
}

// The decoded name of a member, or its raw text when it has no escapes.
std::string_view child_name(const JsonChild& child, std::string& scratch);

// The decoded string value of a child of kind string.
std::string_view child_string(const JsonChild& child, std::string& scratch);

// child_string() written into `out` itself (no copy through a scratch buffer).
void assign_child_string(const JsonChild& child, std::string& out);

// The decoded name of a tape entry (an object member), or its raw text.
std::string_view entry_name(const JsonTapeEntry& entry, std::string& scratch);

// The decoded string value of a tape entry of kind string.
std::string_view entry_string(const JsonTapeEntry& entry, std::string& scratch);

// Validates one JSON text and lists its root's children; reused between texts.
class JsonScanner {
 public:
  // True when `text` is exactly one JSON value (surrounded by optional
  // whitespace, after an optional UTF-8 byte order mark) with valid UTF-8
  // strings. On false, error_offset() is where the text went wrong.
  bool scan(std::string_view text);

  JsonKind root_kind() const { return m_root_kind; }
  std::string_view root_raw() const { return m_root_raw; }
  // Members (object root) or elements (array root); empty otherwise.
  const std::vector<JsonChild>& children() const { return m_children; }
  size_t error_offset() const { return m_error_offset; }

  // Asks later scans to list every value on the tape (for checks that
  // need the whole tree, e.g. a compiled schema); off by default.
  void record_tape(bool on) { m_want_tape = on; }
  // After a successful scan with the tape on: every value, root first.
  const std::vector<JsonTapeEntry>& tape() const { return m_tape; }
  // The deepest nesting of arrays and objects in the text scanned last.
  size_t max_depth() const { return m_max_depth; }
  // The text has a number that a double might not hold (an exponent, or
  // hundreds of digits): valid JSON, but nlohmann refuses an overflow.
  bool has_huge_number() const { return m_huge_number; }

 private:
  std::vector<JsonChild> m_children;
  std::vector<char> m_stack;  // '{' or '[' per open container
  JsonKind m_root_kind = JsonKind::null;
  std::string_view m_root_raw;
  size_t m_error_offset = 0;
  std::vector<JsonTapeEntry> m_tape;
  std::vector<uint32_t> m_open;  // tape indexes of the open containers
  size_t m_max_depth = 0;
  bool m_want_tape = false;
  bool m_tape_on = false;  // this scan records the tape
  bool m_huge_number = false;
};

}  // namespace evt::codec
