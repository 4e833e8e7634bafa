#include "choices.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace evt::cli {
namespace {

// A one_of check carries its names in its CLI11 name, so completion reads
// them back from the option itself: no second list to keep in step.
constexpr std::string_view k_prefix = "evt-one-of\n";
constexpr std::string_view k_topic = "evt-topic";

std::string join(const std::vector<std::string>& names, const std::string& separator) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : separator) + n;
  }
  return out;
}

// Keyed by the command; filled while the CLI is built, read by completion.
std::map<const CLI::App*, std::vector<std::string>>& format_registry() {
  static std::map<const CLI::App*, std::vector<std::string>> registry;
  return registry;
}

}  // namespace

CLI::Validator one_of(std::vector<std::string> names,
                      std::function<std::optional<std::string>(std::string_view)> canonical) {
  const std::string shown = "{" + join(names, ",") + "}";
  return CLI::Validator(
      [names, canonical = std::move(canonical)](std::string& text) -> std::string {
        if (auto name = canonical(text)) {
          text = std::move(*name);
          return {};
        }
        return "'" + text + "' is not one of " + join(names, ", ");
      },
      shown, std::string(k_prefix) + join(names, "\n"));
}

CLI::Validator one_of(std::vector<std::string> names) {
  auto copy = names;
  return one_of(std::move(names),
                [copy = std::move(copy)](std::string_view text) -> std::optional<std::string> {
                  for (const auto& n : copy) {
                    if (n == text) {
                      return n;
                    }
                  }
                  return std::nullopt;
                });
}

std::vector<std::string> choices_of(CLI::Option& option) {
  for (int i = 0;; ++i) {
    const CLI::Validator* v = nullptr;
    try {
      v = option.get_validator(i);
    } catch (const CLI::OptionNotFound&) {
      return {};
    }
    const auto& name = v->get_name();
    if (name.compare(0, k_prefix.size(), k_prefix) == 0) {
      std::vector<std::string> names;
      std::size_t start = k_prefix.size();
      while (start <= name.size()) {
        const auto end = std::min(name.find('\n', start), name.size());
        names.push_back(name.substr(start, end - start));
        start = end + 1;
      }
      return names;
    }
  }
}

CLI::Validator existing_topic() {
  return CLI::Validator([](std::string&) { return std::string(); }, "", std::string(k_topic));
}

bool names_topic(CLI::Option& option) {
  try {
    option.get_validator(std::string(k_topic));
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

const std::vector<std::string>& output_formats(const CLI::App& command, std::vector<std::string> formats) {
  auto& slot = format_registry()[&command];
  slot = std::move(formats);
  return slot;
}

std::vector<std::string> output_formats_of(const CLI::App& command) {
  const auto& registry = format_registry();
  const auto it = registry.find(&command);
  return it == registry.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace evt::cli
