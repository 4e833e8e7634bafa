#include "evt/dlq/select.hpp"

#include "evt/dlq/numbers.hpp"
#include "evt/error.hpp"

#include <algorithm>

namespace evt::dlq {
namespace {

bool exception_matches(const std::string& wanted, const std::string& actual) {
  if (wanted == actual) {
    return true;
  }
  // "OrderRejected" matches "org.acme.OrderRejected" and "org.acme.Outer$OrderRejected".
  return actual.size() > wanted.size() && actual.ends_with(wanted) &&
         (actual[actual.size() - wanted.size() - 1] == '.' ||
          actual[actual.size() - wanted.size() - 1] == '$');
}

}  // namespace

bool SelectSpec::empty() const {
  return original_topics.empty() && exceptions.empty() && messages.empty() && !since_ms && !until_ms &&
         !from_offset && !to_offset && !key;
}

bool selected(const SelectSpec& spec, const RecordView& record, const DeadLetter& dead) {
  if (!spec.original_topics.empty() && std::find(spec.original_topics.begin(), spec.original_topics.end(),
                                                 dead.original_topic) == spec.original_topics.end()) {
    return false;
  }
  if (!spec.exceptions.empty() &&
      std::none_of(spec.exceptions.begin(), spec.exceptions.end(),
                   [&](const auto& e) { return exception_matches(e, dead.exception_class); })) {
    return false;
  }
  if (!spec.messages.empty() && std::none_of(spec.messages.begin(), spec.messages.end(),
                                             [&](const auto& m) { return m.search(dead.message); })) {
    return false;
  }
  if ((spec.since_ms && record.timestamp < *spec.since_ms) ||
      (spec.until_ms && record.timestamp >= *spec.until_ms)) {
    return false;
  }
  if ((spec.from_offset && record.offset < *spec.from_offset) ||
      (spec.to_offset && record.offset >= *spec.to_offset)) {
    return false;
  }
  return !spec.key || (record.key && *record.key == *spec.key);
}

void parse_offset_range(const std::string& text, SelectSpec& spec) {
  const auto colon = text.find(':');
  const auto bad = [&] {
    return UsageError("invalid --offsets '" + text + "'", "use N:M (M excluded), N: or :M");
  };
  if (colon == std::string::npos) {
    throw bad();
  }
  const auto a = text.substr(0, colon);
  const auto b = text.substr(colon + 1);
  if (!a.empty()) {
    const auto d = decimal(a);
    if (!d.ok() || d.value < 0) {
      throw bad();
    }
    spec.from_offset = d.value;
  }
  if (!b.empty()) {
    const auto d = decimal(b);
    if (!d.ok() || d.value < 0) {
      throw bad();
    }
    spec.to_offset = d.value;
  }
  if (a.empty() && b.empty()) {
    throw bad();
  }
}

}  // namespace evt::dlq
