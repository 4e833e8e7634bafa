#include "evt/consume/pipe_protocol.hpp"

#include <nlohmann/json.hpp>

namespace evt::consume {
namespace {

std::optional<AttemptResult> make(std::string_view verdict, std::string_view reason) {
  AttemptResult r;
  if (verdict == "ok") {
    r.verdict = Verdict::done;
    return r;
  }
  if (verdict == "retry") {
    r.verdict = Verdict::retry;
  } else if (verdict == "fail") {
    r.verdict = Verdict::permanent;
  } else {
    return std::nullopt;
  }
  r.error = "verdict:" + std::string(verdict);
  r.detail = std::string(reason);
  return r;
}

}  // namespace

std::optional<AttemptResult> parse_verdict_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  const auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return std::nullopt;
  }
  line.remove_prefix(first);
  if (line.front() == '{') {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) {
      return std::nullopt;
    }
    const auto v = j.find("verdict");
    if (v == j.end() || !v->is_string()) {
      return std::nullopt;
    }
    std::string reason;
    if (const auto r = j.find("reason"); r != j.end() && r->is_string()) {
      reason = r->get<std::string>();
    }
    return make(v->get_ref<const std::string&>(), reason);
  }
  const auto space = line.find_first_of(" \t");
  const auto word = line.substr(0, space);
  std::string_view reason;
  if (space != std::string_view::npos) {
    reason = line.substr(space + 1);
    const auto start = reason.find_first_not_of(" \t");
    reason = start == std::string_view::npos ? std::string_view() : reason.substr(start);
  }
  if (word == "ok" && !reason.empty()) {
    return std::nullopt;
  }
  return make(word, reason);
}

}  // namespace evt::consume
