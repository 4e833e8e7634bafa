#include "evt/output/progress.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <cstdio>

namespace evt::output {

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  const size_t lead = digits.size() % 3;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && i >= lead && (i - lead) % 3 == 0) {
      out += ',';
    }
    out += digits[i];
  }
  return out;
}

std::string human_bytes(uint64_t bytes) {
  static const char* const k_units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  while (v >= 1000 && unit + 1 < std::size(k_units)) {
    v /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, unit == 0 ? "%.0f %s" : "%.1f %s", v, k_units[unit]);
  return buf;
}

std::string progress_line(const ProgressSnapshot& p) {
  std::string line = p.label.empty() ? "" : p.label + "  ";
  line += grouped(p.done);
  if (p.total > 0) {
    const double pct = 100.0 * static_cast<double>(p.done) / static_cast<double>(p.total);
    line += "/" + grouped(p.total) + " (" + std::to_string(static_cast<int>(std::min(pct, 100.0))) + "%)";
  }
  line += "  " + human_bytes(p.bytes);
  if (p.elapsed_s > 0.2) {
    const double rate = static_cast<double>(p.done) / p.elapsed_s;
    line += "  " + grouped(static_cast<uint64_t>(std::llround(rate))) + " rec/s";
    if (p.total > p.done && rate > 0) {
      const auto eta = static_cast<uint64_t>(std::llround(static_cast<double>(p.total - p.done) / rate));
      char buf[32];
      std::snprintf(buf, sizeof buf, "  ETA %llu:%02llu", static_cast<unsigned long long>(eta / 60),
                    static_cast<unsigned long long>(eta % 60));
      line += buf;
    }
  }
  return line;
}

} // namespace evt::output
