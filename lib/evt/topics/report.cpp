#include "evt/topics/report.hpp"

#include "evt/codec/json_text.hpp"

#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

namespace evt::topics {
namespace {

using output::terminal_safe;

std::string join_ids(const std::vector<int32_t>& ids) {
  std::string s;
  for (auto id : ids) {
    s += (s.empty() ? "" : ",") + std::to_string(id);
  }
  return s;
}

size_t replication_factor(const kafka::TopicInfo& t) {
  return t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
}

// Topic names come from the network: invalid UTF-8 becomes U+FFFD.
std::string dump(const nlohmann::json& j) {
  return codec::terminal_safe_json(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

}  // namespace

std::string render_list_text(const kafka::ClusterInfo& cluster) {
  output::Table table({"TOPIC", "PARTITIONS", "REPLICAS"});
  table.align_right(1);
  table.align_right(2);
  for (const auto& t : cluster.topics) {
    table.add_row(
        {terminal_safe(t.name), std::to_string(t.partitions.size()), std::to_string(replication_factor(t))});
  }
  return table.render();
}

std::string render_list_json(const kafka::ClusterInfo& cluster) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& t : cluster.topics) {
    j.push_back(
        {{"topic", t.name}, {"partitions", t.partitions.size()}, {"replicas", replication_factor(t)}});
  }
  return dump(j);
}

std::string render_description_text(const TopicDescription& d) {
  const auto& topic = d.topic;
  output::Table table({"PARTITION", "LEADER", "REPLICAS", "ISR", "LOG-START", "LOG-END", "RECORDS"});
  for (size_t c : {0, 1, 4, 5, 6}) {
    table.align_right(c);
  }
  for (const auto& p : topic.partitions) {
    if (!has_offsets(p)) {
      table.add_row({std::to_string(p.id), p.leader >= 0 ? std::to_string(p.leader) : "-",
                     join_ids(p.replicas), join_ids(p.isrs), "-", "-", "-"});
      continue;
    }
    const auto& r = d.ranges.at({topic.name, p.id});
    table.add_row({std::to_string(p.id), std::to_string(p.leader), join_ids(p.replicas), join_ids(p.isrs),
                   std::to_string(r.start), std::to_string(r.end), std::to_string(r.end - r.start)});
  }
  return "topic " + terminal_safe(topic.name) + "\n" + table.render();
}

std::string render_description_json(const TopicDescription& d) {
  const auto& topic = d.topic;
  nlohmann::json parts = nlohmann::json::array();
  for (const auto& p : topic.partitions) {
    nlohmann::json part = {
        {"partition", p.id}, {"leader", p.leader}, {"replicas", p.replicas}, {"isr", p.isrs}};
    if (has_offsets(p)) {
      const auto& r = d.ranges.at({topic.name, p.id});
      part["log_start"] = r.start;
      part["log_end"] = r.end;
      part["records"] = r.end - r.start;
    } else {
      part["log_start"] = part["log_end"] = part["records"] = nullptr;
      part["error"] = p.error.empty() ? std::string("no leader") : p.error;
    }
    parts.push_back(std::move(part));
  }
  return dump(nlohmann::json{{"topic", topic.name}, {"partitions", parts}});
}

}  // namespace evt::topics
