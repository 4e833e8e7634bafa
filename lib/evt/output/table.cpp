#include "evt/output/table.hpp"

#include <algorithm>

namespace evt::output {
namespace {

// Display width of UTF-8 text, counting code points (good enough for the
// names and numbers tables hold).
size_t display_width(const std::string& s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace

std::string Table::render() const {
  std::vector<size_t> widths;
  for (const auto& row : m_rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  }
  std::string out;
  for (const auto& row : m_rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      const size_t pad = widths[i] - display_width(row[i]);
      const bool right = std::find(m_right.begin(), m_right.end(), i) != m_right.end();
      if (i > 0) {
        line += "  ";
      }
      if (right) {
        line.append(pad, ' ');
      }
      line += row[i];
      if (!right && i + 1 < row.size()) {
        line.append(pad, ' ');
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace evt::output
