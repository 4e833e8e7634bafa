#pragma once
// `--where 'PATH OP VALUE'`: one condition on a record's JSON value.
//   PATH   a.b[0].c (a leading '.' is optional; '.' alone is the whole value)
//   OP     == != < > <= >= ~ (RE2 regex search, linear time) exists
//   VALUE  a JSON literal (42, "text", true, null) or bare text (taken as a string)
// Missing fields compare as absent: only != and nothing else matches them.

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace evt::filter {

// One step of a JSON path: an object key or an array index.
using PathStep = std::variant<std::string, size_t>;

// Comparison operators of a where condition.
enum class WhereOp { eq, ne, lt, gt, le, ge, regex, exists };

// A compiled RE2 regular expression, searched in time linear in the text
// (no backtracking, no recursion). Copies share the compiled pattern.
class WherePattern {
 public:
  // Throws UsageError with the library's reason when `pattern` is invalid.
  explicit WherePattern(const std::string& pattern);
  // True when the pattern matches somewhere in `text` (which may hold NULs).
  bool search(std::string_view text) const;

 private:
  std::shared_ptr<void> m_compiled;  // an RE2
};

// A compiled condition (the regex is compiled once).
struct WhereExpr {
  std::vector<PathStep> path;
  WhereOp op = WhereOp::exists;
  nlohmann::json literal;
  std::optional<WherePattern> pattern;
  std::string text;  // as given, for messages
};

// Parses "path op value"; throws UsageError naming the problem.
WhereExpr parse_where(std::string_view text);

// Parses a path such as a.b[0]; throws UsageError.
std::vector<PathStep> parse_json_path(std::string_view text);

// The node at `path` in `doc`, or nullptr.
const nlohmann::json* find_path(const nlohmann::json& doc, const std::vector<PathStep>& path);

// True when the condition holds for the document.
bool evaluate(const WhereExpr& expr, const nlohmann::json& doc);

}  // namespace evt::filter
