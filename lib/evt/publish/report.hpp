#pragma once
// The words `evt publish` uses on stderr: rejected lines, undelivered
// lines, the progress line and the summary. Pure text; the caller prints.

#include "evt/output/progress.hpp"
#include "evt/publish/publish.hpp"

#include <optional>
#include <string>
#include <vector>

namespace evt::publish {

// "FILE:LINE: /pointer: reason" for a schema error, "FILE:LINE: reason"
// otherwise; terminal-safe. `input` is the name as given ("-" = stdin).
std::string describe_rejection(const std::string& input, uint64_t line, const Rejection& why);

// "FILE:LINE: not delivered: ERROR" (or "FILE:FIRST-LAST: …").
std::string describe_failure(const std::string& input, const FailedLines& failure);

// "sent 10, rejected 0, failed 0 in 0.12 s (83 records/s, 0.0 MB/s)";
// a dry run says "dry run: would send 10, rejected 0".
std::string summary_text(const PublishResult& result, bool dry_run);

// The run so far for the live progress line (output::Progress): "sent
// 120000 (12.0 MB), in flight 5, rejected 0, failed 0 — 98000 records/s, …".
output::ProgressSnapshot progress_snapshot(const PublishCounts& counts, double seconds);

// "FILE:LINE: the record is N bytes (above --warn-size W)"; terminal-safe.
std::string describe_large(const std::string& input, uint64_t line, size_t bytes,
                           const std::string& warn_size);

// Why reading stopped early ("stopped at FILE:LINE: …", "interrupted: …"),
// or nullopt: no early stop, a single event's rejection (already said), or
// a client error (the caller reports the error itself).
std::optional<std::string> describe_stop(const PublishResult& result, const std::vector<std::string>& inputs,
                                         bool single);

// "N record(s) above --warn-size W", or nullopt when none was.
std::optional<std::string> large_summary(const PublishResult& result, const std::string& warn_size);

}  // namespace evt::publish
