// Runs Confluent's own JSON Schema diff examples against evt's checker so the
// claim "agrees with Confluent" is tested, not asserted.
#include "evt/schema/conformance.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "evt/error.hpp"
#include "evt/schema/json_schema_compat.hpp"

namespace evt::schema {

namespace fs = std::filesystem;
using nlohmann::json;

std::size_t ConformanceReport::unexplained() const {
  return static_cast<std::size_t>(std::count_if(disagreements.begin(), disagreements.end(),
                                                [](const auto& d) { return d.known_reason.empty(); }));
}

namespace {

std::map<std::string, std::string> read_known(const fs::path& file) {
  std::map<std::string, std::string> known;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto space = line.find_first_of(" \t");
    std::string id = line.substr(0, space);
    std::string reason = space == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", space));
    known[id] = reason.empty() ? "(no reason given)" : reason;
  }
  return known;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) {
    s += (s.empty() ? "" : ", ") + x;
  }
  return "[" + s + "]";
}

}  // namespace

ConformanceReport run_confluent_corpus(const fs::path& corpus_dir, const fs::path& known_differences) {
  ConformanceReport report;
  auto known = read_known(known_differences);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus_dir)) {
    if (e.path().extension() == ".json" && e.path().filename().string().rfind("diff-", 0) == 0) {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream buf;
    buf << in.rdbuf();
    // One corpus file has trailing commas, which strict JSON refuses.
    std::string text = std::regex_replace(buf.str(), std::regex(R"(,(\s*[\]}]))"), "$1");
    json cases = json::parse(text);
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const json& c = cases[i];
      ++report.cases;
      const std::string id = file.filename().string() + "#" + std::to_string(i);
      std::vector<std::string> expected;
      for (const auto& ch : c["changes"]) {
        expected.push_back(ch.get<std::string>());
      }
      std::string detail;
      try {
        auto original = load_json_schema(c["original_schema"]);
        auto update = load_json_schema(c["update_schema"]);
        auto diffs = diff_json_schemas(original->root(), update->root(), Policy::strict);
        std::vector<std::string> got;
        for (const auto& d : diffs) {
          got.push_back(d.type + " " + d.path);
        }
        auto sorted_expected = expected, sorted_got = got;
        std::sort(sorted_expected.begin(), sorted_expected.end());
        std::sort(sorted_got.begin(), sorted_got.end());
        const bool strict = all_compatible(diffs, Policy::strict);
        if (sorted_got != sorted_expected) {
          detail += "changes: expected " + join(expected) + ", got " + join(got) + "; ";
        }
        if (strict != c["compatible"].get<bool>()) {
          detail +=
              std::string("strict verdict: expected ") + (strict ? "incompatible" : "compatible") + "; ";
        }
        if (c.contains("compatible_lenient")) {
          auto lenient_diffs = diff_json_schemas(original->root(), update->root(), Policy::lenient);
          const bool lenient = all_compatible(lenient_diffs, Policy::lenient);
          if (lenient != c["compatible_lenient"].get<bool>()) {
            detail +=
                std::string("lenient verdict: expected ") + (lenient ? "incompatible" : "compatible") + "; ";
          }
        }
      } catch (const std::exception& e) {
        detail = std::string("error: ") + e.what();
      }
      auto k = known.find(id);
      if (detail.empty()) {
        ++report.agreed;
        if (k != known.end()) {
          report.stale_known.push_back(id);
        }
        continue;
      }
      report.disagreements.push_back(
          {id, c.value("description", ""), detail, k == known.end() ? "" : k->second});
    }
  }
  return report;
}

}  // namespace evt::schema
