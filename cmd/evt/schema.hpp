#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt schema check|validate|lint`: the CI gate for event schemas.
void add_schema(CLI::App& root, Globals& g);

}  // namespace evt::cli
