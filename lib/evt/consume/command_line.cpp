#include "evt/consume/command_line.hpp"

#include "evt/error.hpp"

#include <algorithm>

namespace evt::consume {

std::vector<std::string> split_command(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) {
        words.push_back(std::move(word));
        word.clear();
        in_word = false;
      }
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const size_t close = command.find('\'', i + 1);
      if (close == std::string_view::npos) {
        throw UsageError("--exec: unterminated ' in the command",
                         "quote as in sh, or use --shell to run the command with sh -c");
      }
      word.append(command.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        if (command[j] == '\\' && j + 1 < command.size() &&
            std::string_view("\"\\$`").find(command[j + 1]) != std::string_view::npos) {
          ++j;
        }
        word += command[j];
      }
      if (j >= command.size()) {
        throw UsageError("--exec: unterminated \" in the command",
                         "quote as in sh, or use --shell to run the command with sh -c");
      }
      i = j;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
    } else {
      word += c;
    }
  }
  if (in_word) {
    words.push_back(std::move(word));
  }
  if (words.empty()) {
    throw UsageError("--exec: the command is empty");
  }
  return words;
}

std::vector<std::string> handler_argv(std::string_view command, bool use_shell) {
  if (use_shell) {
    if (command.find_first_not_of(" \t\n") == std::string_view::npos) {
      throw UsageError("--exec: the command is empty");
    }
    return {"/bin/sh", "-c", std::string(command)};
  }
  return split_command(command);
}

}  // namespace evt::consume

#include <unistd.h>

namespace evt::consume {

void check_runnable(const std::vector<std::string>& argv, std::string_view path) {
  const std::string& program = argv.at(0);
  auto fail = [&] {
    throw UsageError("cannot run the handler '" + program + "': No such file or directory",
                     "give a program on PATH or a path to an executable; --shell runs CMD with sh -c");
  };
  if (program.find('/') != std::string::npos) {
    if (::access(program.c_str(), X_OK) != 0) {
      fail();
    }
    return;
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t colon = std::min(path.find(':', start), path.size());
    std::string dir(path.substr(start, colon - start));
    const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return;
    }
    start = colon + 1;
  }
  fail();
}

}  // namespace evt::consume
