#include "evt/dlq/decoders.hpp"

namespace evt::dlq::detail {

std::optional<std::string_view> Headers::first(std::string_view key) const {
  for (const auto& h : m_headers) {
    if (h.key == key && h.value) {
      return h.value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Headers::last(std::string_view key) const {
  for (auto it = m_headers.rbegin(); it != m_headers.rend(); ++it) {
    if (it->key == key && it->value) {
      return it->value;
    }
  }
  return std::nullopt;
}

bool Headers::has(std::string_view key) const {
  return first(key).has_value();
}

void Filler::text(std::string& field, std::string_view key, bool first) {
  const auto v = first ? m_h.first(key) : m_h.last(key);
  if (v) {
    field.assign(*v);
  }
}

std::optional<int64_t> Filler::decode(std::string_view key, Enc enc, bool first) {
  const auto v = first ? m_h.first(key) : m_h.last(key);
  if (!v) {
    return std::nullopt;
  }
  Decoded d;
  switch (enc) {
    case Enc::be32:
      d = big_endian_int32(*v);
      break;
    case Enc::be64:
      d = big_endian_int64(*v);
      break;
    case Enc::be_minimal:
      d = big_endian_minimal(*v);
      break;
    case Enc::be_1_or_4:
      // Spring writes retry_topic-attempts as one byte (older) or an int32.
      d = v->size() == 1 ? big_endian_minimal(*v) : big_endian_int32(*v);
      if (!d.ok()) {
        d.problem = std::to_string(v->size()) + " byte(s), expected 1 or 4 (big-endian integer)";
      }
      break;
    case Enc::decimal:
      d = decimal(*v);
      break;
  }
  if (!d.ok()) {
    m_out.problems.push_back("header '" + std::string(key) + "': " + d.problem);
    return std::nullopt;
  }
  return d.value;
}

void Filler::number(std::optional<int32_t>& field, std::string_view key, Enc enc, bool first) {
  const auto v = decode(key, enc, first);
  if (!v) {
    return;
  }
  if (*v < 0 || *v > INT32_MAX) {
    m_out.problems.push_back("header '" + std::string(key) + "': " + std::to_string(*v) +
                             " is not a partition number");
    return;
  }
  field = static_cast<int32_t>(*v);
}

void Filler::number(std::optional<int64_t>& field, std::string_view key, Enc enc, bool first) {
  if (const auto v = decode(key, enc, first)) {
    field = *v;
  }
}

std::string retry_origin(std::string_view topic) {
  // Spring names them <topic>-retry, <topic>-retry-N, <topic>-retry-<delay>
  // and <topic>-dlt (>= 3.3) or <topic>.DLT (<= 3.2).
  for (const std::string_view suffix : {"-dlt", ".DLT"}) {
    if (topic.size() > suffix.size() && topic.ends_with(suffix)) {
      return std::string(topic.substr(0, topic.size() - suffix.size()));
    }
  }
  const auto pos = topic.rfind("-retry");
  if (pos == std::string_view::npos || pos == 0) {
    return {};
  }
  const auto rest = topic.substr(pos + 6);
  if (!rest.empty() && (rest[0] != '-' || rest.size() == 1 ||
                        rest.substr(1).find_first_not_of("0123456789") != std::string_view::npos)) {
    return {};
  }
  return std::string(topic.substr(0, pos));
}

}  // namespace evt::dlq::detail
