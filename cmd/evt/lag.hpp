#pragma once

#include "cli.hpp"

namespace evt::cli {

// Registers `evt lag`: consumer-group lag per partition, topic and group.
void add_lag(CLI::App& root, Globals& g);

}  // namespace evt::cli
