#include "config.hpp"
#include "evt/codec/json_text.hpp"
#include "evt/output/terminal_escape.hpp"

#include "choices.hpp"

#include "evt/config/config_file.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/table.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <memory>

namespace evt::cli {
namespace {

config::ConfigFile load(const Globals& g, bool must_exist) {
  const char* env = std::getenv("EVT_CONFIG");
  auto file =
      config::load_config(config::default_config_path(), must_exist || (env != nullptr && *env != '\0'));
  for (const auto& w : file.warnings) {
    warn(w);
  }
  (void)g;
  return file;
}

ExitCode run_view(const Globals& g) {
  const auto file = load(g, false);
  output::Sink out;
  out.write("# " + output::terminal_safe(file.path.string()) + "\n" + config::render_redacted(file));
  out.close();
  return ExitCode::ok;
}

ExitCode run_get_contexts(const Globals& g) {
  const auto format = output_format(g, k_text_json, "text");
  const auto file = load(g, false);
  output::Sink out;
  if (format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& c : file.contexts) {
      j.push_back({{"name", c.name}, {"brokers", c.brokers}, {"current", c.name == file.current_context}});
    }
    out.write(codec::terminal_safe_json(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) +
              "\n");
    out.close();
    return ExitCode::ok;
  }
  output::Table table({"CURRENT", "NAME", "BROKERS"});
  for (const auto& c : file.contexts) {
    // Names and brokers come from the file, which may come from anywhere.
    table.add_row({c.name == file.current_context ? "*" : "", output::terminal_safe(c.name),
                   output::terminal_safe(c.brokers)});
  }
  out.write(table.render());
  out.close();
  return ExitCode::ok;
}

ExitCode run_use_context(const Globals& g, const std::string& name) {
  config::use_context(config::default_config_path(), name);
  note(g, "switched to context " + name);
  return ExitCode::ok;
}

}  // namespace

void add_config(CLI::App& root, Globals& g) {
  auto name = std::make_shared<std::string>();
  auto* sub = root.add_subcommand("config", "Show and switch connection contexts");
  sub->require_subcommand(1);
  sub->add_subcommand("view", "Print the config file with secrets shown as ***")->final_callback([&g] {
    g.outcome = run_view(g);
  });
  auto* get_contexts = sub->add_subcommand("get-contexts", "List contexts; * marks the current one");
  output_formats(*get_contexts, k_text_json);
  get_contexts->final_callback([&g] { g.outcome = run_get_contexts(g); });
  auto* use = sub->add_subcommand("use-context", "Make a context the current one");
  use->add_option("name", *name, "Context name")->required();
  use->final_callback([&g, name] { g.outcome = run_use_context(g, *name); });
}

}  // namespace evt::cli
