#pragma once

#include "cli.hpp"

#include <CLI/CLI.hpp>

namespace evt::cli {

// Registers `evt dlq` (ls, inspect, redrive, check).
void add_dlq(CLI::App& app, Globals& g);

}  // namespace evt::cli
