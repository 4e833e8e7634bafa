#pragma once

#include "evt/names.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace evt::output {

// Where data goes (stdout by default). Buffered; a reader that closed the
// pipe (EPIPE) turns into evt::BrokenPipe, which main ends quietly with 0.
class Sink {
public:
  explicit Sink(FILE* file = stdout);
  ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Buffers bytes; writes through when the buffer is large.
  void write(std::string_view bytes);
  // Writes everything buffered to the file and flushes it.
  void flush();
  // True when the sink is a terminal.
  bool is_terminal() const { return m_tty; }

private:
  FILE* m_file;
  bool m_tty;
  std::string m_buffer;
};

// When to colour output (--color).
enum class ColorMode { auto_detect, always, never };

// The names of --color.
inline constexpr auto k_color_modes = make_name_table<ColorMode>(
    {{"auto", ColorMode::auto_detect}, {"always", ColorMode::always}, {"never", ColorMode::never}});

// Decides whether to colour output: --color (a name of k_color_modes; others
// count as auto), NO_COLOR, TERM=dumb.
bool use_color(std::string_view mode, FILE* file);

} // namespace evt::output
