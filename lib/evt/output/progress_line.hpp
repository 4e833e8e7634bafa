#pragma once
// A one-line progress display on stderr, redrawn in place; only when
// enabled (stderr a terminal and not -q).

#include <string>

namespace evt::output {

// Drawn on stderr when enabled; cleared before any other message.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : m_enabled(enabled) {}
  // Redraws the line as "evt: <text>".
  void show(const std::string& text);
  // Erases the line if it is shown.
  void clear();

 private:
  bool m_enabled;
  bool m_shown = false;
};

// True when progress may be drawn: stderr is a terminal and not quiet.
bool progress_wanted(bool quiet);

}  // namespace evt::output
