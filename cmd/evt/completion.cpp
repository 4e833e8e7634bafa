#include "completion.hpp"

#include "choices.hpp"

#include "evt/completion/spec.hpp"
#include "evt/names.hpp"
#include "evt/output/sink.hpp"

#include <algorithm>
#include <memory>

namespace evt::cli {
namespace {

enum class Shell { bash, zsh, fish };

constexpr auto k_shells =
    make_name_table<Shell>({{"bash", Shell::bash}, {"zsh", Shell::zsh}, {"fish", Shell::fish}});

bool hidden(const CLI::App& app) {
  return app.get_group().empty();
}

completion::OptionSpec option_spec(CLI::Option& o) {
  completion::OptionSpec spec;
  for (const auto& s : o.get_snames()) {
    spec.flags.push_back("-" + s);
  }
  for (const auto& l : o.get_lnames()) {
    spec.flags.push_back("--" + l);
  }
  spec.description = o.get_description();
  // Options whose value is optional (lag --watch) complete like flags.
  spec.takes_value = o.get_type_size_max() > 0 && o.get_expected_min() > 0;
  spec.choices = choices_of(o);
  spec.topic = names_topic(o);
  return spec;
}

// Adds `app` at `path` and everything below it; `inherited` are the flags
// of the commands above, valid here too (the root app falls through).
void walk(CLI::App& app, const std::string& path, std::vector<completion::OptionSpec> inherited,
          completion::CliSpec& spec) {
  completion::CommandSpec command;
  command.path = path;
  command.description = app.get_description();
  for (auto* o : app.get_options([](CLI::Option*) { return true; })) {
    if (o->get_group().empty()) {
      continue;  // hidden
    }
    if (!o->nonpositional()) {
      command.topic_positional = command.topic_positional || names_topic(*o);
      continue;
    }
    auto option = option_spec(*o);
    // A command's own flag hides a parent's of the same name (-h, and
    // sandbox --brokers N against the global -b,--brokers).
    for (auto& i : inherited) {
      std::erase_if(i.flags, [&](const std::string& f) {
        return std::find(option.flags.begin(), option.flags.end(), f) != option.flags.end();
      });
    }
    std::erase_if(inherited, [](const completion::OptionSpec& i) { return i.flags.empty(); });
    inherited.push_back(std::move(option));
  }
  const auto formats = output_formats_of(app);
  for (auto& o : inherited) {
    if (std::find(o.flags.begin(), o.flags.end(), "--output") != o.flags.end()) {
      o.choices = formats;  // -o takes what this command declared
    }
  }
  command.options = inherited;
  std::vector<CLI::App*> children = app.get_subcommands([](CLI::App* s) { return !hidden(*s); });
  for (auto* child : children) {
    command.subcommands.push_back(child->get_name());
  }
  spec.commands.push_back(std::move(command));
  for (auto* child : children) {
    walk(*child, path.empty() ? child->get_name() : path + " " + child->get_name(), inherited, spec);
  }
}

}  // namespace

void add_completion(CLI::App& root, Globals& g) {
  auto shell = std::make_shared<std::string>();
  auto* sub = root.add_subcommand("completion", "Print a shell completion script (bash, zsh or fish)");
  sub->add_option("shell", *shell, "bash, zsh or fish")->required()->check(one_of(k_shells));
  sub->footer(
      "bash: source <(evt completion bash)    zsh: source <(evt completion zsh) after compinit\n"
      "fish: evt completion fish | source\nSee 'man evt-completion'.");
  sub->final_callback([&root, &g, shell] {
    completion::CliSpec spec;
    spec.program = "evt";
    walk(root, "", {}, spec);
    output::Sink out;
    switch (*k_shells.find(*shell)) {
      case Shell::bash:
        out.write(completion::bash_script(spec));
        break;
      case Shell::zsh:
        out.write(completion::zsh_script(spec));
        break;
      case Shell::fish:
        out.write(completion::fish_script(spec));
        break;
    }
    out.close();
    g.outcome = ExitCode::ok;
  });
}

}  // namespace evt::cli
