#include "evt/replay/checkpoint.hpp"

#include <algorithm>
#include <charconv>

namespace evt::replay {
namespace {

constexpr std::string_view k_magic = "evt-replay/1;";

template <typename T>
bool parse_int(std::string_view s, T& out) {
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
}

void append_scan(std::string& s, const std::map<int32_t, int64_t>& scan) {
  bool first = true;
  for (const auto& [dp, off] : scan) {
    s += (first ? "" : ",") + std::to_string(dp) + ":" + std::to_string(off);
    first = false;
  }
}

// "dp:off,dp:off"; false when malformed.
bool parse_scan(std::string_view value, std::map<int32_t, int64_t>& out) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    const auto item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    const auto colon = item.find(':');
    int32_t dp = 0;
    int64_t off = 0;
    if (colon == std::string_view::npos || !parse_int(item.substr(0, colon), dp) ||
        !parse_int(item.substr(colon + 1), off)) {
      return false;
    }
    out[dp] = off;
  }
  return true;
}

}  // namespace

std::string encode_checkpoint(const CheckpointMeta& meta) {
  std::string s(k_magic);
  s += "end=" + std::to_string(meta.end) + ";prov=" + (meta.provenance ? "1" : "0") + ";dst=";
  append_scan(s, meta.dest_scan);
  for (const auto& [topic, scan] : meta.topic_scan) {
    s += ";at=" + topic + "/";
    append_scan(s, scan);
  }
  if (!meta.to.empty()) {
    s += ";to=" + meta.to;
  }
  if (!meta.by.empty()) {
    s += ";by=" + meta.by;
  }
  return s;
}

std::optional<CheckpointMeta> decode_checkpoint(std::string_view text) {
  if (text.substr(0, k_magic.size()) != k_magic) {
    return std::nullopt;
  }
  text.remove_prefix(k_magic.size());
  CheckpointMeta m;
  bool have_end = false;
  bool have_prov = false;
  while (!text.empty()) {
    const auto semi = text.find(';');
    const auto field = text.substr(0, semi);
    text = semi == std::string_view::npos ? std::string_view{} : text.substr(semi + 1);
    const auto eq = field.find('=');
    if (eq == std::string_view::npos) {
      return std::nullopt;
    }
    const auto name = field.substr(0, eq);
    auto value = field.substr(eq + 1);
    if (name == "end") {
      have_end = parse_int(value, m.end);
    } else if (name == "prov") {
      have_prov = value == "0" || value == "1";
      m.provenance = value == "1";
    } else if (name == "dst") {
      if (!parse_scan(value, m.dest_scan)) {
        return std::nullopt;
      }
    } else if (name == "to") {
      // Kafka topic names hold neither ';' nor '='.
      if (value.empty()) {
        return std::nullopt;
      }
      m.to = std::string(value);
    } else if (name == "by") {
      if (value != "same" && value != "key") {
        return std::nullopt;
      }
      m.by = std::string(value);
    } else if (name == "at") {
      const auto slash = value.find('/');
      if (slash == std::string_view::npos || slash == 0 ||
          !parse_scan(value.substr(slash + 1), m.topic_scan[std::string(value.substr(0, slash))])) {
        return std::nullopt;
      }
    }
  }
  if (!have_end || !have_prov) {
    return std::nullopt;
  }
  return m;
}

void DestScanTracker::start(const std::map<int32_t, int64_t>& dest_end) {
  for (const auto& [dp, end] : dest_end) {
    auto& p = m_parts[dp];
    p.next = std::max(p.next, end);
  }
}

void DestScanTracker::acked(int32_t dp, int64_t dest_offset, uint32_t source, int64_t source_offset) {
  auto& p = m_parts[dp];
  const Entry e{dest_offset, source, source_offset};
  // Acknowledgements per partition come in offset order: append. Records
  // found by the resume scan lie below everything new: insert in place.
  if (p.uncovered.empty() || p.uncovered.back().dest_offset < dest_offset) {
    p.uncovered.push_back(e);
  } else {
    const auto pos = std::lower_bound(p.uncovered.begin(), p.uncovered.end(), dest_offset,
                                      [](const Entry& x, int64_t o) { return x.dest_offset < o; });
    if (pos != p.uncovered.end() && pos->dest_offset == dest_offset) {
      return;  // already known
    }
    p.uncovered.insert(pos, e);
  }
  p.next = std::max(p.next, dest_offset + 1);
  ++m_size;
}

void DestScanTracker::prune(const std::function<bool(uint32_t, int64_t)>& covered) {
  for (auto& [dp, p] : m_parts) {
    // Only the front matters for scan_start; covered records behind an
    // uncovered one go once the front does.
    while (!p.uncovered.empty() && covered(p.uncovered.front().source, p.uncovered.front().source_offset)) {
      p.uncovered.pop_front();
      --m_size;
    }
  }
}

void DestScanTracker::forget(uint32_t source) {
  for (auto& [dp, p] : m_parts) {
    const auto before = p.uncovered.size();
    std::erase_if(p.uncovered, [source](const Entry& e) { return e.source == source; });
    m_size -= before - p.uncovered.size();
  }
}

int64_t DestScanTracker::scan_start(int32_t dp) const {
  const auto it = m_parts.find(dp);
  if (it == m_parts.end()) {
    return 0;
  }
  return it->second.uncovered.empty() ? it->second.next : it->second.uncovered.front().dest_offset;
}

}  // namespace evt::replay
