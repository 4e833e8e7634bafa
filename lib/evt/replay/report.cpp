#include "evt/replay/report.hpp"

#include "evt/codec/json_text.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace evt::replay {

std::string render_plan(const std::vector<read::PartitionPlan>& plans, const std::string& dest_topic) {
  output::Table t({"SOURCE", "FROM", "UNTIL", "OFFSETS"});
  t.align_right(1);
  t.align_right(2);
  t.align_right(3);
  uint64_t total = 0;
  for (const auto& p : plans) {
    const int64_t end = p.end.value_or(p.start);
    const auto n = static_cast<uint64_t>(std::max<int64_t>(0, end - p.start));
    total += n;
    t.add_row({output::terminal_safe(p.partition.topic) + "/" + std::to_string(p.partition.partition),
               std::to_string(p.start), std::to_string(end), output::grouped(n)});
  }
  return t.render() + "up to " + output::grouped(total) + " record(s) to '" +
         output::terminal_safe(dest_topic) + "'\n";
}

std::string render_summary(const CopyReport& r, const std::string& dest_topic) {
  if (r.already_complete) {
    return "run " + r.run_id + " already complete: nothing to do";
  }
  const auto written = r.total(&PartitionReport::written);
  const auto already = r.total(&PartitionReport::already);
  const auto read = r.total(&PartitionReport::read);
  const auto selected = r.total(&PartitionReport::selected);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.1f", r.elapsed_s);
  std::string s = std::string(r.interrupted ? "stopped: " : "") + "wrote " + output::grouped(written) +
                  " record(s) (" + output::format_bytes(r.bytes) + ") to '" +
                  output::terminal_safe(dest_topic) + "' in " + secs + " s";
  if (already > 0) {
    s += "; " + output::grouped(already) + " already there from an earlier attempt";
  }
  if (read > selected) {
    s += "; " + output::grouped(read - selected) + " filtered out";
  }
  s += "\nrun id " + r.run_id + " (checkpoint: group " + r.group + ")";
  return s;
}

std::string render_partitions(const CopyReport& r, bool dry_run) {
  std::vector<std::string> header = {"SOURCE", "FROM", "UNTIL", "READ", "SELECTED"};
  if (!dry_run) {
    header.insert(header.end(), {"WRITTEN", "ALREADY"});
  }
  header.push_back("TO");
  output::Table t(header);
  for (size_t c = 1; c + 1 < header.size(); ++c) {
    t.align_right(c);
  }
  for (const auto& p : r.partitions) {
    std::vector<std::string> row = {
        output::terminal_safe(p.partition.topic) + "/" + std::to_string(p.partition.partition),
        std::to_string(p.start), std::to_string(p.end), std::to_string(p.read), std::to_string(p.selected)};
    if (!dry_run) {
      row.insert(row.end(), {std::to_string(p.written), std::to_string(p.already)});
    }
    row.push_back(p.dest_partition >= 0 ? std::to_string(p.dest_partition) : "by key");
    t.add_row(row);
  }
  return t.render();
}

std::string render_json(const CopyReport& r, const std::string& dest_topic, bool dry_run) {
  nlohmann::json j;
  j["run_id"] = r.run_id;
  j["group"] = r.group;
  j["destination"] = dest_topic;
  j["dry_run"] = dry_run;
  j["partition_by"] = to_string(r.partition_by);
  j["resumed"] = r.resumed;
  j["already_complete"] = r.already_complete;
  j["interrupted"] = r.interrupted;
  j["read"] = r.total(&PartitionReport::read);
  j["selected"] = r.total(&PartitionReport::selected);
  j["written"] = r.total(&PartitionReport::written);
  j["already_written"] = r.total(&PartitionReport::already);
  j["filtered_out"] = r.total(&PartitionReport::read) - r.total(&PartitionReport::selected);
  j["bytes"] = r.bytes;
  j["scanned"] = r.scanned;
  j["partitions"] = nlohmann::json::array();
  for (const auto& p : r.partitions) {
    j["partitions"].push_back(
        {{"topic", p.partition.topic},
         {"partition", p.partition.partition},
         {"start", p.start},
         {"end", p.end},
         {"read", p.read},
         {"selected", p.selected},
         {"written", p.written},
         {"already_written", p.already},
         {"dest_partition", p.dest_partition >= 0 ? nlohmann::json(p.dest_partition) : nlohmann::json()}});
  }
  if (dry_run) {
    j["sample"] = nlohmann::json::array();
    for (const auto& rec : r.sample) {
      std::string line;
      codec::append_record_line(line, rec);
      line.pop_back();
      j["sample"].push_back(nlohmann::json::parse(line));
    }
  }
  return codec::terminal_safe_json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

output::ProgressSnapshot progress_snapshot(const CopyProgress& p, const char* label) {
  output::ProgressSnapshot s;
  s.label = label;
  s.records = p.read;
  s.bytes = p.bytes;
  if (p.total > 0) {
    s.total_records = p.total;
  }
  s.seconds = p.elapsed_s;
  return s;
}

}  // namespace evt::replay
