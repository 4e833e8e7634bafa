#pragma once
// Error groups: dead letters with the same original topic, exception class
// and normalised message, counted with the first and last time seen.

#include "evt/dlq/convention.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace evt::dlq {

// Distinct error groups kept; further ones count under one "(other)" group.
inline constexpr size_t k_max_error_groups = 10000;

// Failures that look alike.
struct ErrorGroup {
  std::string original_topic;
  std::string exception_class;
  std::string pattern;  // normalised message
  std::string example;  // one message as written (cut at k_normalise_limit)
  uint64_t count = 0;
  int64_t first_ms = -1;  // dead-letter record times
  int64_t last_ms = -1;
};

// Counts dead letters into groups (bounded: k_max_error_groups).
class ErrorGroups {
 public:
  void add(int64_t timestamp_ms, const DeadLetter& dead);
  // Most frequent first.
  std::vector<ErrorGroup> sorted() const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, ErrorGroup> m_groups;
};

}  // namespace evt::dlq
