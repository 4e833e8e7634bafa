#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt sandbox` (run a local broker) and `evt sandbox ctl` (fault injection).
void add_sandbox(CLI::App& root, Globals& g);

}  // namespace evt::cli
