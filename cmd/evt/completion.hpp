#pragma once

#include "cli.hpp"

namespace evt::cli {

// Adds `evt completion bash|zsh|fish`; the script describes every command
// registered on `root` (call it after the others, or before: it walks the
// tree when it runs).
void add_completion(CLI::App& root, Globals& g);

}  // namespace evt::cli
