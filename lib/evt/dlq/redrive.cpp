#include "evt/dlq/redrive.hpp"

#include "evt/dlq/scan.hpp"
#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/groups.hpp"
#include "evt/kafka/property_value.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/replay/run_id.hpp"

namespace evt::dlq {
namespace {

// Partition counts of the topics records go to, looked up once each.
class TopicSizes {
 public:
  explicit TopicSizes(const kafka::ClientConfig& config) : m_admin(config) {}
  std::optional<int32_t> operator()(const std::string& topic) {
    const auto it = m_sizes.find(topic);
    if (it != m_sizes.end()) {
      return it->second;
    }
    std::optional<int32_t> n;
    try {
      n = static_cast<int32_t>(m_admin.describe_topic(topic).partitions.size());
    } catch (const UsageError&) {
      // Does not exist: the record is parked (nothing is created by accident).
    }
    m_sizes.emplace(topic, n);
    return n;
  }

 private:
  kafka::Admin m_admin;
  std::map<std::string, std::optional<int32_t>> m_sizes;
};

// The plan: the whole topic, or (dry run) from the checkpoint on.
std::vector<read::PartitionPlan> plan(const kafka::ClientConfig& config, const RedriveReport& report,
                                      bool from_checkpoint) {
  const auto ranges = topic_ranges(config, report.topic);
  std::map<TopicPartition, int64_t> committed;
  if (from_checkpoint) {
    std::vector<TopicPartition> tps;
    for (const auto& [p, r] : ranges) {
      tps.push_back({report.topic, p});
    }
    kafka::Groups groups(config);
    committed = groups.committed_offsets({report.group}, tps)[report.group];
  }
  std::vector<read::PartitionPlan> plans;
  for (const auto& [p, r] : ranges) {
    read::PartitionPlan pp;
    pp.partition = {report.topic, p};
    pp.start = r.start;
    const auto it = committed.find(pp.partition);
    if (it != committed.end() && it->second != kafka::k_no_commit) {
      pp.start = std::max(r.start, it->second);
    }
    pp.end = r.end;
    pp.log_end = r.end;
    plans.push_back(pp);
  }
  return plans;
}

}  // namespace

std::string redrive_run_id(const std::string& topic) {
  return topic.size() <= 90 ? "dlq-" + topic : "dlq-" + replay::derive_run_id(topic);
}

uint64_t producer_max_message_bytes(const kafka::ClientConfig& config) {
  return kafka::positive_property(config, "message.max.bytes").value_or(1000000);  // librdkafka's default
}

RedriveReport redrive(const kafka::ClientConfig& config, const RedriveRequest& request) {
  RedriveReport report;
  report.topic = request.topic;
  report.run_id = redrive_run_id(request.topic);
  report.group = replay::run_group(report.run_id);
  if (request.scale_out && request.dry_run) {
    throw UsageError("--dry-run cannot be combined with --scale-out",
                     "plan with one process, without --scale-out");
  }
  if (request.scale_out && !request.select.empty()) {
    throw UsageError("filters cannot be combined with --scale-out",
                     "a filtered run keeps the checkpoint at the first record it skips, which the other "
                     "processes would wait for; re-drive with filters from one process");
  }
  if (request.route.to == request.topic || request.route.parking_topic == request.topic) {
    throw UsageError("refusing to re-drive '" + request.topic + "' into itself",
                     "name another topic with --to or --parking-topic");
  }
  {
    kafka::Admin admin(config);
    admin.describe_topic(request.topic);
    try {
      admin.describe_topic(request.route.parking_topic);
    } catch (const UsageError&) {
      throw UsageError("the parking topic '" + request.route.parking_topic + "' does not exist",
                       "create it (evt topics create " + request.route.parking_topic +
                           "), or name another with --parking-topic");
    }
  }
  const auto plans = plan(config, report, request.dry_run);
  TopicSizes sizes(config);
  ErrorGroups groups;
  replay::CopyOptions options;
  options.run_id = report.run_id;
  options.partition_by = replay::PartitionBy::key;
  options.rate = request.rate;
  options.dry_run = request.dry_run;
  options.sample_size = 0;
  options.idle_timeout_ms = request.idle_timeout_ms;
  options.stop_requested = request.stop_requested;
  options.on_progress = request.on_progress;
  options.extend_to_plan = true;
  options.scale_out = request.scale_out;
  report.max_message_bytes =
      request.max_message_bytes > 0 ? request.max_message_bytes : producer_max_message_bytes(config);
  // The provenance headers the copy engine adds: evt_replay_src
  // "<dlq>/<partition>@<offset>" (at most 11 + 20 digits) and evt_replay_run.
  const uint64_t provenance_bytes = 14 + request.topic.size() + 2 + 11 + 20 + 14 + report.run_id.size();
  uint64_t planned_redrives = 0;
  uint64_t planned_parks = 0;
  auto route = request.route;
  route.dlq_topic = request.topic;
  options.route = [&](const RecordView& r, Record& out) {
    const auto dead = decode_dead_letter(request.topic, r.headers, request.decode);
    if (!selected(request.select, r, dead)) {
      ++report.skipped;
      return replay::Routed::keep;
    }
    const auto decided = decide_route(r, dead, route, [&](const std::string& t) { return sizes(t); });
    rewrite_record(decided, r, route, out);
    const auto bytes = wire_size(out, 2, provenance_bytes);
    if (bytes > report.max_message_bytes) {
      const auto where = request.topic + "/" + std::to_string(r.partition) + "@" + std::to_string(r.offset);
      if (!request.skip_too_large && !request.dry_run) {
        report.halted = "dead letter " + where + " is " + std::to_string(bytes) +
                        " bytes as re-driven, more than the destination takes (message.max.bytes " +
                        std::to_string(report.max_message_bytes) + ")";
        return replay::Routed::stop;
      }
      ++report.failed;
      if (report.failed_records.size() < 10) {
        report.failed_records.push_back(where + " (" + std::to_string(bytes) + " bytes)");
      }
      return replay::Routed::pass;
    }
    groups.add(r.timestamp, dead);
    if (decided.park) {
      ++planned_parks;
      ++report.park_reasons[decided.reason.starts_with("undecodable") ? "undecodable" : decided.reason];
      report.undecodable += dead.decodable() ? 0 : 1;
    } else {
      ++planned_redrives;
    }
    ++report.destinations[decided.topic +
                          (decided.partition >= 0 ? "/" + std::to_string(decided.partition) : " (by key)")];
    return replay::Routed::send;
  };
  const replay::Destination dest{config, request.route.parking_topic};
  report.copy = replay::copy_records(config, dest, plans, filter::RecordFilter{}, options);
  if (request.scale_out) {
    // Partitions this process never owned keep their plan: count what it read.
    report.pending = report.copy.total(&replay::PartitionReport::read);
  } else {
    for (const auto& p : report.copy.partitions) {
      report.pending += static_cast<uint64_t>(std::max<int64_t>(0, p.end - p.start));
    }
  }
  report.already = report.copy.total(&replay::PartitionReport::already);
  report.resumed = report.copy.resumed;
  report.already_complete = report.copy.already_complete;
  report.interrupted = report.copy.interrupted;
  if (request.dry_run) {
    report.redriven = planned_redrives;
    report.parked = planned_parks;
  } else {
    for (const auto& [topic, n] : report.copy.written_to) {
      (topic == request.route.parking_topic ? report.parked : report.redriven) += n;
    }
  }
  report.groups = groups.sorted();
  return report;
}

void throw_if_failed(const RedriveReport& report) {
  if (!report.halted.empty()) {
    throw BrokerError(output::terminal_safe(report.halted),
                      "pass over it with --skip-too-large (counted as failed; it stays in the dead-letter "
                      "topic), or raise -X message.max.bytes if the destination's max.message.bytes allows; "
                      "what came before it is checkpointed");
  }
  if (report.failed > 0) {
    std::string which;
    for (const auto& f : report.failed_records) {
      which += (which.empty() ? "" : ", ") + output::terminal_safe(f);
    }
    throw BrokerError(std::to_string(report.failed) +
                          " dead letter(s) larger than the destination takes were passed over "
                          "(--skip-too-large): " +
                          which + (report.failed > report.failed_records.size() ? ", …" : ""),
                      "they stay in the dead-letter topic; evt dlq inspect --offsets N:M --show 1 shows one");
  }
}

}  // namespace evt::dlq
