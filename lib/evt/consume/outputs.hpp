#pragma once
// `--to TOPIC`: each line a handler writes on stdout becomes an event on
// TOPIC — a record line (evt tail -o jsonl) or any other JSON value (the
// value as written, with the input's key) — carrying the input's
// correlation id and trace context.

#include "evt/record.hpp"

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// The handler wrote something that is not an event; what() says which line.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The events of one handler run's stdout, for `topic`, with the input's
// context propagated (see propagate_context). Blank lines are ignored.
// Throws OutputError for a line that is not JSON or a bad record line.
std::vector<Record> handler_outputs(std::string_view stdout_text, const Record& input,
                                    const std::string& topic);

// Copies the input's correlation id (ce_correlationid, else its CloudEvents
// id) to `out` as ce_correlationid, and its trace context (traceparent
// and/or ce_traceparent) with the same trace id and a new parent span id —
// unless `out` already carries them.
void propagate_context(Record& out, const Record& input);

}  // namespace evt::consume
