#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt topics [list]`, `evt topics describe TOPIC`, `evt topics create TOPIC`.
void add_topics(CLI::App& root, Globals& g);

}  // namespace evt::cli
