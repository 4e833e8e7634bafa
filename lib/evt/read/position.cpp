#include "evt/read/position.hpp"

#include "evt/ascii.hpp"
#include "evt/error.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <set>
#include <string>

namespace evt::read {
namespace {

const char* const k_position_hint =
    "positions: beginning, end, N, +N, -N, :end, :N, N:M, N:end, @T, @:T, @T1:T2, @T:DURATION "
    "(see 'man evt-tail')";
const char* const k_time_hint =
    "times: unix seconds or milliseconds, YYYY-MM-DD, RFC 3339 (2026-11-20T10:00:00Z) or a "
    "duration before now such as -15m or -48h";

bool is_keyword(std::string_view s, std::initializer_list<const char*> words) {
  const auto l = ascii_lower(s);
  return std::any_of(words.begin(), words.end(), [&](const char* w) { return l == w; });
}

bool is_beginning_word(std::string_view s) {
  return is_keyword(s, {"start", "beginning", "oldest", "earliest"});
}

bool is_end_word(std::string_view s) {
  return is_keyword(s, {"end", "newest", "latest"});
}

// A non-negative decimal integer made of digits only (no sign, no spaces).
std::optional<int64_t> parse_count(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    return std::nullopt;
  }
  return v;
}

int64_t parse_offset(std::string_view s, std::string_view whole) {
  const auto v = parse_count(s);
  if (!v) {
    throw UsageError(
        "invalid position '" + std::string(whole) + "': '" + std::string(s) + "' is not an offset",
        k_position_hint);
  }
  return *v;
}

// Fixed-width digits at s[pos, pos+n).
std::optional<int> digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) {
    return std::nullopt;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// YYYY-MM-DD at the start of s, as days since the epoch.
std::optional<int64_t> parse_date(std::string_view s) {
  const auto y = digits(s, 0, 4);
  const auto m = digits(s, 5, 2);
  const auto d = digits(s, 8, 2);
  if (!y || !m || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') {
    return std::nullopt;
  }
  using namespace std::chrono;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) {
    return std::nullopt;
  }
  return sys_days{ymd}.time_since_epoch().count();
}

// RFC 3339: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM); 'T' may be a space.
std::optional<int64_t> parse_rfc3339(std::string_view s) {
  const auto days = parse_date(s);
  if (!days || s.size() < 20 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) {
    return std::nullopt;
  }
  const auto hh = digits(s, 11, 2);
  const auto mm = digits(s, 14, 2);
  const auto ss = digits(s, 17, 2);
  if (!hh || !mm || !ss || s[13] != ':' || s[16] != ':' || *hh > 23 || *mm > 59 || *ss > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    const size_t first = pos;
    int64_t scale = 100;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      millis += (s[pos] - '0') * scale;  // digits past milliseconds are dropped
      scale /= 10;
      ++pos;
    }
    if (pos == first) {
      return std::nullopt;
    }
  }
  int64_t offset_min = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    const auto oh = digits(s, pos + 1, 2);
    const auto om = digits(s, pos + 4, 2);
    if (!oh || !om || s[pos + 3] != ':') {
      return std::nullopt;
    }
    offset_min = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) {
    return std::nullopt;
  }
  const int64_t seconds = *days * 86400 + *hh * 3600 + *mm * 60 + std::min(*ss, 59) - offset_min * 60;
  return seconds * 1000 + millis;
}

[[noreturn]] void bad_time(std::string_view text) {
  throw UsageError("invalid time '" + std::string(text) + "'", k_time_hint);
}

// The end side of "@T1:X": a time, "end", or a duration after T1.
Bound parse_time_end(std::string_view right, int64_t start_ms, int64_t now_ms) {
  if (is_end_word(right)) {
    return {BoundKind::end, 0};
  }
  const std::string_view unsigned_part = right.starts_with('+') ? right.substr(1) : right;
  if (const auto d = parse_duration(unsigned_part)) {
    return {BoundKind::time, start_ms + *d};
  }
  return {BoundKind::time, parse_time_point(right, now_ms)};
}

PositionSpec parse_time_range(std::string_view text, int64_t now_ms) {
  const std::string_view body = text.substr(1);
  if (body.empty()) {
    throw UsageError("invalid position '@': a time is missing after '@'", k_time_hint);
  }
  if (body.front() == ':') {
    return {{BoundKind::beginning, 0}, Bound{BoundKind::time, parse_time_point(body.substr(1), now_ms)}};
  }
  // Times contain ':' themselves (10:00:00, +01:00): the whole text is tried
  // first, then each ':' as the range separator from the left.
  try {
    return {{BoundKind::time, parse_time_point(body, now_ms)}, std::nullopt};
  } catch (const UsageError&) {
  }
  for (size_t i = body.find(':'); i != std::string_view::npos; i = body.find(':', i + 1)) {
    int64_t start = 0;
    try {
      start = parse_time_point(body.substr(0, i), now_ms);
    } catch (const UsageError&) {
      continue;
    }
    const auto right = body.substr(i + 1);
    if (right.empty()) {
      return {{BoundKind::time, start}, std::nullopt};
    }
    const Bound end = parse_time_end(right, start, now_ms);
    if (end.kind == BoundKind::time && end.value < start) {
      throw UsageError("invalid position '" + std::string(text) + "': the end time is before the start time");
    }
    return {{BoundKind::time, start}, end};
  }
  throw UsageError("invalid time position '" + std::string(text) + "'",
                   std::string("use @T, @T:, @:T, @T1:T2 or @T:DURATION; ") + k_time_hint);
}

}  // namespace

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  int64_t total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t first = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
    }
    const auto n = parse_count(text.substr(first, pos - first));
    if (!n) {
      return std::nullopt;
    }
    int64_t unit = 0;
    if (text.substr(pos).starts_with("ms")) {
      unit = 1;
      pos += 2;
    } else if (pos < text.size()) {
      switch (text[pos]) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60'000;
          break;
        case 'h':
          unit = 3'600'000;
          break;
        case 'd':
          unit = 86'400'000;
          break;
        default:
          return std::nullopt;
      }
      ++pos;
    } else {
      return std::nullopt;  // a number without a unit is not a duration
    }
    total += *n * unit;
  }
  return total;
}

int64_t parse_time_point(std::string_view text, int64_t now_ms) {
  if (text.empty()) {
    bad_time(text);
  }
  if (is_keyword(text, {"now"})) {
    return now_ms;
  }
  if (text.front() == '-') {
    const auto d = parse_duration(text.substr(1));
    if (!d) {
      bad_time(text);
    }
    return now_ms - *d;
  }
  if (const auto n = parse_count(text)) {
    // Unix seconds have at most 11 digits until the year 5138; anything
    // larger is taken as milliseconds (what Kafka timestamps are).
    return *n < 100'000'000'000 ? *n * 1000 : *n;
  }
  if (text.size() == 10) {
    if (const auto days = parse_date(text)) {
      return *days * 86'400'000;
    }
  }
  if (const auto ms = parse_rfc3339(text)) {
    return *ms;
  }
  bad_time(text);
}

PositionSpec parse_position(std::string_view text, int64_t now_ms) {
  if (text.empty()) {
    throw UsageError("empty position", k_position_hint);
  }
  if (text.front() == '@') {
    return parse_time_range(text, now_ms);
  }
  if (is_beginning_word(text)) {
    return {{BoundKind::beginning, 0}, std::nullopt};
  }
  if (is_end_word(text)) {
    return {{BoundKind::end, 0}, std::nullopt};
  }
  if (text.front() == '+') {
    return {{BoundKind::after_start, parse_offset(text.substr(1), text)}, std::nullopt};
  }
  if (text.front() == '-') {
    return {{BoundKind::before_end, parse_offset(text.substr(1), text)}, std::nullopt};
  }
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return {{BoundKind::offset, parse_offset(text, text)}, std::nullopt};
  }
  const auto left = text.substr(0, colon);
  const auto right = text.substr(colon + 1);
  PositionSpec spec;
  if (left.empty() || is_beginning_word(left)) {
    spec.start = {BoundKind::beginning, 0};
  } else {
    spec.start = {BoundKind::offset, parse_offset(left, text)};
  }
  if (right.empty()) {
    if (left.empty()) {
      throw UsageError("invalid position ':': give an end after ':'", k_position_hint);
    }
    return spec;
  }
  if (is_end_word(right)) {
    spec.end = Bound{BoundKind::end, 0};
  } else {
    spec.end = Bound{BoundKind::offset, parse_offset(right, text)};
    if (spec.start.kind == BoundKind::offset && spec.end->value < spec.start.value) {
      throw UsageError("invalid position '" + std::string(text) + "': the end offset " +
                       std::to_string(spec.end->value) + " is before the start offset " +
                       std::to_string(spec.start.value));
    }
  }
  return spec;
}

Bound parse_end_position(std::string_view text, int64_t now_ms) {
  if (is_end_word(text)) {
    return {BoundKind::end, 0};
  }
  if (text.starts_with('@') && text.size() > 1) {
    return {BoundKind::time, parse_time_point(text.substr(1), now_ms)};
  }
  if (const auto n = parse_count(text)) {
    return {BoundKind::offset, *n};
  }
  throw UsageError("invalid end position '" + std::string(text) + "'",
                   "--end takes end, an offset N (excluded) or @T");
}

std::vector<int32_t> parse_partition_list(std::string_view text) {
  std::set<int32_t> ids;
  const auto bad = [&] {
    throw UsageError("invalid partition list '" + std::string(text) + "'",
                     "use partition numbers and ranges such as 0,2 or 0-3");
  };
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const auto item = text.substr(pos, comma - pos);
    const auto dash = item.find('-');
    const auto a = parse_count(item.substr(0, dash));
    const auto b = dash == std::string_view::npos ? a : parse_count(item.substr(dash + 1));
    if (!a || !b || *a > *b || *b > INT32_MAX || *b - *a > 100'000) {
      bad();
    }
    for (int64_t p = *a; p <= *b; ++p) {
      ids.insert(static_cast<int32_t>(p));
    }
    pos = comma + 1;
  }
  return {ids.begin(), ids.end()};
}

bool uses_time(const PositionSpec& spec) {
  return spec.start.kind == BoundKind::time || (spec.end && spec.end->kind == BoundKind::time);
}

PartitionPlan resolve_position(const PositionSpec& spec, const TopicPartition& partition,
                               const OffsetRange& range, bool exit_at_end,
                               const TimeToOffset& time_to_offset) {
  // Ranges end at most at the current end: a bounded read never waits for
  // records that do not exist yet.
  const int64_t ls = range.start;
  const int64_t le = std::max(range.end, range.start);
  const auto clamp = [&](int64_t v) { return std::clamp(v, ls, le); };
  PartitionPlan plan;
  plan.partition = partition;
  plan.log_end = le;
  const Bound& s = spec.start;
  switch (s.kind) {
    case BoundKind::beginning:
      plan.start = ls;
      break;
    case BoundKind::end:
      plan.start = le;
      break;
    case BoundKind::offset:
      plan.start = clamp(s.value);
      break;
    case BoundKind::after_start:
      plan.start = s.value > le - ls ? le : ls + s.value;
      break;
    case BoundKind::before_end:
      plan.start = s.value > le - ls ? ls : le - s.value;
      break;
    case BoundKind::time:
      plan.start = clamp(time_to_offset(partition, s.value));
      break;
  }
  if (spec.end) {
    const Bound& e = *spec.end;
    switch (e.kind) {
      case BoundKind::end:
        plan.end = le;
        break;
      case BoundKind::offset:
        plan.end = clamp(e.value);
        break;
      case BoundKind::time:
        plan.end = clamp(time_to_offset(partition, e.value));
        break;
      case BoundKind::beginning:
        plan.end = ls;
        break;
      case BoundKind::after_start:
        plan.end = std::min(ls + e.value, le);
        break;
      case BoundKind::before_end:
        plan.end = std::max(le - e.value, ls);
        break;
    }
  } else if (exit_at_end) {
    plan.end = le;
  }
  if (plan.end && *plan.end < plan.start) {
    plan.end = plan.start;
  }
  return plan;
}

PositionSpec parse_start_end(std::string_view start, std::string_view end, Bound default_start,
                             int64_t now_ms) {
  PositionSpec spec;
  spec.start = default_start;
  if (!start.empty()) {
    spec = parse_position(start, now_ms);
  }
  if (!end.empty()) {
    if (spec.end) {
      throw UsageError("--end conflicts with the range given by --start '" + std::string(start) + "'");
    }
    spec.end = parse_end_position(end, now_ms);
  }
  return spec;
}

}  // namespace evt::read
