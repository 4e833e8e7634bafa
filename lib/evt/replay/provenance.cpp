#include "evt/replay/provenance.hpp"

#include <charconv>

namespace evt::replay {

std::string format_source(const TopicPartition& tp, int64_t offset) {
  std::string out;
  format_source_into(out, tp, offset);
  return out;
}

void format_source_into(std::string& out, const TopicPartition& tp, int64_t offset) {
  // Called once per copied record: no temporaries.
  char digits[24];
  out.assign(tp.topic);
  out += '/';
  auto r = std::to_chars(digits, digits + sizeof digits, tp.partition);
  out.append(digits, r.ptr);
  out += '@';
  r = std::to_chars(digits, digits + sizeof digits, offset);
  out.append(digits, r.ptr);
}

std::optional<SourceAddress> parse_source(std::string_view text) {
  // Kafka topic names cannot hold '/' or '@', so the last of each splits.
  const auto at = text.rfind('@');
  const auto slash = text.rfind('/', at);
  if (at == std::string_view::npos || slash == std::string_view::npos || slash == 0 || slash > at) {
    return std::nullopt;
  }
  SourceAddress a;
  a.partition.topic = std::string(text.substr(0, slash));
  const auto part = text.substr(slash + 1, at - slash - 1);
  const auto off = text.substr(at + 1);
  auto r1 = std::from_chars(part.data(), part.data() + part.size(), a.partition.partition);
  auto r2 = std::from_chars(off.data(), off.data() + off.size(), a.offset);
  if (part.empty() || off.empty() || r1.ec != std::errc() || r1.ptr != part.data() + part.size() ||
      r2.ec != std::errc() || r2.ptr != off.data() + off.size() || a.partition.partition < 0 ||
      a.offset < 0) {
    return std::nullopt;
  }
  return a;
}

}  // namespace evt::replay
