#pragma once
// The record line: evt's lossless JSON Lines form of a Kafka record, written
// by `evt tail -o jsonl` and `--out`, read by `evt publish` and `evt replay`.
// Schema: schemas/record-line.schema.json. Example:
//   {"topic":"orders","partition":0,"offset":7,"timestamp":1763900000000,
//    "key":"c-1","value":"{\"id\":1}","headers":[{"key":"ce_type","value":"OrderPlaced"}]}
// Bytes that are valid UTF-8 are JSON strings; other bytes use the sibling
// field "<name>_base64"; a Kafka NULL is JSON null; "" is an empty value.
// Headers keep their order and duplicates.

#include "evt/record.hpp"

#include <nlohmann/json_fwd.hpp>

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
// compact JSON text of the value (handy for hand-written input).
// Throws RecordLineError naming the field and the problem.
Record parse_record_line(std::string_view line);

// The same from an already parsed JSON value.
Record record_from_json(const nlohmann::json& j);

// True when a parsed JSON value looks like a record line: an object whose
// keys are all record-line fields and that has a value field.
bool is_record_line(const nlohmann::json& j);

}  // namespace evt::codec
