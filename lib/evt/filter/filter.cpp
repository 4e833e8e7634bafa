#include "evt/filter/filter.hpp"

#include "evt/codec/cloudevents.hpp"
#include "evt/error.hpp"

#include <algorithm>
#include <cctype>

namespace evt::filter {

RecordFilter::RecordFilter(const FilterSpec& spec)
    : m_types(spec.types), m_key(spec.key), m_greps(spec.greps) {
  m_type_path = parse_json_path(spec.type_field);
  for (const auto& h : spec.headers) {
    const auto eq = h.find('=');
    if (h.empty() || eq == 0) {
      throw UsageError("invalid --header '" + h + "'",
                       "write --header KEY=VALUE, or --header KEY for any value");
    }
    if (eq == std::string::npos) {
      m_headers.push_back({h, std::nullopt});
    } else {
      m_headers.push_back({h.substr(0, eq), h.substr(eq + 1)});
    }
  }
  for (const auto& w : spec.wheres) {
    m_wheres.push_back(parse_where(w));
  }
  m_empty = m_types.empty() && !m_key && m_headers.empty() && m_wheres.empty() && m_greps.empty();
}

bool RecordFilter::type_matches(const RecordView& record, const nlohmann::json* doc) const {
  std::optional<std::string> type;
  if (const auto ce_type = codec::header_value(record, "ce_type")) {
    type.emplace(*ce_type);
  } else if (doc != nullptr) {
    const auto* node = codec::is_structured_cloudevent(record) ? find_path(*doc, {std::string("type")})
                                                               : find_path(*doc, m_type_path);
    if (node != nullptr && node->is_string()) {
      type = node->get<std::string>();
    }
  }
  return type && std::find(m_types.begin(), m_types.end(), *type) != m_types.end();
}

bool RecordFilter::matches(const RecordView& record) const {
  if (m_empty) {
    return true;
  }
  if (m_key && (!record.key || *record.key != *m_key)) {
    return false;
  }
  for (const auto& g : m_greps) {
    const bool in_value = record.value && record.value->find(g) != std::string_view::npos;
    const bool in_key = record.key && record.key->find(g) != std::string_view::npos;
    if (!in_value && !in_key) {
      return false;
    }
  }
  for (const auto& c : m_headers) {
    const bool found = std::any_of(record.headers.begin(), record.headers.end(), [&](const auto& h) {
      return h.key == c.key && (!c.value || (h.value && *h.value == *c.value));
    });
    if (!found) {
      return false;
    }
  }
  // Parse the value once, and only when a condition needs it.
  nlohmann::json doc;
  bool parsed = false;
  const auto document = [&]() -> const nlohmann::json* {
    if (!parsed) {
      parsed = true;
      if (record.value) {
        doc = nlohmann::json::parse(record.value->begin(), record.value->end(), nullptr, false);
      }
    }
    return doc.is_discarded() || !record.value ? nullptr : &doc;
  };
  if (!m_types.empty()) {
    const bool header_type = codec::header_value(record, "ce_type").has_value();
    if (!type_matches(record, header_type ? nullptr : document())) {
      return false;
    }
  }
  for (const auto& w : m_wheres) {
    const auto* d = document();
    if (d == nullptr || !evaluate(w, *d)) {
      return false;
    }
  }
  return true;
}

}  // namespace evt::filter
