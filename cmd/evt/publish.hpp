#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt publish`: send events from flags or JSON Lines.
void add_publish(CLI::App& root, Globals& g);

}  // namespace evt::cli
