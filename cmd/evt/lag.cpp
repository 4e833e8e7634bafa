#include "lag.hpp"

#include "choices.hpp"

#include "evt/error.hpp"
#include "evt/lag/collect.hpp"
#include "evt/lag/report.hpp"
#include "evt/lag/watch.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <thread>

namespace evt::cli {
namespace {

struct LagOpts {
  std::vector<std::string> groups;
  std::vector<std::string> topics;
  bool no_time_lag = false;
  double watch_s = 0;  // > 0 once --watch is given
  int count = 0;       // refreshes with --watch; 0: until Ctrl-C
  int64_t max_lag = -1;
  double max_lag_seconds = -1;
  std::string fail_on;
};

using Clock = std::chrono::steady_clock;

lag::Thresholds thresholds_of(const LagOpts& opts) {
  lag::Thresholds t;
  if (opts.max_lag >= 0) {
    t.max_lag = opts.max_lag;
  }
  if (opts.max_lag_seconds >= 0) {
    t.max_lag_seconds = opts.max_lag_seconds;
  }
  return t;
}

void check_flags(const LagOpts& opts, const std::string& format) {
  if (!opts.fail_on.empty() && (opts.watch_s <= 0 || opts.count <= 0)) {
    throw UsageError("--fail-on needs --watch and --count K",
                     "statuses come from a window of refreshes, e.g. --watch 10 --count 6");
  }
  if (opts.count > 0 && opts.watch_s <= 0) {
    throw UsageError("--count needs --watch");
  }
  if (opts.max_lag_seconds >= 0 && opts.no_time_lag) {
    throw UsageError("--max-lag-seconds needs the time lag, which --no-time-lag skips");
  }
  if (opts.watch_s > 0 && format == "prometheus") {
    throw UsageError("-o prometheus does not go with --watch",
                     "run `evt lag -o prometheus` from cron for node_exporter's textfile collector");
  }
}

// The groups to measure: the ones named, or every group the broker lists.
std::vector<std::string> resolve_groups(const LagOpts& opts, lag::LagCollector& collector,
                                        std::map<std::string, kafka::GroupState>& states) {
  if (!opts.groups.empty()) {
    return opts.groups;
  }
  const auto listing = collector.list_groups();
  if (!listing.supported) {
    throw UsageError("this broker cannot list consumer groups (" + listing.error + ")",
                     "name the groups with -g GROUP (repeatable); the sandbox has no ListGroups");
  }
  std::vector<std::string> groups;
  for (const auto& l : listing.value) {
    groups.push_back(l.group);
    states[l.group] = l.state;
  }
  return groups;
}

// Prints each note once, however many refreshes repeat it.
void print_notes(const Globals& g, const lag::LagSnapshot& snap, std::set<std::string>& seen) {
  for (const auto& n : snap.notes) {
    if (seen.insert(n).second) {
      note(g, output::terminal_safe(n));
    }
  }
  if (!snap.members_supported && g.verbose > 0 && seen.insert("members").second) {
    note(g, "group members: the broker does not implement DescribeConsumerGroups");
  }
}

// Exit 1 with the offending rows on stderr when a threshold or --fail-on trips.
int verdict(const lag::LagSnapshot& snap, const LagOpts& opts, const lag::LagWatch* watch) {
  int code = 0;
  const auto limits = thresholds_of(opts);
  if (limits.any()) {
    const auto rows = lag::render_breaches(snap, limits, false);
    if (!rows.empty()) {
      std::fprintf(stderr, "evt: lag over the threshold:\n%s", rows.c_str());
      code = 1;
    }
  }
  if (watch != nullptr && !opts.fail_on.empty()) {
    const auto limit = *lag::parse_fail_on(opts.fail_on);
    for (const auto& gs : snap.groups) {
      const auto status = watch->group_status(gs.group);
      if (lag::fails(status, limit)) {
        std::fprintf(stderr, "evt: group %s is %s (--fail-on %s)\n",
                     output::terminal_safe(gs.group).c_str(), lag::to_string(status).c_str(),
                     opts.fail_on.c_str());
        code = 1;
      }
    }
  }
  // A seconds threshold that could not look at every lagging partition has
  // no answer: failing quietly with 0 would hide exactly the stuck ones.
  if (code == 0 && limits.max_lag_seconds) {
    if (const auto unknown = lag::unmeasured_time_lag(snap.partitions); unknown > 0) {
      throw BrokerError("cannot check --max-lag-seconds: the time lag of " +
                            std::to_string(unknown) + " lagging partition(s) is unknown",
                        "their record at the committed offset could not be read; raise --timeout");
    }
  }
  return code;
}

void render(output::Sink& out, const lag::LagSnapshot& snap, const std::string& format,
            const lag::ReportStyle& style, bool watching) {
  if (format == "json") {
    out.write(lag::render_json(snap, style, watching));
  } else if (format == "prometheus") {
    out.write(lag::render_prometheus(snap));
  } else if (!watching) {
    out.write(lag::render_table(snap, style));
  } else if (out.is_terminal()) {
    // Redraw in place: cursor home, clear screen, then the fresh table.
    out.write("\x1b[H\x1b[2J");
    out.write(lag::render_watch_line(snap, style));
    out.write(lag::render_table(snap, style));
  } else {
    out.write(lag::render_watch_line(snap, style));
  }
  out.flush();
}

// Sleeps until `until`, waking for Ctrl-C.
void sleep_until(Clock::time_point until) {
  while (Clock::now() < until && !interrupted()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

int run_lag(const Globals& g, const LagOpts& opts) {
  const auto format = output_format(g, lag::k_report_formats, "text");
  check_flags(opts, format);
  lag::LagCollector collector(client_config(g));
  std::map<std::string, kafka::GroupState> listed_states;
  lag::LagRequest request;
  request.groups = resolve_groups(opts, collector, listed_states);
  request.topics = opts.topics;
  request.time_lag = !opts.no_time_lag;

  output::Sink out;
  lag::LagWatch watch;
  lag::ReportStyle style;
  style.terminal = out.is_terminal();
  style.thresholds = thresholds_of(opts);
  const bool watching = opts.watch_s > 0;
  if (watching) {
    style.watch = &watch;
  }
  std::set<std::string> seen_notes;
  const auto start = Clock::now();
  const auto interval = std::chrono::milliseconds(static_cast<int64_t>(opts.watch_s * 1000));
  lag::LagSnapshot snap;
  for (int refresh = 0; refresh == 0 || (watching && (opts.count == 0 || refresh < opts.count));
       ++refresh) {
    if (refresh > 0) {
      sleep_until(start + interval * refresh);
    }
    if (interrupted()) {
      throw Interrupted();
    }
    snap = collector.collect(request);
    for (auto& gs : snap.groups) {
      if (!gs.state && listed_states.count(gs.group) > 0) {
        gs.state = listed_states[gs.group];
      }
    }
    if (watching) {
      watch.add(snap, std::chrono::duration<double>(Clock::now() - start).count());
    }
    print_notes(g, snap, seen_notes);
    render(out, snap, format, style, watching);
  }
  return verdict(snap, opts, watching ? &watch : nullptr);
}

} // namespace

void add_lag(CLI::App& root, const Globals& g) {
  auto opts = std::make_shared<LagOpts>();
  auto* sub = root.add_subcommand("lag", "Consumer-group lag per partition, topic and group");
  sub->add_option("-g,--group", opts->groups, "Consumer group (repeatable; default: all groups)");
  sub->add_option("-t,--topic", opts->topics,
                  "Only these topics (repeatable; default: the group's topics)")
      ->check(existing_topic());
  sub->add_flag("--no-time-lag", opts->no_time_lag,
                "Skip the time lag (no record is read)");
  sub->add_option("--watch", opts->watch_s,
                  "Refresh every INTERVAL seconds (default 5); adds rates and status")
      ->expected(0, 1)
      ->default_str("5")
      ->check(CLI::PositiveNumber);
  sub->add_option("--count", opts->count, "With --watch: stop after K refreshes")
      ->check(CLI::PositiveNumber);
  sub->add_option("--max-lag", opts->max_lag, "Exit 1 when a partition lags more records")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--max-lag-seconds", opts->max_lag_seconds,
                  "Exit 1 when a partition lags more seconds")
      ->check(CLI::NonNegativeNumber);
  sub->add_option("--fail-on", opts->fail_on,
                  "With --watch --count: exit 1 when a group reaches this status")
      ->check(one_of(lag::k_fail_on_statuses));
  output_formats(*sub, lag::k_report_formats);
  sub->footer("Outputs (-o): text (default), json, prometheus. See 'man evt-lag'.");
  sub->final_callback([&g, opts] { throw Exit{run_lag(g, *opts)}; });
}

} // namespace evt::cli
