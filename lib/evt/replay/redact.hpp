#pragma once
// --redact for capture replays: named fields replaced by a keyed hash
// (HMAC-SHA256, lower-case hex). A plain hash of a card number or an email
// can be reversed by trying every candidate; a keyed one cannot without the
// key, yet stays the same for the same input and key, so joins across
// topics still work.

#include "evt/record.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace evt::replay {

// One field to redact.
struct RedactPath {
  enum class Kind { key, header, value } kind = Kind::value;
  std::string header;              // Kind::header: the header name
  std::vector<std::string> steps;  // Kind::value: dotted path into the JSON value
};

// Parses "key", "header:NAME" or "a.b.c". Throws UsageError.
RedactPath parse_redact_path(std::string_view text);

// HMAC-SHA256 of `data` under `key`, as 64 lower-case hex digits.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// The HMAC key: the content of `key_file` (trailing newlines removed), or
// $EVT_REDACT_KEY when no file is named. Throws UsageError when the file
// cannot be read. Never printed.
std::string read_redact_key(const std::string& key_file);

// Applies redactions to records.
class Redactor {
 public:
  Redactor(std::vector<RedactPath> paths, std::string key);

  // Replaces every named field present in the record (in place): the key
  // bytes, each header of that name (null stays null), and the JSON value
  // at a path (a string's text, or another value's compact JSON, hashed to
  // a JSON string). Values that are not JSON, or lack the path, are left
  // as they are. Returns the number of fields replaced.
  size_t apply(Record& record) const;

  bool empty() const { return m_paths.empty(); }

 private:
  std::vector<RedactPath> m_paths;
  std::string m_key;
};

}  // namespace evt::replay
