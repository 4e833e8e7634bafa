#pragma once
// `--metrics FILE`: the run's counters in Prometheus text format, written
// whole and renamed into place (node_exporter's textfile collector never
// sees half a file).

#include "evt/consume/consume.hpp"

#include <string>
#include <string_view>

namespace evt::consume {

// The counters and gauges of `stats` for group `group`, as Prometheus text.
std::string prometheus_text(const ConsumeStats& stats, std::string_view group);

// Writes `text` to `path` atomically (a temporary file beside it, then a
// rename). Throws RuntimeError naming the file.
void write_metrics_file(const std::string& path, const std::string& text);

}  // namespace evt::consume
