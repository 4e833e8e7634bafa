#include "evt/dlq/render.hpp"

#include "evt/codec/json_text.hpp"
#include "evt/output/record_format.hpp"
#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace evt::dlq {
namespace {

using output::terminal_safe;

std::string time_text(int64_t ms) {
  std::string s;
  output::append_rfc3339_ms(s, ms);
  return s;
}

std::string or_dash(const std::string& s) {
  return s.empty() ? "-" : terminal_safe(s);
}

template <typename T>
std::string opt_text(const std::optional<T>& v) {
  return v ? std::to_string(*v) : "-";
}

// The first k_folded_frames lines and how many more there are.
std::string fold(const std::string& trace, bool full) {
  if (full) {
    return trace;
  }
  size_t pos = 0;
  for (size_t i = 0; i < k_folded_frames && pos != std::string::npos; ++i) {
    pos = trace.find('\n', pos == 0 ? 0 : pos + 1);
  }
  if (pos == std::string::npos) {
    return trace;
  }
  size_t more = 0;
  for (size_t i = pos; i < trace.size(); ++i) {
    more += trace[i] == '\n' ? 1 : 0;
  }
  return trace.substr(0, pos) + "\n… " + std::to_string(more) + " more line(s) (--full)";
}

nlohmann::json group_json(const ErrorGroup& g) {
  return {{"original_topic", g.original_topic},
          {"exception_class", g.exception_class},
          {"pattern", g.pattern},
          {"example", g.example},
          {"count", g.count},
          {"first_seen_ms", g.first_ms},
          {"last_seen_ms", g.last_ms}};
}

std::string dump(const nlohmann::json& j) {
  // Strings from the network: C1 and bidi controls escaped too.
  return codec::terminal_safe_json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

// A Prometheus label value: terminal-safe, then \\ and \" escaped
// (escaping already turned newlines into \n).
std::string label(const std::string& text) {
  std::string out;
  for (const char c : terminal_safe(text)) {
    if (c == '\\' || c == '"') {
      out += '\\';
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string render_inspect_text(const InspectReport& report, bool full, int64_t now_ms) {
  (void)now_ms;
  std::string out = terminal_safe(report.topic) + ": " + std::to_string(report.selected) + " dead letter(s)";
  if (report.selected != report.read) {
    out += " selected of " + std::to_string(report.read);
  }
  out += ", " + std::to_string(report.groups.size()) + " error group(s)";
  std::string conv;
  for (const auto& [name, n] : report.conventions) {
    conv += (conv.empty() ? "" : ", ") + terminal_safe(name) + " " + std::to_string(n);
  }
  if (!conv.empty()) {
    out += "; conventions: " + conv;
  }
  if (report.undecodable > 0) {
    out += "; undecodable " + std::to_string(report.undecodable);
  }
  if (report.no_origin > 0) {
    out += "; no original topic " + std::to_string(report.no_origin);
  }
  out += "\n";
  if (!report.groups.empty()) {
    output::Table t({"COUNT", "ORIGINAL TOPIC", "EXCEPTION", "MESSAGE", "FIRST SEEN", "LAST SEEN"});
    t.align_right(0);
    for (const auto& g : report.groups) {
      t.add_row({std::to_string(g.count), or_dash(g.original_topic), or_dash(g.exception_class),
                 or_dash(g.pattern), time_text(g.first_ms), time_text(g.last_ms)});
    }
    out += t.render();
  }
  for (const auto& s : report.shown) {
    const auto& d = s.dead;
    out += "\n--- " + terminal_safe(report.topic) + "/" + std::to_string(s.partition) + "@" +
           std::to_string(s.offset) + " at " + time_text(s.timestamp) + "\n";
    out += "  convention:  " + or_dash(d.convention_name) + "\n";
    out += "  key:         " + (s.key ? terminal_safe(*s.key) : "(null)") + "\n";
    out += "  original:    " + or_dash(d.original_topic) + " partition " + opt_text(d.original_partition) +
           " offset " + opt_text(d.original_offset) +
           (d.original_timestamp ? " at " + time_text(*d.original_timestamp) : "") + "\n";
    out += "  group:       " + or_dash(d.group) + "\n";
    out += "  exception:   " + or_dash(d.exception_class) +
           (d.cause_class.empty() ? "" : " (cause " + terminal_safe(d.cause_class) + ")") + "\n";
    out += "  message:     " + or_dash(d.message) + "\n";
    if (!d.handler.empty()) {
      out += "  handler:     " + terminal_safe(d.handler) + "\n";
    }
    if (d.attempts) {
      out += "  attempts:    " + std::to_string(*d.attempts) + "\n";
    }
    out += "  re-drives:   " + std::to_string(s.redrives) + "\n";
    for (const auto& p : d.problems) {
      out += "  undecodable: " + terminal_safe(p) + "\n";
    }
    if (!d.stack_trace.empty()) {
      // Escaping keeps newlines visible as \n: fold first, escape per line.
      const auto folded = fold(d.stack_trace, full);
      size_t start = 0;
      out += "  stack trace:\n";
      while (start <= folded.size()) {
        const auto nl = folded.find('\n', start);
        std::string line(folded.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        std::replace(line.begin(), line.end(), '\t', ' ');
        out += "    " + terminal_safe(line) + "\n";
        if (nl == std::string::npos) {
          break;
        }
        start = nl + 1;
      }
    }
  }
  return out;
}

std::string render_inspect_json(const InspectReport& report) {
  nlohmann::json j{{"topic", report.topic},
                   {"read", report.read},
                   {"selected", report.selected},
                   {"undecodable", report.undecodable},
                   {"no_original_topic", report.no_origin},
                   {"conventions", report.conventions}};
  j["groups"] = nlohmann::json::array();
  for (const auto& g : report.groups) {
    j["groups"].push_back(group_json(g));
  }
  j["records"] = nlohmann::json::array();
  for (const auto& s : report.shown) {
    const auto& d = s.dead;
    nlohmann::json r{
        {"partition", s.partition},
        {"offset", s.offset},
        {"timestamp_ms", s.timestamp},
        {"key", s.key ? nlohmann::json(*s.key) : nlohmann::json(nullptr)},
        {"convention", d.convention_name},
        {"original_topic", d.original_topic},
        {"original_partition", d.original_partition ? nlohmann::json(*d.original_partition) : nullptr},
        {"original_offset", d.original_offset ? nlohmann::json(*d.original_offset) : nullptr},
        {"original_timestamp_ms", d.original_timestamp ? nlohmann::json(*d.original_timestamp) : nullptr},
        {"group", d.group},
        {"exception_class", d.exception_class},
        {"cause_class", d.cause_class},
        {"message", d.message},
        {"stack_trace", d.stack_trace},
        {"handler", d.handler},
        {"redrives", s.redrives},
        {"problems", d.problems}};
    j["records"].push_back(std::move(r));
  }
  return dump(j);
}

std::string render_redrive_plan(const RedriveReport& report) {
  std::string out = "plan for " + terminal_safe(report.topic) + ": " + std::to_string(report.redriven) +
                    " to re-drive, " + std::to_string(report.parked) + " to park, " +
                    std::to_string(report.skipped) + " skipped by the filters (of " +
                    std::to_string(report.pending) + " after the checkpoint)\n";
  if (report.failed > 0) {
    out += std::to_string(report.failed) + " too large for the destination (message.max.bytes " +
           std::to_string(report.max_message_bytes) + "; they stop the run unless --skip-too-large):";
    for (const auto& f : report.failed_records) {
      out += " " + terminal_safe(f);
    }
    out += report.failed > report.failed_records.size() ? " …\n" : "\n";
  }
  output::Table d({"RECORDS", "DESTINATION"});
  d.align_right(0);
  for (const auto& [dest, n] : report.destinations) {
    d.add_row({std::to_string(n), terminal_safe(dest)});
  }
  out += d.render();
  if (!report.park_reasons.empty()) {
    output::Table p({"PARKED", "REASON"});
    p.align_right(0);
    for (const auto& [reason, n] : report.park_reasons) {
      p.add_row({std::to_string(n), terminal_safe(reason)});
    }
    out += p.render();
  }
  if (!report.groups.empty()) {
    output::Table g({"COUNT", "ORIGINAL TOPIC", "EXCEPTION", "MESSAGE"});
    g.align_right(0);
    for (const auto& e : report.groups) {
      g.add_row({std::to_string(e.count), or_dash(e.original_topic), or_dash(e.exception_class),
                 or_dash(e.pattern)});
    }
    out += g.render();
  }
  return out;
}

std::string render_redrive_summary(const RedriveReport& report) {
  if (report.already_complete) {
    return terminal_safe(report.topic) + ": nothing to re-drive (checkpoint at the end)";
  }
  std::string s = terminal_safe(report.topic) + ": re-driven " + std::to_string(report.redriven) +
                  ", parked " + std::to_string(report.parked) + ", skipped by filter " +
                  std::to_string(report.skipped) + ", failed " + std::to_string(report.failed) +
                  ", undecodable " + std::to_string(report.undecodable);
  if (report.already > 0) {
    s += ", already re-driven by an earlier run " + std::to_string(report.already);
  }
  return s;
}

std::string render_redrive_json(const RedriveReport& report, bool dry_run) {
  nlohmann::json j{{"topic", report.topic},
                   {"dry_run", dry_run},
                   {"run_id", report.run_id},
                   {"group", report.group},
                   {"pending", report.pending},
                   {"redriven", report.redriven},
                   {"parked", report.parked},
                   {"skipped", report.skipped},
                   {"failed", report.failed},
                   {"failed_records", report.failed_records},
                   {"undecodable", report.undecodable},
                   {"already", report.already},
                   {"resumed", report.resumed},
                   {"interrupted", report.interrupted},
                   {"destinations", report.destinations},
                   {"park_reasons", report.park_reasons}};
  j["groups"] = nlohmann::json::array();
  for (const auto& g : report.groups) {
    j["groups"].push_back(group_json(g));
  }
  return dump(j);
}

std::string render_status_table(const std::vector<TopicStatus>& statuses, int64_t now_ms) {
  output::Table t({"TOPIC", "RECORDS", "TO RE-DRIVE", "OLDEST", "NEWEST"});
  t.align_right(1);
  t.align_right(2);
  for (const auto& s : statuses) {
    t.add_row({terminal_safe(s.topic), std::to_string(s.records), std::to_string(s.pending),
               format_age(s.oldest_ms, now_ms), format_age(s.newest_ms, now_ms)});
  }
  return t.render();
}

std::string render_status_json(const std::vector<TopicStatus>& statuses, int64_t now_ms) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& s : statuses) {
    j.push_back({{"topic", s.topic},
                 {"records", s.records},
                 {"pending", s.pending},
                 {"checkpoint", s.checkpoint},
                 {"oldest_ms", s.oldest_ms ? nlohmann::json(*s.oldest_ms) : nullptr},
                 {"newest_ms", s.newest_ms ? nlohmann::json(*s.newest_ms) : nullptr},
                 {"oldest_age_s", s.oldest_ms ? nlohmann::json((now_ms - *s.oldest_ms) / 1000) : nullptr},
                 {"newest_age_s", s.newest_ms ? nlohmann::json((now_ms - *s.newest_ms) / 1000) : nullptr}});
  }
  return dump(j);
}

std::string render_check_prometheus(const std::vector<TopicStatus>& statuses,
                                    const std::vector<std::string>& reasons, int64_t now_ms,
                                    const std::vector<std::vector<ErrorGroup>>& groups) {
  // Topic names are [A-Za-z0-9._-]: safe inside a label value.
  std::string out;
  const auto metric = [&](const char* name, const char* help, const char* type) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  metric("evt_dlq_records", "Records in the dead-letter topic.", "gauge");
  for (const auto& s : statuses) {
    out += "evt_dlq_records{topic=\"" + s.topic + "\"} " + std::to_string(s.records) + "\n";
  }
  metric("evt_dlq_pending_records", "Records after the redrive checkpoint.", "gauge");
  for (const auto& s : statuses) {
    out += "evt_dlq_pending_records{topic=\"" + s.topic + "\"} " + std::to_string(s.pending) + "\n";
  }
  metric("evt_dlq_oldest_pending_age_seconds", "Age of the oldest record to re-drive.", "gauge");
  for (const auto& s : statuses) {
    if (s.oldest_ms) {
      out += "evt_dlq_oldest_pending_age_seconds{topic=\"" + s.topic + "\"} " +
             std::to_string((now_ms - *s.oldest_ms) / 1000) + "\n";
    }
  }
  metric("evt_dlq_newest_pending_age_seconds", "Age of the newest record to re-drive.", "gauge");
  for (const auto& s : statuses) {
    if (s.newest_ms) {
      out += "evt_dlq_newest_pending_age_seconds{topic=\"" + s.topic + "\"} " +
             std::to_string((now_ms - *s.newest_ms) / 1000) + "\n";
    }
  }
  if (!groups.empty()) {
    metric("evt_dlq_error_group_records", "Records still to re-drive per original topic and error.", "gauge");
    for (size_t i = 0; i < statuses.size() && i < groups.size(); ++i) {
      for (const auto& g : groups[i]) {
        out += "evt_dlq_error_group_records{topic=\"" + statuses[i].topic + "\",original_topic=\"" +
               label(g.original_topic) + "\",exception=\"" + label(g.exception_class) + "\",message=\"" +
               label(g.pattern) + "\"} " + std::to_string(g.count) + "\n";
      }
    }
  }
  metric("evt_dlq_check_failed", "1 when the topic fails evt dlq check.", "gauge");
  for (size_t i = 0; i < statuses.size(); ++i) {
    out += "evt_dlq_check_failed{topic=\"" + statuses[i].topic + "\"} " + (reasons[i].empty() ? "0" : "1") +
           "\n";
  }
  return out;
}

}  // namespace evt::dlq
