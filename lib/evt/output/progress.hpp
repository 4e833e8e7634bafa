#pragma once
// The one progress line of every long-running command: records and bytes
// done, rate, percentage and ETA when the total is known, redrawn at most
// ~10 times a second and cleared at the end. lib never prints: the caller
// passes the writer (stderr) and decides whether to show it at all (a TTY
// and no -q).

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace evt::output {

// What a command has done so far.
struct ProgressSnapshot {
  std::string label = "done";  // the verb before the count: "sent", "read"
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::optional<uint64_t> total_records;  // known: percentage and ETA
  double seconds = 0;                     // since the start
  std::string detail;                     // after the count, e.g. "rejected 0, failed 0"
};

// "999 B", "1.5 kB", "12.0 MB", "3.2 GB" (decimal units, as the summaries).
std::string format_bytes(uint64_t bytes);

// "1,234,567": thousands separated, for counts in summaries.
std::string grouped(uint64_t n);

// A remaining time: "45s", "12m05s", "3h07m".
std::string format_eta(double seconds);

// "sent 120000 (12.0 MB), rejected 0 — 98000 records/s, 9.8 MB/s" and,
// with a total, ", 45%, ETA 1m05s". Terminal-safe when `detail` is.
std::string render_progress(const ProgressSnapshot& snapshot);

// True when progress may be drawn: stderr is a terminal and not quiet.
bool progress_wanted(bool quiet);

// A throttled, self-clearing status line on a terminal.
class Progress {
 public:
  using Writer = std::function<void(std::string_view)>;
  using Clock = std::chrono::steady_clock;

  // Disabled: every call does nothing. `min_interval` bounds the redraws.
  Progress(bool enabled, Writer writer,
           std::chrono::milliseconds min_interval = std::chrono::milliseconds(100));

  bool enabled() const noexcept { return m_enabled; }

  // Redraws the line as `text` unless the last redraw is under
  // min_interval old; true when it drew.
  bool show(std::string_view text, Clock::time_point now = Clock::now());
  // The same with a rendered snapshot (rendered only when due).
  bool update(const ProgressSnapshot& snapshot, Clock::time_point now = Clock::now());
  // Erases the line if one is shown (before other stderr output, and at the end).
  void clear();

 private:
  bool due(Clock::time_point now) const;

  bool m_enabled;
  Writer m_writer;
  std::chrono::milliseconds m_min_interval;
  bool m_shown = false;
  bool m_drawn_once = false;
  Clock::time_point m_last{};
};

}  // namespace evt::output
