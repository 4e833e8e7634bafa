#include "evt/filter/where.hpp"

#include "evt/error.hpp"

#include <re2/re2.h>

#include <cctype>
#include <charconv>

namespace evt::filter {
namespace {

const char* const k_where_hint =
    "write --where 'PATH OP VALUE' with OP one of == != < > <= >= ~ exists, "
    "e.g. --where 'amount > 100' or --where 'customer.id == \"c-1\"'";

const char* const k_path_hint = "write a path such as customer.id, items[0].sku, or . for the whole value";

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw UsageError("invalid --where '" + std::string(text) + "': " + why, k_where_hint);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

bool is_op_char(char c) {
  return c == '=' || c == '!' || c == '~' || c == '<' || c == '>';
}

bool both_numbers(const nlohmann::json& a, const nlohmann::json& b) {
  return a.is_number() && b.is_number();
}

// <0, 0, >0, or nullopt when the two cannot be ordered.
std::optional<int> compare(const nlohmann::json& a, const nlohmann::json& b) {
  if (both_numbers(a, b)) {
    if (a.is_number_float() || b.is_number_float()) {
      const double x = a.get<double>();
      const double y = b.get<double>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
      const auto x = a.get<uint64_t>();
      const auto y = b.get<uint64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    const auto x = a.get<int64_t>();
    const auto y = b.get<int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_string() && b.is_string()) {
    const int c = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

bool equal(const nlohmann::json& node, const nlohmann::json& literal) {
  if (both_numbers(node, literal)) {
    return compare(node, literal) == 0;
  }
  if (node == literal) {
    return true;
  }
  // "42" == 42: a string field written as a bare number on the command line.
  return node.is_string() && (literal.is_number() || literal.is_boolean()) &&
         node.get_ref<const std::string&>() == literal.dump();
}

}  // namespace

WherePattern::WherePattern(const std::string& pattern) {
  // RE2 matches in time linear in the text (no backtracking), so a hostile
  // pattern such as (a+)+$ on a long value cannot stall a reader.
  RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  auto compiled = std::make_shared<RE2>(pattern, options);
  if (!compiled->ok()) {
    throw UsageError("invalid regular expression: " + compiled->error() + " (RE2 syntax, see evt-tail(1))");
  }
  m_compiled = std::move(compiled);
}

bool WherePattern::search(std::string_view text) const {
  // Unanchored partial match; the text is given by its bounds, so NULs
  // inside JSON strings do not cut it short.
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()),
                           *static_cast<const RE2*>(m_compiled.get()));
}

std::vector<PathStep> parse_json_path(std::string_view text) {
  std::vector<PathStep> path;
  std::string_view s = text;
  if (s == ".") {
    return path;
  }
  if (s.starts_with('.')) {
    s.remove_prefix(1);
  }
  if (s.empty()) {
    throw UsageError("empty JSON path", k_path_hint);
  }
  size_t i = 0;
  bool expect_key = true;
  while (i < s.size()) {
    if (s[i] == '[') {
      const size_t close = s.find(']', i);
      size_t index = 0;
      const auto inner =
          close == std::string_view::npos ? std::string_view() : s.substr(i + 1, close - i - 1);
      const auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), index);
      if (inner.empty() || ec != std::errc() || ptr != inner.data() + inner.size()) {
        throw UsageError("invalid JSON path '" + std::string(text) + "': array indexes are written [N]",
                         k_path_hint);
      }
      path.emplace_back(index);
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (s[i] == '.') {
      if (expect_key) {
        throw UsageError("invalid JSON path '" + std::string(text) + "': empty field name", k_path_hint);
      }
      ++i;
      expect_key = true;
      continue;
    }
    const size_t end = std::min(s.find_first_of(".[", i), s.size());
    path.emplace_back(std::string(s.substr(i, end - i)));
    i = end;
    expect_key = false;
  }
  if (expect_key) {
    throw UsageError("invalid JSON path '" + std::string(text) + "': it ends with '.'", k_path_hint);
  }
  return path;
}

WhereExpr parse_where(std::string_view text) {
  WhereExpr expr;
  expr.text = text;
  const std::string_view s = trim(text);
  size_t i = 0;
  while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && !is_op_char(s[i])) {
    ++i;
  }
  if (i == 0) {
    bad(text, "the path is missing");
  }
  expr.path = parse_json_path(s.substr(0, i));
  std::string_view rest = trim(s.substr(i));
  struct OpName {
    const char* name;
    WhereOp op;
  };
  // Longest first so "<=" wins over "<".
  static constexpr OpName k_ops[] = {{"==", WhereOp::eq},   {"!=", WhereOp::ne},        {"<=", WhereOp::le},
                                     {">=", WhereOp::ge},   {"<", WhereOp::lt},         {">", WhereOp::gt},
                                     {"~", WhereOp::regex}, {"exists", WhereOp::exists}};
  bool found = false;
  for (const auto& o : k_ops) {
    if (rest.starts_with(o.name)) {
      expr.op = o.op;
      rest = trim(rest.substr(std::string_view(o.name).size()));
      found = true;
      break;
    }
  }
  if (!found) {
    bad(text, rest.empty() ? "the operator is missing" : "unknown operator at '" + std::string(rest) + "'");
  }
  if (expr.op == WhereOp::exists) {
    if (!rest.empty()) {
      bad(text, "'exists' takes no value");
    }
    return expr;
  }
  if (rest.empty()) {
    bad(text, "the value to compare with is missing");
  }
  auto literal = nlohmann::json::parse(rest, nullptr, false);
  expr.literal = literal.is_discarded() ? nlohmann::json(std::string(rest)) : std::move(literal);
  if (expr.op == WhereOp::regex) {
    const std::string pattern =
        expr.literal.is_string() ? expr.literal.get<std::string>() : std::string(rest);
    try {
      expr.pattern.emplace(pattern);
    } catch (const UsageError& e) {
      bad(text, e.what());
    }
  }
  return expr;
}

const nlohmann::json* find_path(const nlohmann::json& doc, const std::vector<PathStep>& path) {
  const nlohmann::json* node = &doc;
  for (const auto& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!node->is_object()) {
        return nullptr;
      }
      const auto it = node->find(*key);
      if (it == node->end()) {
        return nullptr;
      }
      node = &*it;
    } else {
      const size_t index = std::get<size_t>(step);
      if (!node->is_array() || index >= node->size()) {
        return nullptr;
      }
      node = &(*node)[index];
    }
  }
  return node;
}

bool evaluate(const WhereExpr& expr, const nlohmann::json& doc) {
  const nlohmann::json* node = find_path(doc, expr.path);
  if (expr.op == WhereOp::exists) {
    return node != nullptr;
  }
  if (expr.op == WhereOp::ne) {
    return node == nullptr || !equal(*node, expr.literal);
  }
  if (node == nullptr) {
    return false;
  }
  switch (expr.op) {
    case WhereOp::eq:
      return equal(*node, expr.literal);
    case WhereOp::regex: {
      if (node->is_string()) {
        return expr.pattern->search(node->get_ref<const std::string&>());
      }
      if (node->is_number() || node->is_boolean()) {
        return expr.pattern->search(node->dump());
      }
      return false;
    }
    default:
      break;
  }
  const auto c = compare(*node, expr.literal);
  if (!c) {
    return false;
  }
  switch (expr.op) {
    case WhereOp::lt:
      return *c < 0;
    case WhereOp::gt:
      return *c > 0;
    case WhereOp::le:
      return *c <= 0;
    case WhereOp::ge:
      return *c >= 0;
    default:
      return false;
  }
}

}  // namespace evt::filter
