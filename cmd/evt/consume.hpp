#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt consume TOPIC… -g GROUP --exec CMD`: run a handler per record with
// retries, dead letters and commits after success.
void add_consume(CLI::App& root, Globals& g);

}  // namespace evt::cli
