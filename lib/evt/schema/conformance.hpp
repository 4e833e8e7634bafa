#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace evt::schema {

// One corpus case where evt and Confluent disagree.
struct ConformanceDisagreement {
  std::string case_id;  // "<file>#<index>"
  std::string description;
  std::string detail;        // what differed
  std::string known_reason;  // non-empty when listed in the known-differences file
};

// The outcome of running Confluent's JSON Schema diff examples.
struct ConformanceReport {
  std::size_t cases = 0;
  std::size_t agreed = 0;
  std::vector<ConformanceDisagreement> disagreements;
  std::vector<std::string> stale_known;  // listed as known but now agreeing
  std::size_t unexplained() const;
};

// Runs every case of every diff-*.json file in `corpus_dir` (Confluent's
// format: original_schema, update_schema, changes, compatible,
// compatible_lenient) and compares verdicts and differences.
// `known_differences` lists "<case id> <reason>" lines; missing file = none.
ConformanceReport run_confluent_corpus(const std::filesystem::path& corpus_dir,
                                       const std::filesystem::path& known_differences);

}  // namespace evt::schema
