#pragma once

#include "cli.hpp"

namespace evt::cli {

// `evt partition-of`: where a key lands (Java-compatible murmur2).
void add_partition_of(CLI::App& root, Globals& g);

}  // namespace evt::cli
