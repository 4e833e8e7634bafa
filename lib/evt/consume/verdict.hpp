#pragma once
// What a handler's end means for its record (the verdict table of
// man/evt-consume.1): exit 0 done; 75 (EX_TEMPFAIL) retry; 65 (EX_DATAERR)
// permanent, straight to the dead letters; any other exit, a signal or the
// timeout: failed, retried.

#include "evt/consume/child_process.hpp"

#include <optional>
#include <string>

namespace evt::consume {

// The sysexits codes evt gives a meaning.
inline constexpr int k_exit_tempfail = 75;
inline constexpr int k_exit_dataerr = 65;

// The three things that can happen to a record after an attempt.
enum class Verdict { done, retry, permanent };

// An attempt's verdict and, when it did not succeed, why ("exit:3",
// "exit:65", "signal:SEGV", "timeout", or a pipe handler's reason).
struct AttemptResult {
  Verdict verdict = Verdict::done;
  std::string error;             // empty when done
  std::optional<int> exit_code;  // set when the process exited
  std::string detail;            // the handler's stderr tail or its reason
};

// The verdict for a per-record handler process that ended as `end`.
AttemptResult verdict_of(const ProcessEnd& end);

// "SEGV" for SIGSEGV (the name without SIG), or the number as text.
std::string signal_name(int signal);

}  // namespace evt::consume
