#pragma once
// The line reader behind `evt publish -f FILE…` and `evt schema validate`:
// JSON Lines (or raw lines)
// from files and stdin, one line at a time, with the file and line number
// each line came from. Reads with read(2) into one reused buffer: no
// allocation per line.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::read {

// Reads lines from several inputs in order; "-" is stdin.
class LineReader {
 public:
  // Opens every input up front so a wrong path fails before anything is
  // sent (UsageError). A line longer than max_line_bytes is returned cut
  // short, flagged by too_long(), as soon as that many bytes were read
  // (memory stays bounded); the next call skips the rest of it.
  LineReader(std::vector<std::string> inputs, size_t max_line_bytes);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n' (a trailing '\r' is kept); the view
  // stays valid until the next call. False at the end of the last input,
  // or when SIGINT/SIGTERM interrupted a read. Throws InputError on a read error.
  bool next(std::string_view& line);

  // Whether next() would return without waiting for input: a whole line
  // is buffered, the input is a regular file, or a pipe or terminal has
  // bytes (or its end) ready now; false while the rest of a line over the
  // limit is still to be skipped. For batching lines without holding back
  // the ones that came while the next is still being typed.
  // It may read the bytes a pipe has ready (never waiting); a read error
  // throws like next().
  bool line_ready();

  // Called before a read that would wait for input (a pipe or terminal
  // with nothing ready), e.g. to flush what was printed so far.
  void on_wait(std::function<void()> hook) { m_on_wait = std::move(hook); }

  // True when the line returned last was longer than the limit (the view
  // then holds only its first max_line_bytes bytes).
  bool too_long() const { return m_too_long; }

  // Which input the last line came from (index into the inputs, and name
  // as given, "-" for stdin), and its 1-based line number there.
  size_t input_index() const { return m_current; }
  const std::string& input_name() const { return m_names[m_current]; }
  uint64_t line_number() const { return m_line; }

  // The inputs as given.
  const std::vector<std::string>& inputs() const { return m_names; }

 private:
  bool fill();               // reads more bytes; false at end of this input
  bool skip_rest_of_line();  // false when SIGINT/SIGTERM stopped it
  void next_input();

  std::vector<std::string> m_names;
  std::vector<int> m_fds;
  std::vector<int64_t> m_file_size;  // per input: a regular file's size (its reads never wait), else -1
  int64_t m_read_bytes = 0;
  std::function<void()> m_on_wait;  // read from the current input so far
  size_t m_max_line;
  size_t m_current = 0;
  uint64_t m_line = 0;
  bool m_too_long = false;
  bool m_eof = false;  // current input fully read into the buffer
  std::string m_buffer;
  size_t m_begin = 0;  // unread bytes are [m_begin, m_end)
  size_t m_end = 0;
  std::string m_overlong;   // the kept part of a line over the limit
  bool m_skipping = false;  // the rest of a line over the limit is still unread
};

// How to show an input in messages: "<stdin>" for "-", else the path.
std::string display_input_name(const std::string& name);

// The bytes of `--data-file PATH` ("-" is stdin), read up to a little past
// `limit_bytes`. Throws UsageError when it cannot be opened, InputError
// naming it when it cannot be read (a directory, an I/O error) or is larger
// than `limit_bytes`, Interrupted on SIGINT/SIGTERM.
std::string read_data_file(const std::string& path, size_t limit_bytes);

}  // namespace evt::read
