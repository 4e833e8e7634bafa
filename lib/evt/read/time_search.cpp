#include "evt/read/time_search.hpp"

namespace evt::read {
namespace {

// The answer lies in [lo, hi) or is `best` (an offset known to qualify).
struct SearchState {
  int64_t lo = 0;
  int64_t hi = 0;
  int64_t best = 0;
};

}  // namespace

std::map<TopicPartition, int64_t> search_offsets_for_time(const std::map<TopicPartition, OffsetRange>& ranges,
                                                          int64_t ts_ms, const TimestampProbe& probe,
                                                          int* rounds) {
  std::map<TopicPartition, SearchState> states;
  for (const auto& [tp, r] : ranges) {
    const int64_t end = std::max(r.end, r.start);
    states[tp] = {r.start, end, end};
  }
  int round_count = 0;
  for (;;) {
    std::map<TopicPartition, int64_t> asked;
    for (const auto& [tp, s] : states) {
      if (s.lo < s.hi) {
        asked[tp] = s.lo + (s.hi - s.lo) / 2;
      }
    }
    if (asked.empty()) {
      break;
    }
    ++round_count;
    const auto answers = probe(asked);
    for (const auto& [tp, mid] : asked) {
      auto& s = states[tp];
      const auto it = answers.find(tp);
      if (it == answers.end() || it->second.offset >= s.hi) {
        // No record in [mid, hi): the answer is below mid (or `best`).
        s.hi = mid;
      } else if (it->second.timestamp >= ts_ms) {
        // Offsets in [mid, found) do not exist, so `found` is the best
        // candidate from mid up; keep looking below mid.
        s.best = it->second.offset;
        s.hi = mid;
      } else {
        s.lo = std::max(it->second.offset, mid) + 1;
      }
    }
  }
  if (rounds != nullptr) {
    *rounds = round_count;
  }
  std::map<TopicPartition, int64_t> result;
  for (const auto& [tp, s] : states) {
    result[tp] = s.best;
  }
  return result;
}

}  // namespace evt::read
