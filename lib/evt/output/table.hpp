#pragma once

#include <string>
#include <vector>

namespace evt::output {

// A plain text table: left-aligned columns separated by two spaces.
// Cells must already be terminal-safe.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : m_rows{std::move(header)} {}
  void add_row(std::vector<std::string> row) { m_rows.push_back(std::move(row)); }
  // Numeric columns are right-aligned.
  void align_right(size_t column) { m_right.push_back(column); }
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> m_rows;
  std::vector<size_t> m_right;
};

}  // namespace evt::output
