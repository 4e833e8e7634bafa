#include "evt/dlq/groups.hpp"

#include "evt/dlq/normalise.hpp"

#include <algorithm>

namespace evt::dlq {

void ErrorGroups::add(int64_t timestamp_ms, const DeadLetter& dead) {
  auto key = std::make_tuple(dead.original_topic, dead.exception_class, normalise_message(dead.message));
  auto it = m_groups.find(key);
  if (it == m_groups.end()) {
    if (m_groups.size() >= k_max_error_groups) {
      // Hostile or very varied input: memory stays bounded.
      key = {"(other)", "(other)", "(more than " + std::to_string(k_max_error_groups) + " groups)"};
      it = m_groups.find(key);
    }
    if (it == m_groups.end()) {
      ErrorGroup g;
      std::tie(g.original_topic, g.exception_class, g.pattern) = key;
      g.example = dead.message.substr(0, k_normalise_limit);
      it = m_groups.emplace(std::move(key), std::move(g)).first;
    }
  }
  auto& g = it->second;
  ++g.count;
  if (timestamp_ms >= 0) {
    g.first_ms = g.first_ms < 0 ? timestamp_ms : std::min(g.first_ms, timestamp_ms);
    g.last_ms = std::max(g.last_ms, timestamp_ms);
  }
}

std::vector<ErrorGroup> ErrorGroups::sorted() const {
  std::vector<ErrorGroup> out;
  out.reserve(m_groups.size());
  for (const auto& [k, g] : m_groups) {
    out.push_back(g);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ErrorGroup& a, const ErrorGroup& b) { return a.count > b.count; });
  return out;
}

}  // namespace evt::dlq
