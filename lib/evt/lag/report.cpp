#include "evt/lag/report.hpp"

#include "evt/codec/json_text.hpp"

#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

namespace evt::lag {

using output::terminal_safe;

std::string with_thousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  const size_t lead = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out = digits.substr(0, lead);
  for (size_t i = lead; i < digits.size(); i += 3) {
    out += "," + digits.substr(i, 3);
  }
  return value < 0 ? "-" + out : out;
}

std::string human_duration(double seconds) {
  if (seconds < 0) {
    seconds = 0;
  }
  if (seconds < 1) {
    return std::to_string(static_cast<int64_t>(std::lround(seconds * 1000))) + "ms";
  }
  const auto s = static_cast<int64_t>(std::floor(seconds));
  std::array<char, 48> buf{};
  if (s < 60) {
    std::snprintf(buf.data(), buf.size(), "%llds", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf.data(), buf.size(), "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(buf.data(), buf.size(), "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s % 3600 / 60));
  } else {
    std::snprintf(buf.data(), buf.size(), "%lldd%02lldh", static_cast<long long>(s / 86400),
                  static_cast<long long>(s % 86400 / 3600));
  }
  return buf.data();
}

namespace {

// Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are
// not one (overlong forms, surrogates and code points past U+10FFFF included).
size_t utf8_sequence(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) {
    return 1;
  }
  size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    lo = c == 0xE0 ? 0xA0 : 0x80;
    hi = c == 0xED ? 0x9F : 0xBF;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    lo = c == 0xF0 ? 0x90 : 0x80;
    hi = c == 0xF4 ? 0x8F : 0xBF;
  } else {
    return 0;
  }
  if (i + len > s.size() || b(i + 1) < lo || b(i + 1) > hi) {
    return 0;
  }
  for (size_t k = 2; k < len; ++k) {
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) {
      return 0;
    }
  }
  return len;
}

}  // namespace

std::string prometheus_label(const std::string& value) {
  // The exposition format is UTF-8 and a collector rejects the whole file
  // on one bad byte; group names are arbitrary bytes, so invalid sequences
  // become U+FFFD. Control, C1 and bidi characters are written as visible
  // escapes (the file is read on terminals too) whose backslash is itself
  // escaped, as the format wants for \ " and newline.
  std::string out;
  for (size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (const size_t len = utf8_sequence(value, i); len > 0) {
      const std::string_view seq(value.data() + i, len);
      if (output::is_printable_utf8(seq) && seq != "\t" && seq != "\r") {
        out.append(seq);
      } else {
        for (const char e : output::terminal_safe(seq)) {
          out += e;
          if (e == '\\') {
            out += '\\';
          }
        }
      }
      i += len;
      continue;
    } else {
      out += "\xEF\xBF\xBD";
    }
    ++i;
  }
  return out;
}

namespace {

std::string number(int64_t v, bool terminal) {
  return terminal ? with_thousands(v) : std::to_string(v);
}

std::string opt_number(const std::optional<int64_t>& v, bool terminal) {
  return v ? number(*v, terminal) : "-";
}

std::string opt_duration(const std::optional<double>& s) {
  return s ? human_duration(*s) : "-";
}

std::string rate(const std::optional<double>& r) {
  if (!r) {
    return "-";
  }
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f", *r);
  return buf.data();
}

std::string note_of(const PartitionLag& row) {
  if (!row.committed) {
    return "no commit";
  }
  if (row.ahead_of_end) {
    return "past log end";
  }
  return row.behind_retention ? "behind retention" : "";
}

// Seconds with millisecond precision, as JSON and Prometheus carry them.
double round_ms(double s) {
  return std::round(s * 1000.0) / 1000.0;
}

std::string utc_time(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf.data();
}

std::vector<std::string> group_names(const LagSnapshot& snap) {
  std::vector<std::string> out;
  for (const auto& g : snap.groups) {
    out.push_back(g.group);
  }
  return out;
}

std::string join_partitions(const std::vector<TopicPartition>& parts) {
  // "orders:0,1,2 payments:3": compact enough for a table cell.
  std::map<std::string, std::string> by_topic;
  for (const auto& tp : parts) {
    auto& s = by_topic[tp.topic];
    s += (s.empty() ? "" : ",") + std::to_string(tp.partition);
  }
  std::string out;
  for (const auto& [topic, list] : by_topic) {
    out += (out.empty() ? "" : " ") + topic + ":" + list;
  }
  return out.empty() ? "-" : out;
}

}  // namespace

std::string render_table(const LagSnapshot& snap, const ReportStyle& style) {
  const bool t = style.terminal;
  const auto* watch = style.watch;
  std::vector<std::string> header = {"GROUP",     "TOPIC",   "PARTITION", "COMMITTED",
                                     "LOG-START", "LOG-END", "LAG",       "TIME-LAG"};
  if (watch != nullptr) {
    for (const char* h : {"CONSUME/S", "PRODUCE/S", "TREND", "CATCH-UP", "STATUS"}) {
      header.emplace_back(h);
    }
  }
  header.emplace_back("NOTE");
  output::Table table(header);
  for (size_t c = 2; c < 8; ++c) {
    table.align_right(c);
  }
  if (watch != nullptr) {
    table.align_right(8);
    table.align_right(9);
    table.align_right(11);
  }
  auto rows = snap.partitions;
  sort_by_lag(rows);
  for (const auto& r : rows) {
    std::vector<std::string> cells = {
        terminal_safe(r.group),     terminal_safe(r.partition.topic), std::to_string(r.partition.partition),
        opt_number(r.committed, t), number(r.log_start, t),           number(r.log_end, t),
        opt_number(r.lag, t),       opt_duration(r.time_lag_s)};
    if (watch != nullptr) {
      const auto e = watch->evaluation(r.group, r.partition).value_or(LagEvaluation{});
      cells.push_back(rate(e.consume_rate));
      cells.push_back(rate(e.produce_rate));
      cells.push_back(to_string(e.trend));
      cells.push_back(e.catch_up_s ? human_duration(*e.catch_up_s)
                                   : (e.consume_rate && r.lag ? "never" : "-"));
      cells.push_back(to_string(e.status));
    }
    cells.push_back(note_of(r));
    table.add_row(std::move(cells));
  }
  std::string out = table.render();

  // Totals: per topic within a group, then the group itself.
  const auto totals = lag_totals(snap.partitions, group_names(snap));
  std::vector<std::string> theader = {"GROUP", "STATE",        "TOPIC",    "PARTITIONS",
                                      "LAG",   "MAX-TIME-LAG", "NO-COMMIT"};
  if (watch != nullptr) {
    theader.emplace_back("STATUS");
  }
  output::Table tt(theader);
  for (size_t c : {3, 4, 5, 6}) {
    tt.align_right(c);
  }
  for (const auto& g : totals.groups) {
    std::string state = "-";
    for (const auto& s : snap.groups) {
      if (s.group == g.group && s.state) {
        state = kafka::to_string(*s.state);
      }
    }
    for (const auto& tp : totals.topics) {
      if (tp.group != g.group) {
        continue;
      }
      std::vector<std::string> cells = {terminal_safe(g.group),
                                        state,
                                        terminal_safe(tp.topic),
                                        number(static_cast<int64_t>(tp.partitions), t),
                                        number(tp.lag, t),
                                        opt_duration(tp.max_time_lag_s),
                                        number(static_cast<int64_t>(tp.uncommitted), t)};
      if (watch != nullptr) {
        cells.emplace_back("");
      }
      tt.add_row(std::move(cells));
    }
    std::vector<std::string> cells = {terminal_safe(g.group),
                                      state,
                                      "(all)",
                                      number(static_cast<int64_t>(g.partitions), t),
                                      number(g.lag, t),
                                      opt_duration(g.max_time_lag_s),
                                      number(static_cast<int64_t>(g.uncommitted), t)};
    if (watch != nullptr) {
      cells.push_back(to_string(watch->group_status(g.group)));
    }
    tt.add_row(std::move(cells));
  }
  out += "\n" + tt.render();

  // Members, where the broker could describe the groups.
  bool any_members = false;
  output::Table mt({"GROUP", "MEMBER", "CLIENT-ID", "HOST", "ASSIGNMENT"});
  for (const auto& g : snap.groups) {
    if (!g.members) {
      continue;
    }
    for (const auto& m : *g.members) {
      any_members = true;
      mt.add_row({terminal_safe(g.group), terminal_safe(m.member_id), terminal_safe(m.client_id),
                  terminal_safe(m.host), terminal_safe(join_partitions(m.assignment))});
    }
  }
  if (any_members) {
    out += "\n" + mt.render();
  }
  return out;
}

namespace {

nlohmann::ordered_json row_json(const PartitionLag& r, const ReportStyle& style) {
  auto opt = [](const auto& v) -> nlohmann::ordered_json {
    if (v) {
      return *v;
    }
    return nullptr;
  };
  nlohmann::ordered_json j = {{"partition", r.partition.partition},
                              {"committed", opt(r.committed)},
                              {"log_start", r.log_start},
                              {"log_end", r.log_end},
                              {"lag", opt(r.lag)},
                              {"behind_retention", r.behind_retention},
                              {"ahead_of_log_end", r.ahead_of_end},
                              {"time_lag_seconds", nullptr}};
  if (r.time_lag_s) {
    j["time_lag_seconds"] = round_ms(*r.time_lag_s);
  }
  if (style.thresholds.any()) {
    j["over_threshold"] = exceeds(r, style.thresholds);
  }
  if (style.watch != nullptr) {
    const auto e = style.watch->evaluation(r.group, r.partition).value_or(LagEvaluation{});
    auto rounded = [](const std::optional<double>& v) -> nlohmann::ordered_json {
      if (v) {
        return std::round(*v * 1000.0) / 1000.0;
      }
      return nullptr;
    };
    j["consume_rate"] = rounded(e.consume_rate);
    j["produce_rate"] = rounded(e.produce_rate);
    j["trend"] = e.trend == LagTrend::unknown ? nlohmann::ordered_json(nullptr)
                                              : nlohmann::ordered_json(to_string(e.trend));
    j["catch_up_seconds"] = rounded(e.catch_up_s);
    j["status"] = e.status == LagStatus::pending ? nlohmann::ordered_json(nullptr)
                                                 : nlohmann::ordered_json(to_string(e.status));
  }
  return j;
}

nlohmann::ordered_json time_json(const std::optional<double>& s) {
  if (s) {
    return round_ms(*s);
  }
  return nullptr;
}

}  // namespace

std::string render_json(const LagSnapshot& snap, const ReportStyle& style, bool compact) {
  const auto totals = lag_totals(snap.partitions, group_names(snap));
  auto rows = snap.partitions;
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.group, a.partition) < std::tie(b.group, b.partition);
  });
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  for (const auto& summary : snap.groups) {
    nlohmann::ordered_json g = {{"group", summary.group}, {"state", nullptr}};
    if (summary.state) {
      g["state"] = kafka::to_string(*summary.state);
    }
    for (const auto& total : totals.groups) {
      if (total.group == summary.group) {
        g["lag"] = total.lag;
        g["max_time_lag_seconds"] = time_json(total.max_time_lag_s);
        g["partition_count"] = total.partitions;
        g["uncommitted"] = total.uncommitted;
        g["behind_retention"] = total.behind_retention;
        g["ahead_of_log_end"] = total.ahead_of_end;
      }
    }
    if (style.watch != nullptr) {
      const auto s = style.watch->group_status(summary.group);
      g["status"] =
          s == LagStatus::pending ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(to_string(s));
    }
    nlohmann::ordered_json topics = nlohmann::ordered_json::array();
    for (const auto& tt : totals.topics) {
      if (tt.group != summary.group) {
        continue;
      }
      nlohmann::ordered_json parts = nlohmann::ordered_json::array();
      for (const auto& r : rows) {
        if (r.group == summary.group && r.partition.topic == tt.topic) {
          parts.push_back(row_json(r, style));
        }
      }
      topics.push_back({{"topic", tt.topic},
                        {"lag", tt.lag},
                        {"max_time_lag_seconds", time_json(tt.max_time_lag_s)},
                        {"partition_count", tt.partitions},
                        {"uncommitted", tt.uncommitted},
                        {"behind_retention", tt.behind_retention},
                        {"ahead_of_log_end", tt.ahead_of_end},
                        {"partitions", std::move(parts)}});
    }
    g["topics"] = std::move(topics);
    g["members"] = nullptr;
    if (summary.members) {
      nlohmann::ordered_json members = nlohmann::ordered_json::array();
      for (const auto& m : *summary.members) {
        nlohmann::ordered_json assignment = nlohmann::ordered_json::array();
        for (const auto& tp : m.assignment) {
          assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
        }
        members.push_back({{"member_id", m.member_id},
                           {"client_id", m.client_id},
                           {"host", m.host},
                           {"assignment", std::move(assignment)}});
      }
      g["members"] = std::move(members);
    }
    groups.push_back(std::move(g));
  }
  nlohmann::ordered_json doc = {
      {"time", utc_time(snap.taken_ms)}, {"time_ms", snap.taken_ms}, {"groups", std::move(groups)}};
  return codec::terminal_safe_json(
             doc.dump(compact ? -1 : 2, ' ', false, nlohmann::ordered_json::error_handler_t::replace)) +
         "\n";
}

std::string render_prometheus(const LagSnapshot& snap) {
  auto rows = snap.partitions;
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(a.group, a.partition) < std::tie(b.group, b.partition);
  });
  auto labels = [](const PartitionLag& r) {
    return "{group=\"" + prometheus_label(r.group) + "\",topic=\"" + prometheus_label(r.partition.topic) +
           "\",partition=\"" + std::to_string(r.partition.partition) + "\"}";
  };
  auto seconds = [](double s) {
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), "%.3f", s);
    return std::string(buf.data());
  };
  std::string out;
  out +=
      "# HELP evt_consumer_lag_records Records the group has yet to consume "
      "(log end offset minus committed offset, from the log start when behind retention).\n";
  out += "# TYPE evt_consumer_lag_records gauge\n";
  for (const auto& r : rows) {
    if (r.lag) {
      out += "evt_consumer_lag_records" + labels(r) + " " + std::to_string(*r.lag) + "\n";
    }
  }
  out +=
      "# HELP evt_consumer_lag_seconds Age of the record at the committed offset "
      "(0 when caught up).\n";
  out += "# TYPE evt_consumer_lag_seconds gauge\n";
  for (const auto& r : rows) {
    if (r.time_lag_s) {
      out += "evt_consumer_lag_seconds" + labels(r) + " " + seconds(*r.time_lag_s) + "\n";
    }
  }
  out += "# HELP evt_consumer_committed_offset Offset the group committed (next to read).\n";
  out += "# TYPE evt_consumer_committed_offset gauge\n";
  for (const auto& r : rows) {
    if (r.committed) {
      out += "evt_consumer_committed_offset" + labels(r) + " " + std::to_string(*r.committed) + "\n";
    }
  }
  out +=
      "# HELP evt_consumer_lag_behind_retention 1 when the committed offset fell off "
      "retention.\n";
  out += "# TYPE evt_consumer_lag_behind_retention gauge\n";
  for (const auto& r : rows) {
    if (r.committed) {
      out += "evt_consumer_lag_behind_retention" + labels(r) + " " + (r.behind_retention ? "1" : "0") + "\n";
    }
  }
  return out;
}

std::string render_watch_line(const LagSnapshot& snap, const ReportStyle& style) {
  const auto totals = lag_totals(snap.partitions, group_names(snap));
  std::string line = utc_time(snap.taken_ms);
  for (const auto& g : totals.groups) {
    line += " " + terminal_safe(g.group) + " lag=" + number(g.lag, style.terminal) +
            " time-lag=" + opt_duration(g.max_time_lag_s);
    if (style.watch != nullptr) {
      line += " status=" + to_string(style.watch->group_status(g.group));
    }
    line += ";";
  }
  if (line.back() == ';') {
    line.pop_back();
  }
  return line + "\n";
}

std::string render_breaches(const LagSnapshot& snap, const Thresholds& thresholds, bool terminal) {
  auto rows = snap.partitions;
  sort_by_lag(rows);
  output::Table table({"GROUP", "TOPIC", "PARTITION", "LAG", "TIME-LAG"});
  for (size_t c : {2, 3, 4}) {
    table.align_right(c);
  }
  bool any = false;
  for (const auto& r : rows) {
    if (exceeds(r, thresholds)) {
      any = true;
      table.add_row({terminal_safe(r.group), terminal_safe(r.partition.topic),
                     std::to_string(r.partition.partition), opt_number(r.lag, terminal),
                     opt_duration(r.time_lag_s)});
    }
  }
  return any ? table.render() : std::string();
}

}  // namespace evt::lag
