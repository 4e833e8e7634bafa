#include "sandbox.hpp"

#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/sandbox/control_channel.hpp"
#include "evt/sandbox/sandbox.hpp"
#include "evt/sandbox/state_file.hpp"
#include "evt/signals.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

namespace evt::cli {
namespace {

struct SandboxOpts {
  int brokers = 1;
  std::vector<std::string> topics;
  int port = sandbox::k_default_port;
};

struct CtlOpts {
  std::vector<std::string> words;
  std::string control;
};

ExitCode run_sandbox(const Globals& g, const SandboxOpts& opts, bool port_given) {
  sandbox::SandboxOptions options;
  options.brokers = opts.brokers;
  options.port = opts.port;
  options.port_given = port_given;
  for (const auto& spec : opts.topics) {
    options.topics.push_back(sandbox::parse_topic_spec(spec));
  }
  kafka::LogSink sink;
  if (g.verbose > 1) {
    sink = [](int level, std::string_view fac, std::string_view msg) {
      std::fprintf(stderr, "evt: sandbox %d %s: %s\n", level, output::terminal_safe(fac).c_str(),
                   output::terminal_safe(msg).c_str());
    };
  }
  sandbox::Sandbox box(options, sink);
  const auto socket =
      (sandbox::ensure_state_dir() / ("sandbox-" + std::to_string(::getpid()) + ".sock")).string();
  const auto previous = sandbox::find_running_sandbox();
  const bool published = box.publish_state(socket);
  // First line of stdout: the bootstrap address, for scripts.
  std::printf("%s\n", box.bootstrap().c_str());
  std::fflush(stdout);
  if (!published) {
    warn("another sandbox" +
         (previous ? " (pid " + std::to_string(previous->pid) + ", " + previous->bootstrap + ")"
                   : std::string()) +
         " is already running; other evt commands keep using it. Reach this one with -b " + box.bootstrap() +
         " and `evt sandbox ctl --control " + socket + "`");
  }
  if (box.fell_back_to_ephemeral()) {
    warn("port " + std::to_string(sandbox::k_default_port) + " is taken; the sandbox listens on " +
         box.bootstrap() + " instead");
  }
  note(g, "sandbox up: " + std::to_string(opts.brokers) + " broker(s) at " + box.bootstrap() +
              (published ? "; other evt commands in this session find it automatically" : ""));
  note(g, "fault injection: evt sandbox ctl down|up|rtt|fail …; stop with Ctrl-C");
  while (!interrupted()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  note(g, "sandbox stopped");
  return ExitCode::ok;
}

ExitCode run_ctl(const Globals& g, const CtlOpts& opts) {
  std::string socket = opts.control;
  if (socket.empty()) {
    const auto running = sandbox::find_running_sandbox();
    if (!running || running->control_socket.empty()) {
      throw UsageError("no running sandbox found (looked in " + sandbox::state_file_path().string() + ")",
                       "start one with `evt sandbox`, or pass --control PATH");
    }
    socket = running->control_socket;
  }
  std::string command;
  for (const auto& w : opts.words) {
    command += (command.empty() ? "" : " ") + w;
  }
  const auto answer = sandbox::send_control_command(socket, command, timeout_ms(g));
  std::printf("%s\n", answer.c_str());
  return ExitCode::ok;
}

}  // namespace

void add_sandbox(CLI::App& root, Globals& g) {
  auto opts = std::make_shared<SandboxOpts>();
  auto* sub = root.add_subcommand("sandbox", "Run a local Kafka-protocol broker (mock cluster)");
  auto* port =
      sub->add_option("--port", opts->port, "Bootstrap port (default 9092 if free; 0 = any free port)")
          ->check(CLI::Range(0, 65535).description(""))
          ->type_name("PORT");
  sub->add_option("--brokers", opts->brokers, "Number of brokers (1-32, default 1)")
      ->check(CLI::Range(1, 32).description(""))
      ->type_name("N");
  sub->add_option("--topic", opts->topics, "Create topic NAME[:PARTITIONS] (repeatable)")
      ->type_name("NAME[:P]");
  sub->footer(
      "Fault injection: evt sandbox ctl status | down ID | up ID | rtt ID MS |\n"
      "  fail KIND COUNT ERROR | clear KIND | topic NAME PARTITIONS |\n"
      "  leader TOPIC PARTITION ID|none");
  auto ctl_opts = std::make_shared<CtlOpts>();
  auto* ctl = sub->add_subcommand("ctl", "Control a running sandbox (fault injection)");
  ctl->add_option("--control", ctl_opts->control, "Control socket (default: the running sandbox)");
  ctl->add_option("command", ctl_opts->words,
                  "status | down ID | up ID | rtt ID MS | "
                  "fail KIND COUNT ERROR | clear KIND | topic NAME N | "
                  "leader TOPIC P ID")
      ->required();
  ctl->final_callback([&g, ctl_opts] { g.outcome = run_ctl(g, *ctl_opts); });
  sub->final_callback([&g, opts, port, sub] {
    if (sub->got_subcommand("ctl")) {
      return;
    }
    g.outcome = run_sandbox(g, *opts, port->count() > 0);
  });
}

}  // namespace evt::cli
