// evt: one binary, one subcommand per file. main() builds the CLI, is the
// only place that catches everything, maps errors to exit codes and prints
// the `evt: error:` lines (nowhere else writes one).
#include "cli.hpp"
#include "completion.hpp"
#include "config.hpp"
#include "consume.hpp"
#include "dlq.hpp"
#include "lag.hpp"
#include "partition_of.hpp"
#include "publish.hpp"
#include "replay.hpp"
#include "sandbox.hpp"
#include "schema.hpp"
#include "tail.hpp"
#include "topics.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace {

// What a signal prints when it ends a blocking call at once (the same line
// as an Interrupted error that reaches main).
constexpr char k_interrupted_line[] = "evt: error: interrupted\n";

// The error line and its hint. Texts arrive escaped where they embed
// untrusted bytes (the code that knows the source escapes them);
// terminal_message is the safety net for a raw control byte that slipped
// through (it leaves already escaped text as it is).
void print_error(const std::string& what, const std::string& hint = {}) {
  std::fprintf(stderr, "evt: error: %s\n", evt::cli::terminal_message(what).c_str());
  if (!hint.empty()) {
    std::fprintf(stderr, "evt: hint: %s\n", evt::cli::terminal_message(hint).c_str());
  }
}

std::string version_text() {
  return std::string("evt ") + EVT_VERSION + " (librdkafka " + evt::kafka::library_version() + ")";
}

int run(int argc, char** argv) {
  CLI::App app{"evt: event tooling for Apache Kafka", "evt"};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  app.fallthrough();
  app.footer("Run 'evt COMMAND --help' for a command's flags; 'man evt' for more.");
  evt::cli::Globals globals;
  evt::cli::add_global_options(app, globals);

  evt::cli::add_sandbox(app, globals);
  evt::cli::add_topics(app, globals);
  evt::cli::add_config(app, globals);
  evt::cli::add_publish(app, globals);
  evt::cli::add_partition_of(app, globals);
  evt::cli::add_tail(app, globals);
  evt::cli::add_schema(app, globals);
  evt::cli::add_lag(app, globals);
  evt::cli::add_consume(app, globals);
  evt::cli::add_completion(app, globals);
  evt::cli::add_replay(app, globals);
  evt::cli::add_dlq(app, globals);

  // CLI11 2.1.2 hands the words after "--" back to the root command once a
  // subcommand's positionals are satisfied, so `partition-of -n 12 a -- -x`
  // refused "-x". partition-of (whose keys may start with '-') gets them
  // directly; elsewhere "--" keeps CLI11's meaning.
  std::vector<std::string> args(argv + 1, argv + argc);
  const auto sub = std::find(args.begin(), args.end(), "partition-of");
  const auto dash = std::find(sub, args.end(), "--");
  if (sub != args.end() && dash != args.end()) {
    globals.after_dash.assign(dash + 1, args.end());
    args.erase(dash, args.end());
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes its arguments last first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes become evt's usage code 2. It reports a missing
    // subcommand or positional before an unknown word ("evt frob" said
    // "A subcommand is required"): name the unknown word instead.
    std::string message = e.what();
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      if (const auto rest = app.remaining(true); !rest.empty()) {
        message = (rest.front().starts_with("-") ? "unknown option '" : "unknown command or argument '") +
                  rest.front() + "'";
      }
    }
    std::fprintf(stderr, "evt: error: %s\n", evt::cli::terminal_message(message).c_str());
    std::fprintf(stderr, "evt: hint: run 'evt --help' or 'evt COMMAND --help'\n");
    return static_cast<int>(evt::ExitCode::usage);
  }
  return static_cast<int>(globals.outcome);
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything opens a file: a closed 0, 1 or 2 (evt <&-) would be
  // handed to the next open() or pipe(), and evt would read its own
  // internal pipe as stdin or write records into a file as "stderr".
  evt::cli::open_closed_standard_fds();
  evt::install_signal_handlers(k_interrupted_line);
  try {
    return run(argc, argv);
  } catch (const evt::BrokenPipe&) {
    return 0;  // the reader went away (evt tail | head): not an error
  } catch (const evt::Error& e) {
    print_error(e.what(), e.hint());
    return static_cast<int>(e.code());
  } catch (const std::bad_alloc&) {
    print_error("out of memory");
    return static_cast<int>(evt::ExitCode::runtime);
  } catch (const std::exception& e) {
    print_error(e.what());
    return static_cast<int>(evt::ExitCode::runtime);
  }
}
