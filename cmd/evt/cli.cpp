#include "cli.hpp"

#include "choices.hpp"

#include "evt/config/connection.hpp"
#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/sandbox/state_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace evt::cli {
namespace {

// The parsed global flags, for warn() (which has no Globals parameter).
const Globals* g_globals = nullptr;

// A bound as people write it: 1, 0.001, 65535 (not 1.000000).
std::string number_text(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::optional<double> finite_number(const std::string& text) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end == text.c_str() || *end != '\0' || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

}  // namespace

void open_closed_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      // open() returns the lowest free descriptor: this one.
      const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
      if (opened >= 0 && opened != fd) {
        ::dup2(opened, fd);
        ::close(opened);
      }
    }
  }
}

CLI::Validator at_least(double min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        const auto v = finite_number(text);
        if (!v) {
          return "expected a number, got '" + output::terminal_safe(text) + "'";
        }
        if (*v < min) {
          return "must be at least " + number_text(min) + ", got '" + text + "'";
        }
        return {};
      },
      "", "at_least");
}

CLI::Validator number_between(double min, double max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        const auto v = finite_number(text);
        if (!v) {
          return "expected a number, got '" + output::terminal_safe(text) + "'";
        }
        if (*v < min) {
          return "must be at least " + number_text(min) + ", got '" + text + "'";
        }
        if (*v > max) {
          return "must be at most " + number_text(max) + ", got '" + text + "'";
        }
        return {};
      },
      "", "number_between");
}

std::string terminal_message(std::string_view message) {
  // Printable ASCII (backslashes included, so text escaped upstream is not
  // escaped twice), \n and \t stay; each run of other bytes (controls,
  // non-ASCII) goes through the terminal escaper, which keeps printable
  // UTF-8 and escapes C0, C1, bidi and invalid bytes.
  const auto plain = [](unsigned char c) { return (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t'; };
  std::string out;
  out.reserve(message.size());
  for (size_t i = 0; i < message.size();) {
    if (plain(static_cast<unsigned char>(message[i]))) {
      out += message[i++];
      continue;
    }
    size_t end = i;
    while (end < message.size() && !plain(static_cast<unsigned char>(message[end]))) {
      ++end;
    }
    output::append_terminal_safe(out, message.substr(i, end - i));
    i = end;
  }
  return out;
}

void add_global_options(CLI::App& app, Globals& g) {
  g_globals = &g;
  app.add_option("-b,--brokers", g.brokers, "Bootstrap brokers (env EVT_BROKERS)")
      ->type_name("HOST:PORT,...");
  app.add_option("-X", g.properties, "Client property (any librdkafka property)")
      ->allow_extra_args(false)
      ->type_name("KEY=VALUE");
  app.add_option("--context", g.context, "Config context to use (env EVT_CONTEXT)")->type_name("NAME");
  app.add_option("-o,--output", g.output, "Output format (text, json, …; per command)")->type_name("FORMAT");
  app.add_option("--color", g.color, "Colour (honours NO_COLOR)")->check(one_of(output::k_color_modes));
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr (-vv: client logs)");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr");
  // Finite and within what librdkafka's int milliseconds hold: nan, inf
  // and 1e300 would otherwise become meaningless timeouts.
  const CLI::Validator seconds(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0' || !std::isfinite(v) || v < 0.001 || v > 2e6) {
          return "expected seconds between 0.001 and 2000000, got '" + text + "'";
        }
        return {};
      },
      "", "seconds");
  app.add_option("--timeout", g.timeout_s, "Seconds to wait for brokers (default 10)")
      ->check(seconds)
      ->type_name("SECONDS");
  app.add_option("--debug", g.debug, "librdkafka debug contexts, e.g. broker,protocol")
      ->type_name("CONTEXTS");
}

int timeout_ms(const Globals& g) {
  return static_cast<int>(std::lround(g.timeout_s * 1000));
}

void note(const Globals& g, const std::string& message) {
  if (!g.quiet) {
    std::fprintf(stderr, "evt: %s\n", terminal_message(message).c_str());
  }
}

bool confirm_on_terminal(bool assume_yes, const std::string& question) {
  if (assume_yes || !isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
    return true;
  }
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y" || answer == "yes";
}

void warn(const std::string& message) {
  if (g_globals != nullptr && g_globals->quiet) {
    return;  // -q: only errors
  }
  std::fprintf(stderr, "evt: warning: %s\n", terminal_message(message).c_str());
}

namespace {

config::ConnectionRequest request_for(const Globals& g) {
  return config::system_request(g.brokers, g.context, kafka::client_properties(g.properties, g.debug),
                                []() -> std::optional<config::SandboxAddress> {
                                  if (auto s = sandbox::find_running_sandbox()) {
                                    return config::SandboxAddress{s->pid, s->bootstrap};
                                  }
                                  return std::nullopt;
                                });
}

kafka::ClientConfig resolve(const Globals& g, const config::ConnectionRequest& request) {
  const auto conn = config::resolve_connection(request);
  for (const auto& w : conn.warnings) {
    warn(w);
  }
  if (conn.from_sandbox) {
    note(g, "using the local sandbox at " + conn.brokers);
  } else if (g.verbose > 0) {
    note(g, "brokers " + conn.brokers + " (from " + conn.source + ")");
  }
  kafka::ClientConfig config;
  config.brokers = conn.brokers;
  config.properties = conn.properties;
  if (conn.from_sandbox) {
    // The sandbox (librdkafka's mock cluster) hands a departed member's
    // partitions on only after that member's session timeout, even after a
    // clean LeaveGroup: with the 45 s default, every group command after
    // another one would wait 45 s. 6 s (Kafka's minimum) keeps that short;
    // -X and the context still win, being applied after.
    config.properties.insert(config.properties.begin(), {"session.timeout.ms", "6000"});
  }
  config.timeout_ms = timeout_ms(g);
  // librdkafka's own log lines reach the user only when asked for.
  // -X debug=… asks for librdkafka's debug output as much as --debug does.
  if (g.verbose > 1 || kafka::debug_requested(config.properties)) {
    config.log_sink = [](int level, std::string_view facility, std::string_view message) {
      std::fprintf(stderr, "evt: librdkafka %d %s: %s\n", level, output::terminal_safe(facility).c_str(),
                   output::terminal_safe(message).c_str());
    };
  }
  return config;
}

}  // namespace

kafka::ClientConfig client_config(const Globals& g) {
  return resolve(g, request_for(g));
}

kafka::ClientConfig other_cluster_config(const Globals& g) {
  auto request = request_for(g);
  // EVT_BROKERS and EVT_CONTEXT name the main cluster, not this one.
  request.getenv = [real = request.getenv](const std::string& name) -> std::optional<std::string> {
    if (name == "EVT_BROKERS" || name == "EVT_CONTEXT") {
      return std::nullopt;
    }
    return real(name);
  };
  return resolve(g, request);
}

std::string output_format(const Globals& g, const std::vector<std::string>& allowed,
                          const std::string& fallback) {
  if (g.output.empty()) {
    return fallback;
  }
  for (const auto& a : allowed) {
    if (a == g.output) {
      return a;
    }
  }
  std::string list;
  for (const auto& a : allowed) {
    list += (list.empty() ? "" : ", ") + a;
  }
  throw UsageError("unsupported output format '" + g.output + "'", "this command supports: " + list);
}

}  // namespace evt::cli
