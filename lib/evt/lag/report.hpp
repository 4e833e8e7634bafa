#pragma once
// Renders lag snapshots: a readable table, JSON, Prometheus text exposition,
// one-line watch summaries and the rows over a threshold.

#include "evt/lag/collect.hpp"
#include "evt/lag/watch.hpp"

#include <string>
#include <vector>

namespace evt::lag {

// The formats of `evt lag -o`, default first.
inline const std::vector<std::string> k_report_formats{"text", "json", "prometheus"};

// How a report looks.
struct ReportStyle {
  bool terminal = false;            // thousands separators, terminal-safe names
  const LagWatch* watch = nullptr;  // adds rates, trend, catch-up and status
  Thresholds thresholds;            // marks rows over them (JSON)
};

// The table of partitions (widest lag first), totals per topic and group,
// and the members of groups the broker could describe.
std::string render_table(const LagSnapshot& snapshot, const ReportStyle& style);

// One JSON document: groups → topics → partitions, with totals; pretty
// unless `compact` (one line, for --watch in a pipe).
std::string render_json(const LagSnapshot& snapshot, const ReportStyle& style, bool compact);

// Prometheus text exposition (node_exporter textfile collector format).
std::string render_prometheus(const LagSnapshot& snapshot);

// One line per refresh for --watch into a pipe: time, then per group its
// lag, worst time lag and status.
std::string render_watch_line(const LagSnapshot& snapshot, const ReportStyle& style);

// The rows over the thresholds as a table (for stderr); empty when none.
std::string render_breaches(const LagSnapshot& snapshot, const Thresholds& thresholds, bool terminal);

// "1234567" → "1,234,567".
std::string with_thousands(int64_t value);

// A duration for people: "850ms", "42s", "3m12s", "5h02m", "3d04h".
std::string human_duration(double seconds);

// A Prometheus label value: \, " and newline escaped, invalid UTF-8 as U+FFFD.
std::string prometheus_label(const std::string& value);

}  // namespace evt::lag
