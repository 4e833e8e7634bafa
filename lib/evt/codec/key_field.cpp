#include "evt/codec/key_field.hpp"

#include "evt/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace evt::codec {

KeyField::KeyField(std::string_view path) : m_path(path) {
  if (path.empty()) {
    throw UsageError("--key-field needs a path such as data.customerId");
  }
  size_t start = 0;
  for (;;) {
    const size_t dot = path.find('.', start);
    const auto segment = path.substr(start, dot == std::string_view::npos ? path.npos : dot - start);
    if (segment.empty()) {
      throw UsageError("--key-field '" + std::string(path) + "' has an empty segment",
                       "use a simple dotted path such as data.customer.id");
    }
    m_segments.emplace_back(segment);
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  // "data.x" addresses the event's data, which is the event itself here.
  if (m_segments.size() > 1 && m_segments.front() == "data") {
    m_segments.erase(m_segments.begin());
  }
}

std::optional<std::string> KeyField::extract(const nlohmann::json& event, std::string& why) const {
  const nlohmann::json* node = &event;
  for (const auto& segment : m_segments) {
    if (node->is_object()) {
      const auto it = node->find(segment);
      if (it == node->end()) {
        why = "the event has no field " + m_path;
        return std::nullopt;
      }
      node = &*it;
    } else if (node->is_array()) {
      size_t index = 0;
      const auto* end = segment.data() + segment.size();
      const auto [ptr, ec] = std::from_chars(segment.data(), end, index);
      if (ec != std::errc() || ptr != end || index >= node->size()) {
        why = "the event has no field " + m_path;
        return std::nullopt;
      }
      node = &(*node)[index];
    } else {
      why = "the event has no field " + m_path;
      return std::nullopt;
    }
  }
  if (node->is_string()) {
    return node->get<std::string>();
  }
  if (node->is_number() || node->is_boolean()) {
    return node->dump();
  }
  why = "field " + m_path + " is " + (node->is_null() ? "null" : std::string("an ") + node->type_name()) +
        ", not a string or number";
  return std::nullopt;
}

}  // namespace evt::codec
