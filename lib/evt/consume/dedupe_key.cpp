#include "evt/consume/dedupe_key.hpp"

#include "evt/codec/cloudevents.hpp"
#include "evt/error.hpp"

#include <nlohmann/json.hpp>

namespace evt::consume {
namespace {

const Header* find_header(const Record& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.key == name) {
      return &h;
    }
  }
  return nullptr;
}

// A JSON scalar as an id: strings as they are, numbers and booleans as text.
std::optional<std::string> scalar_id(const nlohmann::json* node) {
  if (node == nullptr) {
    return std::nullopt;
  }
  if (node->is_string()) {
    return node->get<std::string>();
  }
  if (node->is_number() || node->is_boolean()) {
    return node->dump();
  }
  return std::nullopt;
}

bool is_structured(const Record& r) {
  const Header* h = find_header(r, "content-type");
  return h != nullptr && h->value && h->value->starts_with("application/cloudevents+json");
}

}  // namespace

DedupeKey::DedupeKey(std::string_view spec) : m_text(spec) {
  if (spec == "ce_id") {
    m_kind = Kind::ce_id;
  } else if (spec == "key") {
    m_kind = Kind::key;
  } else if (spec.starts_with("header:") && spec.size() > 7) {
    m_kind = Kind::header;
    m_header = std::string(spec.substr(7));
  } else if (spec.starts_with("json:") && spec.size() > 5) {
    m_kind = Kind::json;
    m_path = filter::parse_json_path(spec.substr(5));
  } else {
    throw UsageError("--dedupe-by: '" + std::string(spec) + "' is not ce_id, key, header:NAME or json:PATH");
  }
}

std::optional<std::string> DedupeKey::extract(const Record& r) const {
  switch (m_kind) {
    case Kind::key:
      return r.key;
    case Kind::header: {
      const Header* h = find_header(r, m_header);
      return h != nullptr ? h->value : std::nullopt;
    }
    case Kind::ce_id: {
      if (const Header* h = find_header(r, "ce_id"); h != nullptr && h->value) {
        return h->value;
      }
      if (!r.value || !is_structured(r)) {
        return std::nullopt;
      }
      const auto doc = nlohmann::json::parse(*r.value, nullptr, false);
      if (!doc.is_object()) {
        return std::nullopt;
      }
      const auto it = doc.find("id");
      return it == doc.end() ? std::nullopt : scalar_id(&*it);
    }
    case Kind::json: {
      if (!r.value) {
        return std::nullopt;
      }
      const auto doc = nlohmann::json::parse(*r.value, nullptr, false);
      if (doc.is_discarded()) {
        return std::nullopt;
      }
      return scalar_id(filter::find_path(doc, m_path));
    }
  }
  return std::nullopt;
}

}  // namespace evt::consume
