#pragma once
// Which records `evt tail` shows. Every given condition must hold (AND);
// repeated --type values are alternatives (OR).

#include "evt/filter/where.hpp"
#include "evt/record_view.hpp"

#include <optional>
#include <string>
#include <vector>

namespace evt::filter {

// The filter flags as given on the command line.
struct FilterSpec {
  std::vector<std::string> types;    // --type: ce_type header, CloudEvents "type", or type_field
  std::string type_field = "type";   // --type-field: JSON path used for non-CloudEvents values
  std::optional<std::string> key;    // --key: exact key bytes
  std::vector<std::string> headers;  // --header k=v (or k: present with any value)
  std::vector<std::string> wheres;   // --where 'path op value' on the JSON value
  std::vector<std::string> greps;    // --grep: substring of the raw value or key bytes
};

// A compiled filter; construct once, call matches() per record.
class RecordFilter {
 public:
  RecordFilter() = default;
  // Throws UsageError for an invalid expression.
  explicit RecordFilter(const FilterSpec& spec);

  // True when no condition was given (every record matches).
  bool empty() const { return m_empty; }
  // True when matching looks at headers (so the poll must decode them).
  bool needs_headers() const { return !m_types.empty() || !m_headers.empty(); }
  // True when the record passes every condition.
  bool matches(const RecordView& record) const;

 private:
  struct HeaderCondition {
    std::string key;
    std::optional<std::string> value;
  };
  bool type_matches(const RecordView& record, const nlohmann::json* doc) const;

  bool m_empty = true;
  std::vector<std::string> m_types;
  std::vector<PathStep> m_type_path;
  std::optional<std::string> m_key;
  std::vector<HeaderCondition> m_headers;
  std::vector<WhereExpr> m_wheres;
  std::vector<std::string> m_greps;
};

}  // namespace evt::filter
