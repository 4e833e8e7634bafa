#include "evt/consume/verdict.hpp"

#include <cstring>

namespace evt::consume {

std::string signal_name(int signal) {
  if (const char* abbrev = ::sigabbrev_np(signal)) {
    return abbrev;
  }
  return std::to_string(signal);
}

AttemptResult verdict_of(const ProcessEnd& end) {
  AttemptResult r;
  // A process killed for running too long is a timeout whatever it exited with.
  if (end.timed_out) {
    r.verdict = Verdict::retry;
    r.error = "timeout";
    if (end.exited) {
      r.exit_code = end.exit_code;
    }
    return r;
  }
  if (!end.exited) {
    r.verdict = Verdict::retry;
    r.error = "signal:" + signal_name(end.signal);
    return r;
  }
  r.exit_code = end.exit_code;
  if (end.exit_code == 0) {
    r.verdict = Verdict::done;
    return r;
  }
  r.verdict = end.exit_code == k_exit_dataerr ? Verdict::permanent : Verdict::retry;
  r.error = "exit:" + std::to_string(end.exit_code);
  return r;
}

}  // namespace evt::consume
