// The scale-out half of the copy engine: one member of a run shared by
// several processes through the run's consumer group (docs/replay.md,
// "Scale-out").
#include "evt/error.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/replay/copier.hpp"
#include "evt/replay/group_progress.hpp"
#include "evt/replay/provenance.hpp"

#include <algorithm>
#include <thread>

namespace evt::replay::engine {

CopyReport Copier::run_member() {
  kafka::ConsumerOptions co;
  co.group = m_report.group;
  kafka::Consumer consumer(m_source, co);
  m_group = &consumer;
  m_checkpointer = &consumer;  // a route's new topics are named in commits before use
  for (auto& p : m_parts) {
    p.owned = false;
  }
  // A resume into another destination is refused before joining the group.
  std::vector<TopicPartition> selected;
  for (const auto& p : m_parts) {
    selected.push_back(p.report.partition);
  }
  for (const auto& c : consumer.committed_metadata(selected)) {
    if (c.offset < 0) {
      continue;
    }
    if (const auto meta = decode_checkpoint(c.metadata)) {
      check_destination(*meta, true);
    }
  }
  m_sender.begin(destination_ends(), !m_options.route);
  consumer.set_rebalance_listener(this);
  std::set<std::string> topics;
  for (const auto& p : m_parts) {
    topics.insert(p.report.partition.topic);
  }
  consumer.subscribe({topics.begin(), topics.end()});
  member_loop(consumer);
  drain(consumer);
  m_group = nullptr;
  m_checkpointer = nullptr;
  return finish();
}

void Copier::member_loop(kafka::Consumer& consumer) {
  std::vector<TopicPartition> all;
  for (const auto& p : m_parts) {
    all.push_back(p.report.partition);
  }
  // A killed member's partitions come back only after its session timed
  // out and the group rebalanced: wait that long for the group to move.
  const auto wait_limit = std::chrono::milliseconds(session_timeout_ms(m_source) + m_options.idle_timeout_ms);
  std::vector<TopicPartition> reached;
  auto last_commit = Clock::now();
  auto last_progress_call = Clock::now();
  auto last_check = Clock::now();
  int64_t last_sum = -1;
  m_sender.touch();
  m_group_moved = Clock::now();
  const auto visit = [this](const RecordView& r, kafka::NativeHeaders& headers) { on_record(r, headers); };
  while (!m_sender.stopping()) {
    if (m_options.stop_requested && m_options.stop_requested()) {
      m_report.interrupted = true;
      break;
    }
    reached.clear();
    const size_t n =
        consumer.poll_detached(visit, reached, poll_batch(), m_sender.in_flight() > 0 ? 10 : 100);
    for (const auto& tp : reached) {
      on_end(tp);
    }
    if (n > 0 || !reached.empty()) {
      m_sender.touch();
    }
    m_sender.serve(0);
    const auto now = Clock::now();
    if (now - last_commit >= std::chrono::milliseconds(m_options.commit_interval_ms)) {
      commit(consumer, false);
      last_commit = now;
    }
    if (m_options.on_progress && now - last_progress_call >= std::chrono::milliseconds(200)) {
      m_options.on_progress(progress());
      last_progress_call = now;
    }
    const bool busy =
        std::any_of(m_parts.begin(), m_parts.end(), [](const Part& p) { return p.owned && !p.done; });
    if (busy) {
      m_group_moved = now;
      if (now - m_sender.last_activity() > std::chrono::milliseconds(m_options.idle_timeout_ms)) {
        m_stalled = "no progress for " + std::to_string(m_options.idle_timeout_ms / 1000) +
                    " s (no source records, no destination acknowledgements)";
        m_sender.stop();
      }
      continue;
    }
    if (now - last_check < std::chrono::milliseconds(500) || m_sender.in_flight() > 0 ||
        (m_options.extend_to_plan && !m_assigned_once)) {
      // extend_to_plan: an earlier run's commits all look finished until
      // the group's first assignment, whose owners extend the ends.
      continue;
    }
    // Our partitions are finished: publish their ends, then see whether
    // the whole run is (a killed member's partitions may be unowned yet).
    last_check = now;
    commit(consumer, false);
    GroupProgress g;
    try {
      g = group_progress(consumer.committed_metadata(all));
    } catch (const BrokerError&) {
      continue;  // the coordinator may be moving; the wait below is bounded
    }
    if (g.foreign) {
      m_stalled = "consumer group '" + m_report.group + "' holds offsets that evt replay did not commit";
      m_sender.stop();
    } else if (g.finished) {
      break;
    } else if (g.committed_sum != last_sum) {
      last_sum = g.committed_sum;
      m_group_moved = now;
    } else if (now - m_group_moved > wait_limit) {
      m_stalled = std::to_string(g.unfinished.size()) + " partition(s) of the run (e.g. " +
                  g.unfinished.front().topic + "[" + std::to_string(g.unfinished.front().partition) +
                  "]) made no progress for " +
                  std::to_string(std::chrono::duration_cast<std::chrono::seconds>(wait_limit).count()) +
                  " s and none was assigned here";
      m_sender.stop();
    }
  }
  if (m_options.stop_requested && m_options.stop_requested()) {
    m_report.interrupted = true;
  }
}

void Copier::on_assign(const std::vector<kafka::StartPosition>& assigned) {
  m_assigned_once = true;
  try {
    take(assigned);
  } catch (const Interrupted&) {
    m_report.interrupted = true;
    m_sender.stop();
  } catch (const std::exception& e) {
    if (m_stalled.empty()) {
      m_stalled = std::string("cannot take over assigned partitions: ") + e.what();
    }
    m_sender.stop();
  }
}

std::vector<kafka::StartPosition> Copier::on_revoke(const std::vector<TopicPartition>& revoked) {
  try {
    give_up(revoked);
  } catch (const std::exception& e) {
    if (m_stalled.empty()) {
      m_stalled = std::string("cannot hand over revoked partitions: ") + e.what();
    }
    m_sender.stop();
  }
  return {};  // committed above, each with its own metadata
}

void Copier::take(const std::vector<kafka::StartPosition>& assigned) {
  m_sender.touch();
  m_group_moved = Clock::now();
  std::vector<TopicPartition> mine;
  std::vector<TopicPartition> others;
  for (const auto& a : assigned) {
    (m_index.count(a.partition) != 0 ? mine : others).push_back(a.partition);
  }
  if (!others.empty()) {
    m_group->pause(others);  // not selected (-p): never read
  }
  if (mine.empty()) {
    return;
  }
  m_group->resume(mine);
  std::vector<kafka::CommittedOffset> fresh;
  std::vector<kafka::StartPosition> seeks;
  std::vector<uint32_t> taken;
  std::vector<TopicPartition> finished;
  std::map<int32_t, int64_t> scan_from;
  std::map<std::string, std::map<int32_t, int64_t>> topic_scan_from;
  std::set<uint32_t> scanning;
  for (const auto& c : committed_with_retry(mine)) {
    const auto idx = m_index.at(c.partition);
    auto& p = m_parts[idx];
    m_sender.forget(idx);  // anything left of an earlier ownership
    p.already.clear();
    p.done = false;
    p.kept_from = -1;
    p.reread_from = -1;
    p.topics_named = 0;
    if (c.offset < 0) {
      // The run's first owner of this partition: its plan fixes the range.
      p.report.start = p.plan_start;
      p.end = p.plan_end;
      p.report.end = p.end;
      p.last_commit = p.report.start;
      p.last_meta = encode_checkpoint(meta_for(p));
      fresh.push_back({p.report.partition, p.report.start, p.last_meta});
      seeks.push_back({p.report.partition, p.report.start});
    } else {
      const auto meta = decode_checkpoint(c.metadata);
      if (!meta) {
        throw UsageError("consumer group '" + m_report.group +
                         "' holds offsets that evt replay did not commit");
      }
      check_destination(*meta, false);  // a member that joined a run into elsewhere stops here
      p.resumed = true;
      m_report.resumed = true;
      p.report.start = c.offset;
      p.end = m_options.extend_to_plan ? std::max(meta->end, p.plan_end) : meta->end;
      p.report.end = p.end;
      p.last_commit = c.offset;
      p.last_meta = c.metadata;
      if (c.offset >= meta->end && p.end > meta->end) {
        // A finished partition extended to this member's plan (evt dlq
        // redrive): its new end published at once, so no member takes the
        // old end for the run's. Nothing of it lies past the old end.
        p.last_meta = encode_checkpoint(meta_for(p));
        fresh.push_back({p.report.partition, p.report.start, p.last_meta});
        seeks.push_back({p.report.partition, p.report.start});
      }
      if (c.offset < meta->end && meta->provenance && m_options.provenance) {
        for (const auto& [dp, off] : meta->dest_scan) {
          const auto it = scan_from.find(dp);
          scan_from[dp] = it == scan_from.end() ? off : std::min(it->second, off);
        }
        for (const auto& [topic, scan] : meta->topic_scan) {
          auto& from = topic_scan_from[topic];
          for (const auto& [dp, off] : scan) {
            const auto it = from.find(dp);
            from[dp] = it == from.end() ? off : std::min(it->second, off);
          }
        }
        scanning.insert(idx);
      } else if (c.offset < meta->end && !m_resume_warned) {
        m_resume_warned = true;
        m_report.warnings.push_back(
            "taking over without provenance headers: records the previous owner wrote "
            "after its last checkpoint are written again");
      }
    }
    taken.push_back(idx);
    m_report.notes.push_back("assigned " + format_source(p.report.partition, p.report.start) + " (end " +
                             std::to_string(p.end) + (c.offset < 0 ? ", first owner)" : ")"));
  }
  if (!fresh.empty() && m_group->commit_points(fresh) == kafka::CommitResult::rebalancing) {
    // Without its first checkpoint a partition must not be copied: the
    // group is moving it again anyway.
    std::vector<TopicPartition> dropped;
    for (const auto& f : fresh) {
      dropped.push_back(f.partition);
      const auto idx = m_index.at(f.partition);
      taken.erase(std::remove(taken.begin(), taken.end(), idx), taken.end());
    }
    m_group->pause(dropped);
    seeks.clear();
  }
  m_group->seek(seeks);
  if (!scanning.empty()) {
    scan_taken(scan_from, topic_scan_from, scanning);
  }
  for (const auto idx : taken) {
    auto& p = m_parts[idx];
    p.owned = true;
    if (p.report.start >= p.end) {
      finish_part(p);
      finished.push_back(p.report.partition);
    }
  }
  if (!finished.empty()) {
    m_group->pause(finished);  // nothing of them is left to read
  }
  m_last = nullptr;
}

std::vector<kafka::CommittedOffset> Copier::committed_with_retry(const std::vector<TopicPartition>& tps) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_options.idle_timeout_ms);
  for (;;) {
    try {
      return m_group->committed_metadata(tps);
    } catch (const BrokerError&) {
      if (Clock::now() > deadline || (m_options.stop_requested && m_options.stop_requested())) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

void Copier::scan_taken(const std::map<int32_t, int64_t>& scan_from,
                        const std::map<std::string, std::map<int32_t, int64_t>>& topic_scan_from,
                        const std::set<uint32_t>& scanning) {
  // Hits of other partitions (this member's own writes among them) are ignored.
  const auto before = m_report.scanned;
  size_t hits = scan_topic(m_dest.topic, destination_ends(), scan_from, &scanning);
  for (const auto& [topic, from] : topic_scan_from) {
    if (topic == m_dest.topic) {
      continue;
    }
    if (!m_sender.has_topic(topic)) {
      // Its end offsets before the scan: what the previous owner wrote lies
      // below them, and records found keep this member's scan starts low.
      add_route_topic(topic);
    }
    hits += scan_topic(topic, ends_of(topic, -1), from, &scanning);
  }
  m_report.notes.push_back("take-over scan read " + std::to_string(m_report.scanned - before) +
                           " destination record(s); " + std::to_string(hits) +
                           " were written past the previous owner's checkpoint");
}

void Copier::give_up(const std::vector<TopicPartition>& revoked) {
  m_sender.touch();
  m_group_moved = Clock::now();
  std::vector<uint32_t> idxs;
  for (const auto& tp : revoked) {
    const auto it = m_index.find(tp);
    if (it != m_index.end() && m_parts[it->second].owned) {
      idxs.push_back(it->second);
    }
  }
  if (idxs.empty()) {
    return;
  }
  const auto pending = [&] {
    return std::any_of(idxs.begin(), idxs.end(), [&](uint32_t i) { return m_sender.in_flight(i) > 0; });
  };
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_options.idle_timeout_ms);
  while (pending() && Clock::now() < deadline && !(m_options.stop_requested && m_options.stop_requested())) {
    m_sender.serve(20);
  }
  if (pending() && m_stalled.empty()) {
    // The next owner may scan before these land; stop rather than go on.
    m_stalled = "records of revoked partitions were not acknowledged within " +
                std::to_string(m_options.idle_timeout_ms / 1000) + " s";
    m_sender.stop();
  }
  if (!m_group->assignment_lost()) {
    commit_some(*m_group, idxs, false);
  }
  for (const auto i : idxs) {
    m_report.notes.push_back("revoked " + format_source(m_parts[i].report.partition, m_parts[i].last_commit));
    m_sender.forget(i);
    auto& p = m_parts[i];
    p.owned = false;
    p.done = false;
    p.kept_from = -1;
    p.reread_from = -1;
    p.topics_named = 0;
    p.already.clear();
  }
  m_last = nullptr;
}

}  // namespace evt::replay::engine
