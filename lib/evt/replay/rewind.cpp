#include "evt/replay/rewind.hpp"

#include "evt/codec/json_text.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/groups.hpp"
#include "evt/output/table.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/read/position.hpp"
#include "evt/signals.hpp"
#include "evt/tail/plan.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>
#include <thread>

namespace evt::replay {

RewindScope parse_scope(std::string_view text) {
  RewindScope s;
  const auto colon = text.find(':');
  s.topic = std::string(text.substr(0, colon));
  if (s.topic.empty()) {
    throw UsageError("-t needs a topic name, e.g. -t orders or -t orders:0,2");
  }
  if (colon != std::string_view::npos) {
    s.partitions = read::parse_partition_list(text.substr(colon + 1));
  }
  return s;
}

int64_t rewind_target(const RewindSpec& spec, const std::optional<int64_t>& current, const OffsetRange& log,
                      int64_t time_offset) {
  const auto clamp = [&](int64_t o) { return std::clamp(o, log.start, std::max(log.start, log.end)); };
  switch (spec.kind) {
    case RewindKind::earliest:
      return log.start;
    case RewindKind::latest:
      return log.end;
    case RewindKind::offset:
      return clamp(spec.value);
    case RewindKind::shift: {
      const int64_t base = current.value_or(log.start);
      // Saturate instead of overflowing on absurd shifts.
      const int64_t shifted = spec.value > 0 && base > INT64_MAX - spec.value   ? INT64_MAX
                              : spec.value < 0 && base < INT64_MIN - spec.value ? INT64_MIN
                                                                                : base + spec.value;
      return clamp(shifted);
    }
    case RewindKind::time:
      return clamp(time_offset);
    case RewindKind::from_file:
      return spec.value;
  }
  return log.start;
}

namespace {

std::vector<TopicPartition> scoped_partitions(kafka::Admin& admin, const std::vector<RewindScope>& scopes) {
  std::vector<TopicPartition> tps;
  for (const auto& s : scopes) {
    const auto info = admin.describe_topic(s.topic);
    std::set<int32_t> ids;
    for (const auto& p : info.partitions) {
      ids.insert(p.id);
    }
    if (s.partitions.empty()) {
      for (const auto id : ids) {
        tps.push_back({s.topic, id});
      }
    }
    for (const auto id : s.partitions) {
      if (ids.count(id) == 0) {
        throw UsageError("topic '" + s.topic + "' has no partition " + std::to_string(id));
      }
      tps.push_back({s.topic, id});
    }
  }
  return tps;
}

// First offset at or after `time_ms` per partition, through tail's planner
// (offsets-for-times, or a binary search on record timestamps).
std::map<TopicPartition, int64_t> time_offsets(kafka::Admin& admin, const kafka::ClientConfig& config,
                                               const std::vector<TopicPartition>& tps, int64_t time_ms,
                                               std::vector<std::string>& notes) {
  std::set<std::string> topics;
  for (const auto& tp : tps) {
    topics.insert(tp.topic);
  }
  tail::TailRequest request;
  request.topics.assign(topics.begin(), topics.end());
  request.position.start = {read::BoundKind::time, time_ms};
  request.exit_at_end = true;
  const auto plan = tail::plan_tail(admin, config, request);
  std::map<TopicPartition, int64_t> result;
  for (const auto& p : plan.partitions) {
    result[p.partition] = p.start;
  }
  for (const auto& n : plan.notes) {
    if (n.find("binary search") != std::string::npos) {
      notes.push_back(n);
    }
  }
  return result;
}

}  // namespace

RewindPlan plan_rewind(const kafka::ClientConfig& config, const std::string& group,
                       const std::vector<RewindScope>& scopes, const RewindSpec& spec) {
  RewindPlan plan;
  plan.group = group;
  kafka::Groups groups(config);
  kafka::Admin admin(config);
  std::map<TopicPartition, int64_t> committed;
  auto fetched = groups.committed_offsets({group}, {});
  for (const auto& [tp, off] : fetched[group]) {
    if (off >= 0) {
      committed[tp] = off;
    }
  }
  if (committed.empty()) {
    // An OffsetFetch without topics is answered with nothing by some
    // brokers (the sandbox): ask for every partition instead.
    std::vector<TopicPartition> all;
    for (const auto& t : admin.describe_cluster(false).topics) {
      for (const auto& p : t.partitions) {
        all.push_back({t.name, p.id});
      }
    }
    if (!all.empty()) {
      fetched = groups.committed_offsets({group}, all);
      for (const auto& [tp, off] : fetched[group]) {
        if (off >= 0) {
          committed[tp] = off;
        }
      }
    }
  }
  std::vector<TopicPartition> tps;
  if (spec.kind == RewindKind::from_file) {
    for (const auto& [tp, off] : spec.from_file) {
      tps.push_back(tp);
    }
  } else if (!scopes.empty()) {
    tps = scoped_partitions(admin, scopes);
  } else {
    for (const auto& [tp, off] : committed) {
      tps.push_back(tp);
    }
  }
  if (tps.empty()) {
    throw UsageError("group '" + group + "' has no committed offsets to move",
                     "name the partitions with -t TOPIC[:PARTITIONS]");
  }
  const auto ranges = admin.offset_ranges(tps);
  std::map<TopicPartition, int64_t> times;
  if (spec.kind == RewindKind::time) {
    times = time_offsets(admin, config, tps, spec.value, plan.notes);
  }
  for (const auto& tp : tps) {
    RewindRow row;
    row.partition = tp;
    row.log = ranges.at(tp);
    if (const auto it = committed.find(tp); it != committed.end()) {
      row.current = it->second;
    }
    const auto t = times.find(tp);
    RewindSpec one = spec;
    if (spec.kind == RewindKind::from_file) {
      one.value = spec.from_file.at(tp);
    }
    row.target = rewind_target(one, row.current, row.log, t != times.end() ? t->second : row.log.end);
    plan.rows.push_back(row);
  }
  // Probe with ListGroups first: a DescribeGroups the broker does not
  // implement can leave librdkafka 2.0.2 unable to shut down (as in evt lag).
  bool group_apis = false;
  try {
    group_apis = groups.list_groups().supported;
  } catch (const BrokerError&) {
    group_apis = false;
  }
  kafka::MaybeSupported<std::vector<kafka::GroupDescription>> described;
  described.supported = false;
  if (group_apis) {
    described = groups.describe_groups({group});
  }
  plan.members_known = described.supported && !described.value.empty() && described.value[0].error.empty();
  if (plan.members_known) {
    plan.active_members = described.value[0].members.size();
  } else {
    plan.notes.push_back("the broker cannot say whether group '" + group +
                         "' has active members (no DescribeGroups): make sure none is running");
  }
  return plan;
}

namespace {

// A member that takes part in the group only to learn whether it is alone:
// it never commits on a revoke (the rewind commits explicitly).
class SoleMemberProbe : public kafka::RebalanceListener {
 public:
  std::vector<kafka::StartPosition> on_revoke(const std::vector<TopicPartition>&) override { return {}; }
  void on_assign(const std::vector<kafka::StartPosition>&) override {}
};

[[noreturn]] void refuse_active(const RewindPlan& plan, const std::string& why) {
  throw UsageError("group '" + plan.group + "' has active members (" + why + ")",
                   "stop the group's consumers and wait for their sessions to expire, or raise --timeout");
}

void wait_slice() {
  for (int slice = 0; slice < 5 && !interrupted(); ++slice) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (interrupted()) {
    throw Interrupted();
  }
}

// Commits as a member of the group: a broker without DescribeGroups (the
// sandbox, librdkafka's mock cluster) refuses commits from outside any group
// that ever had a member. Joining and being given every partition of the
// plan proves that no other member is there (another member would keep a
// share); only then are the offsets committed, and the probe leaves.
void commit_as_sole_member(const kafka::ClientConfig& config, const RewindPlan& plan,
                           const std::vector<kafka::StartPosition>& offsets,
                           std::chrono::steady_clock::time_point deadline) {
  std::set<std::string> topic_set;
  std::set<TopicPartition> wanted;
  for (const auto& r : plan.rows) {
    topic_set.insert(r.partition.topic);
    wanted.insert(r.partition);
  }
  kafka::ConsumerOptions options;
  options.group = plan.group;
  // The probe's own leave holds the next join on the sandbox for its session
  // timeout: keep that at Kafka's minimum rather than librdkafka's 45 s.
  options.session_timeout_ms = 6000;
  SoleMemberProbe probe;
  kafka::Consumer consumer(config, options);
  consumer.set_rebalance_listener(&probe);
  consumer.subscribe(std::vector<std::string>(topic_set.begin(), topic_set.end()));
  std::vector<TopicPartition> reached_end;
  size_t held = 0;
  for (;;) {
    consumer.poll_view([](const RecordView&) {}, reached_end, 100, 100, false);
    reached_end.clear();
    held = 0;
    for (const auto& tp : consumer.assignment()) {
      held += wanted.count(tp);
    }
    if (held == wanted.size() && consumer.commit(offsets) == kafka::CommitResult::committed) {
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      consumer.close();
      const std::string waited = std::to_string(config.timeout_ms / 1000) + " s";
      refuse_active(plan, held == 0 ? "evt joined the group and was given no partition within " + waited +
                                          ": it has live members or is rebalancing"
                                    : "evt joined the group and was given " + std::to_string(held) +
                                          " of its " + std::to_string(wanted.size()) +
                                          " partition(s): another member holds the rest");
    }
    if (interrupted()) {
      throw Interrupted();
    }
  }
  consumer.close();
}

}  // namespace

void apply_rewind(const kafka::ClientConfig& config, const RewindPlan& plan) {
  if (plan.members_known && plan.active_members > 0) {
    throw UsageError("group '" + plan.group + "' has " + std::to_string(plan.active_members) +
                         " active member(s): offsets are not moved under running consumers",
                     "stop the group's consumers first");
  }
  std::vector<kafka::StartPosition> offsets;
  for (const auto& r : plan.rows) {
    offsets.push_back({r.partition, r.target});
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(config.timeout_ms);
  {
    kafka::ConsumerOptions options;
    options.group = plan.group;
    kafka::Consumer consumer(config, options);
    // A real broker takes a commit from outside a group without members; it
    // refuses one (a rebalance-type commit error) while the group has live
    // members or is settling after its last member left, so the commit is
    // retried until the client timeout.
    for (;;) {
      if (consumer.commit(offsets) == kafka::CommitResult::committed) {
        consumer.close();
        return;
      }
      if (!plan.members_known || std::chrono::steady_clock::now() >= deadline) {
        break;
      }
      wait_slice();
    }
  }
  if (plan.members_known) {
    refuse_active(plan, "the broker refused the commit for " + std::to_string(config.timeout_ms / 1000) +
                            " s: the group has live members or is rebalancing");
  }
  commit_as_sole_member(config, plan, offsets, deadline);
}

std::string export_csv(const RewindPlan& plan) {
  std::string out;
  for (const auto& r : plan.rows) {
    out += r.partition.topic + "," + std::to_string(r.partition.partition) + "," + std::to_string(r.target) +
           "\n";
  }
  return out;
}

std::map<TopicPartition, int64_t> parse_csv(std::string_view text, const std::string& source) {
  std::map<TopicPartition, int64_t> result;
  size_t line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    const auto bad = [&](const std::string& why) {
      return InputError(source + ":" + std::to_string(line_no) + ": " + why,
                        "expected 'topic,partition,offset' lines (kafka-consumer-groups --export)");
    };
    const auto c2 = line.rfind(',');
    const auto c1 =
        c2 == std::string_view::npos || c2 == 0 ? std::string_view::npos : line.rfind(',', c2 - 1);
    if (c1 == std::string_view::npos || c1 == 0) {
      throw bad("not three comma-separated fields");
    }
    TopicPartition tp{std::string(line.substr(0, c1)), -1};
    int64_t offset = -1;
    const auto p = line.substr(c1 + 1, c2 - c1 - 1);
    const auto o = line.substr(c2 + 1);
    const auto r1 = std::from_chars(p.data(), p.data() + p.size(), tp.partition);
    const auto r2 = std::from_chars(o.data(), o.data() + o.size(), offset);
    if (p.empty() || r1.ec != std::errc() || r1.ptr != p.data() + p.size() || tp.partition < 0) {
      throw bad("partition is not a number");
    }
    if (o.empty() || r2.ec != std::errc() || r2.ptr != o.data() + o.size() || offset < 0) {
      throw bad("offset is not a non-negative number");
    }
    if (!result.emplace(tp, offset).second) {
      throw bad("partition " + tp.topic + "/" + std::to_string(tp.partition) + " appears twice");
    }
  }
  if (result.empty()) {
    throw InputError(source + ": no offsets in the file");
  }
  return result;
}

namespace {

std::string effect(const RewindRow& r) {
  const int64_t from = r.current.value_or(r.log.start);
  if (r.target < from) {
    return "re-reads " + std::to_string(from - r.target);
  }
  if (r.target > from) {
    return "skips " + std::to_string(r.target - from);
  }
  return "unchanged";
}

}  // namespace

std::string render_rewind(const RewindPlan& plan) {
  output::Table t({"PARTITION", "LOG", "CURRENT", "NEW", "EFFECT"});
  t.align_right(2);
  t.align_right(3);
  for (const auto& r : plan.rows) {
    t.add_row({output::terminal_safe(r.partition.topic) + "/" + std::to_string(r.partition.partition),
               std::to_string(r.log.start) + ".." + std::to_string(r.log.end),
               r.current ? std::to_string(*r.current) : "-", std::to_string(r.target), effect(r)});
  }
  return t.render();
}

std::string render_rewind_json(const RewindPlan& plan, bool executed) {
  nlohmann::json j;
  j["group"] = plan.group;
  j["executed"] = executed;
  j["members_known"] = plan.members_known;
  j["partitions"] = nlohmann::json::array();
  for (const auto& r : plan.rows) {
    j["partitions"].push_back({{"topic", r.partition.topic},
                               {"partition", r.partition.partition},
                               {"log_start", r.log.start},
                               {"log_end", r.log.end},
                               {"current", r.current ? nlohmann::json(*r.current) : nlohmann::json()},
                               {"new", r.target},
                               {"effect", effect(r)}});
  }
  return codec::terminal_safe_json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + "\n";
}

}  // namespace evt::replay
