#pragma once

#include "evt/error.hpp"
// One `evt lag` run from its flags: which flags go together, which groups
// to measure, the refreshes of --watch (bounded, Ctrl-C aware), how each
// refresh looks, and the verdict (exit 1) of the thresholds and --fail-on.

#include "evt/kafka/client_config.hpp"
#include "evt/lag/collect.hpp"
#include "evt/lag/report.hpp"
#include "evt/lag/watch.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace evt::lag {

// The flags of `evt lag`, as given.
struct LagFlags {
  std::vector<std::string> groups;
  std::vector<std::string> topics;
  bool no_time_lag = false;
  double watch_s = 0;  // > 0 once --watch is given
  int count = 0;       // refreshes with --watch; 0: until Ctrl-C
  int64_t max_lag = -1;
  double max_lag_seconds = -1;
  std::string fail_on;
};

// The thresholds --max-lag and --max-lag-seconds set.
Thresholds thresholds_of(const LagFlags& flags);

// Throws UsageError for flags that do not go together (with output `format`).
void check_flags(const LagFlags& flags, const std::string& format);

// What a run ends with: exit 0 or 1, and what to say on stderr for 1.
struct LagVerdict {
  ExitCode code = ExitCode::ok;
  std::vector<std::string> messages;  // each ends with a newline
};

// A lag run against the brokers.
class LagCommand {
 public:
  // Connects and resolves the groups (every listed group without -g;
  // UsageError when the broker cannot list them). `terminal`: stdout is one.
  LagCommand(const kafka::ClientConfig& config, LagFlags flags, std::string format, bool terminal);

  // Takes one snapshot, or --watch's refreshes until --count or Ctrl-C
  // (Interrupted), and hands each to `on_refresh` with its rendering.
  void run(const std::function<void(const LagSnapshot&, const std::string& rendered)>& on_refresh);

  // The notes of a snapshot not given before (terminal-safe); with
  // `verbose`, also that the broker cannot describe group members.
  std::vector<std::string> fresh_notes(const LagSnapshot& snapshot, bool verbose);

  // Judges the last snapshot; throws BrokerError when --max-lag-seconds
  // cannot judge a lagging partition whose time lag is unknown.
  LagVerdict verdict() const;

 private:
  LagFlags m_flags;
  std::string m_format;
  bool m_terminal;
  LagCollector m_collector;
  std::map<std::string, kafka::GroupState> m_listed_states;
  LagRequest m_request;
  LagWatch m_watch;
  LagSnapshot m_last;
  std::set<std::string> m_seen_notes;
};

// One refresh as it appears on stdout: JSON, Prometheus, the table, or
// with --watch a line per refresh (in a pipe) or the table redrawn in place
// (on a terminal).
std::string render_refresh(const LagSnapshot& snapshot, const std::string& format, const ReportStyle& style,
                           bool watching, bool terminal);

// The verdict of a snapshot under the flags (`watch` null without --watch).
LagVerdict judge(const LagSnapshot& snapshot, const LagFlags& flags, const LagWatch* watch);

}  // namespace evt::lag
