#pragma once
// Options whose value is one of a fixed set of names. The names come from
// lib's name tables; the same check feeds CLI11's validation, --help and the
// completion scripts (`evt completion`), which read them back from here.

#include "evt/names.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::cli {

// The -o formats of commands that print text or JSON.
inline const std::vector<std::string> k_text_json{"text", "json"};

// A check accepting `names` through `canonical` (which maps accepted text to
// the name stored in the option, or nullopt); offers `names`.
CLI::Validator one_of(std::vector<std::string> names,
                      std::function<std::optional<std::string>(std::string_view)> canonical);

// A check accepting exactly one of `names`.
CLI::Validator one_of(std::vector<std::string> names);

// A check accepting the names of `table` (ASCII case-insensitive, aliases
// too); the option receives the canonical name.
template <typename E, std::size_t N>
CLI::Validator one_of(const NameTable<E, N>& table) {
  return one_of(table.names(), [&table](std::string_view text) -> std::optional<std::string> {
    if (const auto value = table.find(text)) {
      return std::string(table.name(*value));
    }
    return std::nullopt;
  });
}

// The names a one_of check on `option` offers; empty for free-form values.
std::vector<std::string> choices_of(CLI::Option& option);

// A check that accepts any value and marks the option as naming an existing
// topic: completion offers the cluster's topics.
CLI::Validator existing_topic();

// True when `option` carries existing_topic().
bool names_topic(CLI::Option& option);

// Declares the formats `command` supports for the global -o (completion
// offers them after -o); returns them for output_format().
const std::vector<std::string>& output_formats(const CLI::App& command, std::vector<std::string> formats);

// The -o formats declared for `command`; empty when it has none.
std::vector<std::string> output_formats_of(const CLI::App& command);

}  // namespace evt::cli
