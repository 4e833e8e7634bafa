#include "evt/read/input.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

using evt::read::LineReader;

namespace {

struct TempFile {
  std::filesystem::path path;
  explicit TempFile(const std::string& content) {
    path = std::filesystem::temp_directory_path() /
           ("evt-publish-input-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

struct Line {
  size_t input;
  uint64_t number;
  std::string text;
  bool too_long;
};

std::vector<Line> read_all(LineReader& reader) {
  std::vector<Line> out;
  std::string_view line;
  while (reader.next(line)) {
    out.push_back({reader.input_index(), reader.line_number(), std::string(line), reader.too_long()});
  }
  return out;
}

}  // namespace

TEST_CASE("lines keep their file and number across inputs") {
  TempFile a("a1\na2\n");
  TempFile b("b1\r\n\nb3");  // CRLF kept, blank line counted, no final newline
  LineReader reader({a.path.string(), b.path.string()}, 1000);
  const auto lines = read_all(reader);
  REQUIRE(lines.size() == 5);
  CHECK(lines[0].input == 0);
  CHECK(lines[1].number == 2);
  CHECK(lines[2].input == 1);
  CHECK(lines[2].number == 1);
  CHECK(lines[2].text == "b1\r");
  CHECK(lines[3].text.empty());
  CHECK(lines[4].text == "b3");
  CHECK(lines[4].number == 3);
  CHECK(reader.input_name() == b.path.string());
}

TEST_CASE("empty inputs and a final newline add no line") {
  TempFile empty("");
  TempFile one("x\n");
  LineReader reader({empty.path.string(), one.path.string(), empty.path.string()}, 100);
  const auto lines = read_all(reader);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].input == 1);
  CHECK(lines[0].text == "x");
}

TEST_CASE("lines across read chunks stay whole") {
  std::string content;
  for (int i = 0; i < 5000; ++i) {
    content += std::string(static_cast<size_t>(900 + i % 200), static_cast<char>('a' + i % 26)) + "\n";
  }
  TempFile f(content);
  LineReader reader({f.path.string()}, 4096);
  const auto lines = read_all(reader);
  REQUIRE(lines.size() == 5000);
  for (int i = 0; i < 5000; i += 123) {
    CHECK(lines[static_cast<size_t>(i)].text ==
          std::string(static_cast<size_t>(900 + i % 200), static_cast<char>('a' + i % 26)));
  }
}

TEST_CASE("a line over the limit is flagged and the next line is intact") {
  TempFile f("short\n" + std::string(3 * 1024 * 1024, 'x') + "\nafter\n" + std::string(5000, 'y'));
  LineReader reader({f.path.string()}, 1000);
  const auto lines = read_all(reader);
  REQUIRE(lines.size() == 4);
  CHECK_FALSE(lines[0].too_long);
  CHECK(lines[1].too_long);
  CHECK(lines[1].text.size() == 1000);
  CHECK(lines[2].text == "after");
  CHECK(lines[2].number == 3);
  CHECK(lines[3].too_long);  // the last line, without a newline
}

TEST_CASE("bad inputs are usage errors before anything is read") {
  CHECK_THROWS_AS(LineReader({"/nonexistent/evt-input.jsonl"}, 100), evt::UsageError);
  CHECK_THROWS_AS(LineReader({"-", "-"}, 100), evt::UsageError);
  CHECK(evt::read::display_input_name("-") == "<stdin>");
  CHECK(evt::read::display_input_name("a.jsonl") == "a.jsonl");
}

TEST_CASE("a line that never ends is rejected as soon as it passes the limit") {
  // Before, the reader looked for the end of the line first: forever here.
  LineReader reader({"/dev/zero"}, 1000);
  std::string_view line;
  REQUIRE(reader.next(line));
  CHECK(reader.too_long());
  CHECK(line.size() == 1000);
  CHECK(reader.line_number() == 1);
}

TEST_CASE("line_ready says whether next() would wait for a pipe") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  LineReader reader({path}, 1000);
  std::string_view line;
  CHECK_FALSE(reader.line_ready());  // nothing written yet: next() would wait
  REQUIRE(::write(fds[1], "a\nb\nc", 5) == 5);
  CHECK(reader.line_ready());  // bytes are there
  REQUIRE(reader.next(line));
  CHECK(line == "a");
  CHECK(reader.line_ready());  // "b\n" is buffered
  REQUIRE(reader.next(line));
  CHECK(line == "b");
  CHECK_FALSE(reader.line_ready());  // "c" waits for its newline or the end
  ::close(fds[1]);
  CHECK(reader.line_ready());  // the end of the pipe is ready
  REQUIRE(reader.next(line));
  CHECK(line == "c");
  CHECK(reader.line_ready());  // next() returns false at once
  CHECK_FALSE(reader.next(line));
  ::close(fds[0]);

  // A regular file never makes next() wait.
  TempFile f("x\n");
  LineReader file_reader({f.path.string()}, 1000);
  CHECK(file_reader.line_ready());

  // The rest of a line over the limit is never read ahead.
  LineReader zero({"/dev/zero"}, 1000);
  REQUIRE(zero.next(line));
  CHECK(zero.too_long());
  CHECK_FALSE(zero.line_ready());
}
