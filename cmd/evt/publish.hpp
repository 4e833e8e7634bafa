#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt publish` (send events from flags or JSON Lines) and
// `evt partition-of` (where a key lands, Java-compatible).
void add_publish(CLI::App& root, Globals& g);

} // namespace evt::cli
