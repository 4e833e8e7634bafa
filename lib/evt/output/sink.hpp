#pragma once

#include "evt/names.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace evt::output {

// Where data goes (stdout by default). Buffered; a reader that closed the
// pipe (EPIPE) turns into evt::BrokenPipe, which main ends quietly with 0;
// any other write error is a RuntimeError naming the destination.
class Sink {
 public:
  // Writes to `file`, which stays open after the sink (stdout by default).
  explicit Sink(FILE* file = stdout);
  // Creates or truncates `path` and writes to it; close() closes it. Throws
  // UsageError naming the file when it cannot be opened.
  static std::unique_ptr<Sink> open_file(const std::string& path);
  // Flushes what is left, swallowing errors (a destructor must not throw):
  // call close() on the normal path so that a failed write is reported.
  ~Sink();
  Sink(const Sink&) = delete;
  Sink& operator=(const Sink&) = delete;

  // Buffers bytes; writes through when the buffer is large.
  void write(std::string_view bytes);
  // Writes everything buffered to the file and flushes it.
  void flush();
  // Flushes, and closes the file when the sink opened it; throws
  // RuntimeError naming the file when anything could not be written.
  void close();
  // True when the sink is a terminal.
  bool is_terminal() const { return m_tty; }

 private:
  Sink(FILE* file, std::string name);
  [[noreturn]] void fail(int error);

  FILE* m_file;
  std::string m_name;  // the file's path when the sink opened it, else ""
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

}  // namespace evt::output
