#pragma once
// A --help formatter that shows a set of related flags on one line, so a
// command with many flags still fits a screen (details in its man page).

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace evt::cli {

// Flags shown together ("--to-earliest", …), with one description.
struct HelpFold {
  std::vector<std::string> flags;
  std::string description;
};

// The formatter: each fold's line where its first flag would be, the other
// flags of the fold not on their own lines; every other option as usual.
std::shared_ptr<CLI::Formatter> folding_formatter(std::vector<HelpFold> folds);

}  // namespace evt::cli
