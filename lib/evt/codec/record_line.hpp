#pragma once
// The record line: evt's lossless JSON Lines form of a Kafka record, written
// by `evt tail -o jsonl` and `--out`, read by `evt publish` and `evt replay`.
// Schema: schemas/record-line.schema.json. Example:
//   {"topic":"orders","partition":0,"offset":7,"timestamp":1763900000000,
//    "key":"c-1","value":"{\"id\":1}","headers":[{"key":"ce_type","value":"OrderPlaced"}]}
// Bytes that are valid UTF-8 are JSON strings; other bytes use the sibling
// field "<name>_base64"; a Kafka NULL is JSON null; "" is an empty value.
// Headers keep their order and duplicates.

#include "evt/codec/json_scan.hpp"
#include "evt/record.hpp"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace evt::codec {

// Thrown when a line is not a valid record line; what() says why.
class RecordLineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Appends the record as one JSON line (with the trailing '\n').
void append_record_line(std::string& out, const Record& record);

// Appends headers as the record line's "headers" array:
// [{"key":"k","value":"v"},{"key":"b","value_base64":"…"},{"key":"n","value":null}].
void append_headers_json(std::string& out, const std::vector<Header>& headers);

// Parses one record line. Fields other than value/key/headers are optional;
// a "value" that is a JSON object, array, number or boolean is taken as the
// exact text of the value in the line (handy for hand-written input).
// Throws RecordLineError naming the field and the problem.
Record parse_record_line(std::string_view line);

// The same from an already parsed JSON value; a non-string "value" becomes
// its compact dump (the DOM no longer knows the text). The reference path.
Record record_from_json(const nlohmann::json& j);

// Record lines read in one pass with no DOM, buffers reused between lines.
class RecordLineParser {
 public:
  // Scans one JSON text; false when it is not JSON (nlohmann names why).
  bool scan(std::string_view line) {
    m_classified = false;
    return m_scan.scan(line);
  }

  // After a successful scan(): is_record_line() of the scanned text.
  bool is_record_line();

  // After a successful scan(): the record, values and keys exact as in
  // the line. Throws RecordLineError like record_from_json.
  void to_record(Record& out);

  const JsonScanner& scanner() const { return m_scan; }

  // Lists every value of later scans on the scanner's tape (schema checks).
  void record_tape(bool on) { m_scan.record_tape(on); }

 private:
  // Reads field `name` (or its _base64 sibling) into `out`; false when absent.
  bool read_bytes(const JsonChild* plain, const JsonChild* b64, std::string_view name, bool allow_json,
                  std::optional<std::string>& out);

  JsonScanner m_scan;
  JsonScanner m_headers;                       // the "headers" array
  JsonScanner m_header;                        // one header object
  std::string m_name;                          // a decoded member name
  std::string m_text;                          // a decoded string value
  std::optional<std::string> m_key;            // a header's key, reused
  std::array<const JsonChild*, 10> m_slots{};  // the members by record-line field
  const JsonChild* m_unknown = nullptr;        // the first member of another name
  bool m_classified = false;                   // m_slots/m_unknown are of the last scan
  // Fills m_slots and m_unknown from the last scan.
  void classify_fields();
};

// True when a parsed JSON value looks like a record line: an object whose
// keys are all record-line fields and that has a value field.
bool is_record_line(const nlohmann::json& j);

}  // namespace evt::codec
