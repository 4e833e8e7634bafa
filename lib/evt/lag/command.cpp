#include "evt/lag/command.hpp"

#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <chrono>
#include <thread>

namespace evt::lag {
namespace {

using Clock = std::chrono::steady_clock;

// The groups to measure: the ones named, or every group the broker lists.
std::vector<std::string> resolve_groups(const LagFlags& flags, LagCollector& collector,
                                        std::map<std::string, kafka::GroupState>& states) {
  if (!flags.groups.empty()) {
    return flags.groups;
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

// Sleeps until `until`, waking for Ctrl-C.
void sleep_until(Clock::time_point until) {
  while (Clock::now() < until && !interrupted()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

Thresholds thresholds_of(const LagFlags& flags) {
  Thresholds t;
  if (flags.max_lag >= 0) {
    t.max_lag = flags.max_lag;
  }
  if (flags.max_lag_seconds >= 0) {
    t.max_lag_seconds = flags.max_lag_seconds;
  }
  return t;
}

void check_flags(const LagFlags& flags, const std::string& format) {
  if (!flags.fail_on.empty() && (flags.watch_s <= 0 || flags.count <= 0)) {
    throw UsageError("--fail-on needs --watch and --count K",
                     "statuses come from a window of refreshes, e.g. --watch 10 --count 6");
  }
  if (flags.count > 0 && flags.watch_s <= 0) {
    throw UsageError("--count needs --watch");
  }
  if (flags.max_lag_seconds >= 0 && flags.no_time_lag) {
    throw UsageError("--max-lag-seconds needs the time lag, which --no-time-lag skips");
  }
  if (flags.watch_s > 0 && format == "prometheus") {
    throw UsageError("-o prometheus does not go with --watch",
                     "run `evt lag -o prometheus` from cron for node_exporter's textfile collector");
  }
}

LagCommand::LagCommand(const kafka::ClientConfig& config, LagFlags flags, std::string format, bool terminal)
    : m_flags(std::move(flags)), m_format(std::move(format)), m_terminal(terminal), m_collector(config) {
  m_request.groups = resolve_groups(m_flags, m_collector, m_listed_states);
  m_request.topics = m_flags.topics;
  m_request.time_lag = !m_flags.no_time_lag;
}

void LagCommand::run(const std::function<void(const LagSnapshot&, const std::string& rendered)>& on_refresh) {
  ReportStyle style;
  style.terminal = m_terminal;
  style.thresholds = thresholds_of(m_flags);
  const bool watching = m_flags.watch_s > 0;
  if (watching) {
    style.watch = &m_watch;
  }
  const auto start = Clock::now();
  const auto interval = std::chrono::milliseconds(static_cast<int64_t>(m_flags.watch_s * 1000));
  for (int refresh = 0; refresh == 0 || (watching && (m_flags.count == 0 || refresh < m_flags.count));
       ++refresh) {
    if (refresh > 0) {
      sleep_until(start + interval * refresh);
    }
    if (interrupted()) {
      throw Interrupted();
    }
    m_last = m_collector.collect(m_request);
    for (auto& gs : m_last.groups) {
      if (!gs.state && m_listed_states.count(gs.group) > 0) {
        gs.state = m_listed_states[gs.group];
      }
    }
    if (watching) {
      m_watch.add(m_last, std::chrono::duration<double>(Clock::now() - start).count());
    }
    on_refresh(m_last, render_refresh(m_last, m_format, style, watching, m_terminal));
  }
}

std::vector<std::string> LagCommand::fresh_notes(const LagSnapshot& snapshot, bool verbose) {
  std::vector<std::string> notes;
  for (const auto& n : snapshot.notes) {
    if (m_seen_notes.insert(n).second) {
      notes.push_back(output::terminal_safe(n));
    }
  }
  if (!snapshot.members_supported && verbose && m_seen_notes.insert("members").second) {
    notes.emplace_back("group members: the broker does not implement DescribeConsumerGroups");
  }
  return notes;
}

LagVerdict LagCommand::verdict() const {
  return judge(m_last, m_flags, m_flags.watch_s > 0 ? &m_watch : nullptr);
}

std::string render_refresh(const LagSnapshot& snap, const std::string& format, const ReportStyle& style,
                           bool watching, bool terminal) {
  if (format == "json") {
    return render_json(snap, style, watching);
  }
  if (format == "prometheus") {
    return render_prometheus(snap);
  }
  if (!watching) {
    return render_table(snap, style);
  }
  if (terminal) {
    // Redraw in place: cursor home, clear screen, then the fresh table.
    return "\x1b[H\x1b[2J" + render_watch_line(snap, style) + render_table(snap, style);
  }
  return render_watch_line(snap, style);
}

LagVerdict judge(const LagSnapshot& snap, const LagFlags& flags, const LagWatch* watch) {
  LagVerdict v;
  const auto limits = thresholds_of(flags);
  if (limits.any()) {
    const auto rows = render_breaches(snap, limits, false);
    if (!rows.empty()) {
      v.messages.push_back("lag over the threshold:\n" + rows);
      v.code = ExitCode::no;
    }
  }
  if (watch != nullptr && !flags.fail_on.empty()) {
    const auto limit = *parse_fail_on(flags.fail_on);
    for (const auto& gs : snap.groups) {
      const auto status = watch->group_status(gs.group);
      if (fails(status, limit)) {
        v.messages.push_back("group " + output::terminal_safe(gs.group) + " is " + to_string(status) +
                             " (--fail-on " + flags.fail_on + ")\n");
        v.code = ExitCode::no;
      }
    }
  }
  // A seconds threshold that could not look at every lagging partition has
  // no answer: failing quietly with 0 would hide exactly the stuck ones.
  if (v.code == ExitCode::ok && limits.max_lag_seconds) {
    if (const auto unknown = unmeasured_time_lag(snap.partitions); unknown > 0) {
      throw BrokerError("cannot check --max-lag-seconds: the time lag of " + std::to_string(unknown) +
                            " lagging partition(s) is unknown",
                        "their record at the committed offset could not be read; raise --timeout");
    }
  }
  return v;
}

}  // namespace evt::lag
