#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt tail TOPIC...`: read records by position, filter them, show them.
void add_tail(CLI::App& root, Globals& g);

}  // namespace evt::cli
