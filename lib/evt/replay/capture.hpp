#pragma once
// Replaying a capture (`evt tail --out FILE` record lines) into a topic,
// resumable by input line, optionally with fields redacted. The checkpoint
// is a small state file next to the capture,
//   <capture>.evt-replay-<run id>.state
// holding the next line to copy and the same destination scan starts as a
// topic copy (docs/replay.md); it is replaced atomically (write + rename).

#include "evt/filter/filter.hpp"
#include "evt/replay/copy.hpp"
#include "evt/replay/redact.hpp"

#include <string>

namespace evt::replay {

// What to replay and how.
struct CaptureRequest {
  std::string path;
  const Redactor* redactor = nullptr;  // null: nothing redacted
};

// The state file of a run over a capture.
std::string capture_state_path(const std::string& capture, const std::string& run_id);

// Copies the capture's record lines to the destination. Each line keeps its
// key, value and headers; it goes to its own partition when the
// destination has it (--partition-by same insists on it), else by key.
// Provenance: evt_replay_src = "<capture file name>/0@<line number>".
// Throws InputError naming file:line for a line that is not a record line
// (after saving the checkpoint up to it).
CopyReport replay_capture(const CaptureRequest& request, const Destination& destination,
                          const filter::RecordFilter& filter, const CopyOptions& options);

}  // namespace evt::replay
