#pragma once

#include <chrono>
#include <string>

namespace evt::output {

// A duration as messages show it (timeouts): below 10 s with up to
// millisecond precision and no trailing zeros ("0.5 s", "2.25 s", "2 s"),
// from 10 s on in whole seconds ("30 s"). Negative durations show as "0 s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace evt::output
