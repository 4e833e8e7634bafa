#pragma once
// `--dedupe-by ce_id|key|header:NAME|json:PATH`: which bytes of a record
// name the event, so a record whose event was already handled can be
// skipped.

#include "evt/filter/where.hpp"
#include "evt/record.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::consume {

// A parsed --dedupe-by.
class DedupeKey {
 public:
  // Parses the flag's value; throws UsageError naming the flag.
  explicit DedupeKey(std::string_view spec);

  // The record's event id: the CloudEvents id (ce_id header, or "id" of a
  // structured event), the Kafka key, a header's value, or a JSON value's
  // field (a string as is, a number or boolean as its JSON text). nullopt
  // when the record has none (such records are always handled).
  std::optional<std::string> extract(const Record& record) const;

  // The flag's value as given.
  const std::string& text() const { return m_text; }

 private:
  enum class Kind { ce_id, key, header, json } m_kind = Kind::ce_id;
  std::string m_text;
  std::string m_header;
  std::vector<filter::PathStep> m_path;
};

}  // namespace evt::consume
