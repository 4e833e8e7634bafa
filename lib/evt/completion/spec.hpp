#pragma once
// What a completion script needs to know about evt's command line: every
// command path with the flags valid there. cmd/ fills it from the CLI11
// definitions; the renderers turn it into bash, zsh or fish.

#include <string>
#include <vector>

namespace evt::completion {

// One flag as the user types it.
struct OptionSpec {
  std::vector<std::string> flags;  // "-s", "--start", "--offset"
  std::string description;
  bool takes_value = false;          // the next word is its value
  std::vector<std::string> choices;  // the values it accepts; empty: free form
  bool topic = false;                // its value names an existing topic
};

// One command path ("" is the program itself, "schema check" a nested one).
struct CommandSpec {
  std::string path;
  std::string description;
  std::vector<std::string> subcommands;  // names of the commands below it
  std::vector<OptionSpec> options;       // every flag valid here, inherited ones too
  bool topic_positional = false;         // its positional arguments name topics
};

// The whole command line, program first.
struct CliSpec {
  std::string program = "evt";
  std::vector<CommandSpec> commands;
};

// A bash script defining and registering the completion function.
std::string bash_script(const CliSpec& spec);

// A zsh script usable both as `source <(…)` and as site-functions/_evt.
std::string zsh_script(const CliSpec& spec);

// A fish script of `complete` commands (vendor_completions.d/evt.fish).
std::string fish_script(const CliSpec& spec);

}  // namespace evt::completion
