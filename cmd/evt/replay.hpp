#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt replay SRC… --to DST`: copy a selection, resumable; `--group G`:
// rewind a consumer group; `--from-file`: replay a capture.
void add_replay(CLI::App& root, Globals& g);

}  // namespace evt::cli
