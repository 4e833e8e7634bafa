#include "evt/output/progress_line.hpp"

#include <unistd.h>

#include <cstdio>

namespace evt::output {

void ProgressLine::show(const std::string& text) {
  if (m_enabled) {
    std::fprintf(stderr, "\r\033[Kevt: %s", text.c_str());
    m_shown = true;
  }
}

void ProgressLine::clear() {
  if (m_shown) {
    std::fputs("\r\033[K", stderr);
    m_shown = false;
  }
}

bool progress_wanted(bool quiet) {
  return !quiet && isatty(STDERR_FILENO) != 0;
}

}  // namespace evt::output
