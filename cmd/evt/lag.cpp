#include "lag.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/lag/command.hpp"
#include "evt/output/sink.hpp"

#include <cstdio>
#include <memory>

namespace evt::cli {
namespace {

ExitCode run_lag(const Globals& g, const lag::LagFlags& opts) {
  const auto format = output_format(g, lag::k_report_formats, "text");
  lag::check_flags(opts, format);
  output::Sink out;
  lag::LagCommand command(client_config(g), opts, format, out.is_terminal());
  command.run([&](const lag::LagSnapshot& snap, const std::string& rendered) {
    for (const auto& n : command.fresh_notes(snap, g.verbose > 0)) {
      note(g, n);
    }
    out.write(rendered);
    out.flush();
  });
  const auto verdict = command.verdict();
  for (const auto& m : verdict.messages) {
    std::fprintf(stderr, "evt: %s", m.c_str());
  }
  return verdict.code;
}

}  // namespace

void add_lag(CLI::App& root, Globals& g) {
  auto opts = std::make_shared<lag::LagFlags>();
  auto* sub = root.add_subcommand("lag", "Consumer-group lag per partition, topic and group");
  sub->add_option("-g,--group", opts->groups, "Consumer group (repeatable; default: all groups)");
  sub->add_option("-t,--topic", opts->topics, "Only these topics (repeatable; default: the group's topics)")
      ->check(existing_topic());
  sub->add_flag("--no-time-lag", opts->no_time_lag, "Skip the time lag (no record is read)");
  sub->add_option("--watch", opts->watch_s,
                  "Refresh every INTERVAL seconds (default 5); adds rates and status")
      ->expected(0, 1)
      ->default_str("5")
      ->check(number_between(0.001, 2000000));
  sub->add_option("--count", opts->count, "With --watch: stop after K refreshes")->check(at_least(1));
  sub->add_option("--max-lag", opts->max_lag, "Exit 1 when a partition lags more records")
      ->check(at_least(0));
  sub->add_option("--max-lag-seconds", opts->max_lag_seconds, "Exit 1 when a partition lags more seconds")
      ->check(at_least(0));
  sub->add_option("--fail-on", opts->fail_on, "With --watch --count: exit 1 when a group reaches this status")
      ->check(one_of(lag::k_fail_on_statuses));
  output_formats(*sub, lag::k_report_formats);
  sub->footer("Outputs (-o): text (default), json, prometheus. See 'man evt-lag'.");
  sub->final_callback([&g, opts] { g.outcome = run_lag(g, *opts); });
}

}  // namespace evt::cli
