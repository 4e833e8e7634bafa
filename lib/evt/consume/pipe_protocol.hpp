#pragma once
// The --pipe protocol: evt writes one record line (the JSONL of
// `evt tail -o jsonl`) per record to the handler's stdin and reads one
// verdict line per record, in the same order, from its stdout:
//   ok                      done
//   retry [REASON]          transient failure: retried with backoff
//   fail [REASON]           permanent failure: dead letter at once
// or the same as a JSON object: {"verdict":"ok"|"retry"|"fail","reason":"…"}.

#include "evt/consume/verdict.hpp"

#include <optional>
#include <string_view>

namespace evt::consume {

// Parses one verdict line (without its newline; a trailing \r is ignored).
// Error classes: "verdict:retry", "verdict:fail"; the reason goes to
// `detail`. nullopt when the line is not a verdict.
std::optional<AttemptResult> parse_verdict_line(std::string_view line);

}  // namespace evt::consume
