#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>

using namespace evt;

namespace {

// The base is never thrown itself: only the typed classes fix a code.
static_assert(!std::is_constructible_v<Error, ExitCode, std::string>);
static_assert(!std::is_constructible_v<Error, ExitCode, std::string, std::string>);

std::string read_source(const std::string& relative) {
  const char* src = std::getenv("EVT_SRC");
  REQUIRE_MESSAGE(src != nullptr, "EVT_SRC must point at the source tree");
  std::ifstream in(std::string(src) + "/" + relative);
  REQUIRE_MESSAGE(in.good(), "cannot read " << relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The README's exit-code table: code -> meaning.
std::map<int, std::string> readme_exit_codes() {
  std::map<int, std::string> codes;
  std::istringstream lines(read_source("README.md"));
  bool in_section = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("## ", 0) == 0) {
      in_section = line == "## Exit codes";
      continue;
    }
    if (in_section && line.rfind("| ", 0) == 0 && line.size() > 2 &&
        std::isdigit(static_cast<unsigned char>(line[2]))) {
      const auto bar = line.find('|', 2);
      codes[std::stoi(line.substr(2, bar - 2))] = line.substr(bar + 1);
    }
  }
  return codes;
}

// man evt's EXIT STATUS: code -> the paragraph after ".B code".
std::map<int, std::string> man_exit_codes() {
  std::map<int, std::string> codes;
  std::istringstream lines(read_source("man/evt.1"));
  bool in_section = false;
  int current = -1;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(".SH ", 0) == 0) {
      in_section = line == ".SH EXIT STATUS";
      current = -1;
      continue;
    }
    if (!in_section) {
      continue;
    }
    if (line.rfind(".B ", 0) == 0 && std::isdigit(static_cast<unsigned char>(line[3]))) {
      current = std::stoi(line.substr(3));
      codes[current];
    } else if (current >= 0 && line.rfind(".TP", 0) != 0) {
      codes[current] += line + " ";
    }
  }
  return codes;
}

}  // namespace

TEST_CASE("each error class carries the exit code its name promises") {
  CHECK(UsageError("x").code() == ExitCode::usage);
  CHECK(RuntimeError("x").code() == ExitCode::runtime);
  CHECK(BrokerError("x").code() == ExitCode::runtime);
  CHECK(InputError("x").code() == ExitCode::bad_input);
  CHECK(Interrupted().code() == ExitCode::interrupted);
  CHECK(std::string(Interrupted().what()) == "interrupted");
  const UsageError with_hint("what", "do this");
  CHECK(std::string(with_hint.what()) == "what");
  CHECK(with_hint.hint() == "do this");
  CHECK(static_cast<int>(ExitCode::ok) == 0);
  CHECK(static_cast<int>(ExitCode::no) == 1);
  CHECK(static_cast<int>(ExitCode::usage) == 2);
  CHECK(static_cast<int>(ExitCode::runtime) == 3);
  CHECK(static_cast<int>(ExitCode::bad_input) == 4);
  CHECK(static_cast<int>(ExitCode::interrupted) == 130);
}

TEST_CASE("the README and man evt document every exit code the error classes use") {
  // Each class's code, with a word its documented meaning must contain.
  const std::multimap<int, std::string> expected{
      {0, "success"},   {1, "no"},      {2, "usage"}, {3, "broker"},
      {3, "local i/o"}, {3, "runtime"}, {4, "input"}, {130, "interrupted"},
  };
  for (const auto& [name, table] :
       {std::pair{"README.md", readme_exit_codes()}, std::pair{"man/evt.1", man_exit_codes()}}) {
    CAPTURE(name);
    CHECK(table.size() == 6);
    for (const auto& [code, word] : expected) {
      CAPTURE(code);
      REQUIRE(table.count(code) == 1);
      std::string meaning = table.at(code);
      std::transform(meaning.begin(), meaning.end(), meaning.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      CHECK_MESSAGE(meaning.find(word) != std::string::npos, "'" << word << "' not in: " << meaning);
    }
  }
}
