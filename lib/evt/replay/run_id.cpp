#include "evt/replay/run_id.hpp"

#include "evt/error.hpp"

#include <cstdint>
#include <cstdio>

namespace evt::replay {

std::string derive_run_id(std::string_view selection) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : selection) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "r-%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string selection_text(const std::vector<read::PartitionPlan>& plans,
                           const std::vector<std::string>& extras) {
  std::string text;
  for (const auto& p : plans) {
    text += p.partition.topic + "/" + std::to_string(p.partition.partition) + ":" + std::to_string(p.start) +
            "-" + std::to_string(p.end.value_or(-1)) + "\n";
  }
  for (const auto& e : extras) {
    text += e + "\n";
  }
  return text;
}

void check_run_id(std::string_view id) {
  bool ok = !id.empty() && id.size() <= 100;
  for (const char c : id) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-');
  }
  if (!ok) {
    throw UsageError("--run-id must be 1-100 characters of letters, digits, '.', '_' and '-'");
  }
}

std::string run_group(std::string_view id) {
  return "evt-replay-" + std::string(id);
}

}  // namespace evt::replay
