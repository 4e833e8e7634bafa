#include "evt/output/sink.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

using namespace evt;

TEST_CASE("a sink on a file writes it and close() reports success") {
  char path[] = "/tmp/evt-sink-test-XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  ::close(fd);
  {
    auto sink = output::Sink::open_file(path);
    sink->write("one\n");
    sink->write("two\n");
    sink->close();
  }
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "one\ntwo\n");
  ::unlink(path);
}

TEST_CASE("a write error is a RuntimeError naming the file, not lost in a destructor") {
  auto sink = output::Sink::open_file("/dev/full");
  sink->write("lost unless reported\n");
  try {
    sink->close();
    FAIL("close() on /dev/full did not throw");
  } catch (const RuntimeError& e) {
    CHECK(e.code() == ExitCode::runtime);
    CHECK(std::string(e.what()) == "cannot write '/dev/full': No space left on device");
  }
}

TEST_CASE("a file that cannot be created is named") {
  try {
    output::Sink::open_file("/nonexistent-evt-dir/out.jsonl");
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) ==
          "cannot write '/nonexistent-evt-dir/out.jsonl': No such file or directory");
  }
}
