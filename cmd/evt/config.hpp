#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt config view | get-contexts | use-context NAME`.
void add_config(CLI::App& root, Globals& g);

}  // namespace evt::cli
