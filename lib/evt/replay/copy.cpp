#include "evt/replay/copy.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/replay/checkpoint.hpp"
#include "evt/replay/copier.hpp"
#include "evt/replay/dest_scan.hpp"
#include "evt/replay/group_progress.hpp"
#include "evt/replay/provenance.hpp"
#include "evt/replay/retention.hpp"
#include "evt/replay/run_id.hpp"
#include "evt/replay/sender.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <thread>

namespace evt::replay {

std::string to_string(PartitionBy p) {
  return p == PartitionBy::same ? "same" : p == PartitionBy::key ? "key" : "auto";
}

uint64_t CopyReport::total(uint64_t PartitionReport::*field) const {
  uint64_t sum = 0;
  for (const auto& p : partitions) {
    sum += p.*field;
  }
  return sum;
}

namespace engine {

Copier::Copier(const kafka::ClientConfig& source, const Destination& dest,
               const std::vector<read::PartitionPlan>& plans, const filter::RecordFilter& filter,
               const CopyOptions& options)
    : m_source(source),
      m_dest(dest),
      m_filter(filter),
      m_options(options),
      m_sender(dest, options, plans.size()) {
  for (const auto& p : plans) {
    Part part;
    part.report.partition = p.partition;
    part.report.start = p.start;
    part.end = p.end.value_or(p.start);
    part.report.end = part.end;
    part.plan_start = p.start;
    part.plan_end = part.end;
    m_index[p.partition] = static_cast<uint32_t>(m_parts.size());
    m_parts.push_back(std::move(part));
  }
  m_report.run_id = options.run_id;
  m_report.group = run_group(options.run_id);
}

CopyReport Copier::run() {
  m_started = Clock::now();
  resolve_mapping();
  if (m_options.keep_timestamps) {
    // Short: a broker that cannot describe configs must not hold the run up.
    m_ts_check.emplace(m_dest.config, m_dest.topic, std::min(m_options.idle_timeout_ms, 3000),
                       m_report.notes);
  }
  if (m_options.dry_run) {
    copy_loop(nullptr);
    return finish();
  }
  if (m_options.scale_out) {
    return run_member();
  }
  kafka::ConsumerOptions co;
  co.group = m_report.group;
  kafka::Consumer consumer(m_source, co);
  const auto dest_end = destination_ends();
  load_checkpoints(consumer);
  if (std::all_of(m_parts.begin(), m_parts.end(),
                  [](const Part& p) { return p.resumed && p.report.start >= p.end; }) &&
      m_report.resumed) {
    m_report.already_complete = true;
    return finish();
  }
  m_sender.begin(dest_end, !m_options.route);  // a route sends Records: one thread
  for (const auto& [topic, from] : m_topic_scan_from) {
    if (!m_sender.has_topic(topic)) {
      add_route_topic(topic);
    }
  }
  scan_destination(dest_end);
  for (const auto& [topic, from] : m_topic_scan_from) {
    scan_topic(topic, ends_of(topic, -1), from, nullptr);
  }
  commit_fresh(consumer);
  copy_loop(&consumer);
  drain(consumer);
  return finish();
}

void Copier::resolve_mapping() {
  kafka::Admin admin(m_dest.config);
  const auto info = admin.describe_topic(m_dest.topic);
  m_report.dest_partitions = static_cast<int32_t>(info.partitions.size());
  int32_t highest = -1;
  for (const auto& p : m_parts) {
    highest = std::max(highest, p.report.partition.partition);
  }
  auto by = m_options.partition_by;
  if (m_options.route) {
    by = PartitionBy::key;  // the route picks partitions: checkpoints name them all
  } else if (by == PartitionBy::automatic) {
    by = m_report.dest_partitions > highest ? PartitionBy::same : PartitionBy::key;
  }
  apply_mapping(by);
}

void Copier::apply_mapping(PartitionBy by) {
  int32_t highest = -1;
  for (const auto& p : m_parts) {
    highest = std::max(highest, p.report.partition.partition);
  }
  if (by == PartitionBy::same && m_report.dest_partitions <= highest) {
    throw UsageError("--partition-by same needs partition " + std::to_string(highest) + " in '" +
                         m_dest.topic + "', which has " + std::to_string(m_report.dest_partitions) +
                         " partition(s)",
                     "use --partition-by key, or add partitions to the destination");
  }
  if (by == PartitionBy::key && m_options.provenance &&
      static_cast<size_t>(m_report.dest_partitions) > k_max_key_mapped_partitions) {
    throw UsageError("--partition-by key into more than " + std::to_string(k_max_key_mapped_partitions) +
                         " destination partitions does not fit the checkpoint metadata",
                     "use --partition-by same, or --no-provenance (gives up exactly-once resume)");
  }
  m_report.partition_by = by;
  for (auto& p : m_parts) {
    p.report.dest_partition = by == PartitionBy::same ? p.report.partition.partition : -1;
  }
}

std::map<int32_t, int64_t> Copier::destination_ends() {
  return ends_of(m_dest.topic, m_report.dest_partitions);
}

std::map<int32_t, int64_t> Copier::ends_of(const std::string& topic, int32_t partitions) {
  kafka::Admin admin(m_dest.config);
  if (partitions < 0) {
    partitions = static_cast<int32_t>(admin.describe_topic(topic).partitions.size());
  }
  std::vector<TopicPartition> tps;
  for (int32_t i = 0; i < partitions; ++i) {
    tps.push_back({topic, i});
  }
  std::map<int32_t, int64_t> ends;
  for (const auto& [tp, range] : admin.offset_ranges(tps)) {
    ends[tp.partition] = range.end;
  }
  return ends;
}

void Copier::load_checkpoints(kafka::Consumer& consumer) {
  std::vector<TopicPartition> tps;
  for (const auto& p : m_parts) {
    tps.push_back(p.report.partition);
  }
  bool previous_without_provenance = false;
  for (const auto& point : consumer.committed_metadata(tps)) {
    if (point.offset < 0) {
      continue;
    }
    const auto meta = decode_checkpoint(point.metadata);
    if (!meta) {
      throw UsageError("consumer group '" + m_report.group + "' holds offsets that evt replay did not commit",
                       "choose another --run-id");
    }
    check_destination(*meta, true);
    auto& part = m_parts[m_index.at(point.partition)];
    part.resumed = true;
    part.report.start = point.offset;
    part.end = m_options.extend_to_plan ? std::max(meta->end, part.end) : meta->end;
    part.report.end = part.end;
    part.last_commit = point.offset;
    part.last_meta = point.metadata;
    m_report.resumed = true;
    m_report.notes.push_back("checkpoint of " + format_source(point.partition, point.offset) + ": " +
                             point.metadata);
    if (point.offset >= meta->end) {
      continue;  // finished: nothing of it can be in flight
    }
    previous_without_provenance = previous_without_provenance || !meta->provenance;
    if (meta->provenance) {
      for (const auto& [dp, off] : meta->dest_scan) {
        auto it = m_scan_from.find(dp);
        m_scan_from[dp] = it == m_scan_from.end() ? off : std::min(it->second, off);
      }
      for (const auto& [topic, scan] : meta->topic_scan) {
        auto& from = m_topic_scan_from[topic];
        for (const auto& [dp, off] : scan) {
          auto it = from.find(dp);
          from[dp] = it == from.end() ? off : std::min(it->second, off);
        }
      }
    }
  }
  if (previous_without_provenance || (m_report.resumed && !m_options.provenance)) {
    m_report.warnings.push_back(
        "resuming without provenance headers: records the previous attempt wrote "
        "after its last checkpoint are written again");
  }
}

void Copier::scan_destination(const std::map<int32_t, int64_t>& dest_end) {
  if (m_scan_from.empty() || !m_options.provenance) {
    return;
  }
  const auto before = m_report.scanned;
  const auto hits = scan_topic(m_dest.topic, dest_end, m_scan_from, nullptr);
  m_report.notes.push_back("resume scan read " + std::to_string(m_report.scanned - before) +
                           " destination record(s); " + std::to_string(hits) +
                           " were written by this run beyond its checkpoint");
}

size_t Copier::scan_topic(const std::string& topic, const std::map<int32_t, int64_t>& ends,
                          const std::map<int32_t, int64_t>& scan_from, const std::set<uint32_t>* only) {
  std::map<int32_t, std::pair<int64_t, int64_t>> ranges;
  for (const auto& [dp, from] : scan_from) {
    const auto it = ends.find(dp);
    if (it != ends.end() && from < it->second) {
      ranges[dp] = {from, it->second};
    }
  }
  const auto found = scan_for_run(m_dest.config, topic, ranges, m_options.run_id, m_options.idle_timeout_ms,
                                  m_options.stop_requested);
  m_report.scanned += found.scanned;
  size_t hits = 0;
  for (const auto& hit : found.records) {
    const auto it = m_index.find(hit.source.partition);
    if (it == m_index.end() || (only != nullptr && only->count(it->second) == 0)) {
      continue;  // not a partition of the run, or not one being taken over
    }
    auto& part = m_parts[it->second];
    if (hit.source.offset < part.report.start) {
      continue;  // covered by the checkpoint already
    }
    if (hit.source.offset >= part.end) {
      if (!m_options.extend_to_plan) {
        continue;  // outside the run
      }
      // Written past this plan's end by an earlier attempt or owner whose
      // plan reached further (scale-out members started later): the run
      // reaches it too, so that it is tracked as done and never sent again.
      part.end = hit.source.offset + 1;
      part.report.end = part.end;
    }
    part.already.emplace(hit.source.offset, std::make_pair(hit.dest_partition, hit.dest_offset));
    if (topic == m_dest.topic) {
      m_sender.found(it->second, hit.source.offset, hit.dest_partition, hit.dest_offset);
    } else {
      m_sender.found_in(topic, it->second, hit.source.offset, hit.dest_partition, hit.dest_offset);
    }
    ++hits;
  }
  return hits;
}

void Copier::add_route_topic(const std::string& topic) {
  m_sender.add_topic(topic, ends_of(topic, -1));
  m_topic_added[topic] = ++m_topics_added;
}

bool Copier::open_topic(Part& p, const std::string& topic, int64_t offset) {
  // Its end offsets noted and a checkpoint of p naming it saved before the
  // first record of p goes there: a kill (or a take-over) from here on scans
  // it. Per partition: a scaled-out member may take p over from an owner
  // whose commits never named the topic.
  if (!m_sender.has_topic(topic)) {
    add_route_topic(topic);
  }
  if (m_checkpointer == nullptr || p.topics_named >= m_topic_added[topic]) {
    return true;
  }
  if (commit_some(*m_checkpointer, {index_of(p)}, !m_options.scale_out) &&
      p.topics_named >= m_topic_added[topic]) {
    return true;
  }
  // Refused while the group rebalances: the record must not go out before
  // a checkpoint names its topic; read it again (after the rebalance).
  p.reread_from = offset;
  m_checkpointer->seek({{p.report.partition, offset}});
  return false;
}

void Copier::check_destination(const CheckpointMeta& meta, bool may_adopt) {
  if (!meta.to.empty() && meta.to != m_dest.topic) {
    throw UsageError(
        "run '" + m_options.run_id + "' copies into '" + meta.to + "', not into '" + m_dest.topic + "'",
        "resume it with --to " + meta.to + ", or give the copy into '" + m_dest.topic + "' another --run-id");
  }
  const auto by = to_string(m_report.partition_by);
  if (meta.by.empty() || meta.by == by) {
    return;
  }
  if (may_adopt && m_options.partition_by == PartitionBy::automatic && !m_options.route) {
    // Chosen from the destination's partition count, which may have grown
    // since: the run keeps the mapping its records were written with.
    apply_mapping(meta.by == "same" ? PartitionBy::same : PartitionBy::key);
    return;
  }
  throw UsageError("run '" + m_options.run_id + "' copies into '" + meta.to + "' with --partition-by " +
                       meta.by + ", not into '" + m_dest.topic + "' with --partition-by " + by,
                   "resume it with --partition-by " + meta.by + ", or give this copy another --run-id");
}

CheckpointMeta Copier::meta_for(const Part& p) const {
  CheckpointMeta m;
  m.end = p.end;
  m.provenance = m_options.provenance;
  m.to = m_dest.topic;
  m.by = to_string(m_report.partition_by);
  if (p.report.dest_partition >= 0) {
    m.dest_scan[p.report.dest_partition] = m_sender.scan_start(p.report.dest_partition);
  } else {
    for (int32_t dp = 0; dp < m_report.dest_partitions; ++dp) {
      m.dest_scan[dp] = m_sender.scan_start(dp);
    }
  }
  if (m_options.route) {
    m.topic_scan = m_sender.topic_scan_starts();
  }
  return m;
}

void Copier::commit_fresh(kafka::Consumer& consumer) {
  std::vector<kafka::CommittedOffset> points;
  for (auto& p : m_parts) {
    if (!p.resumed) {
      p.last_meta = encode_checkpoint(meta_for(p));
      p.last_commit = p.report.start;
      points.push_back({p.report.partition, p.report.start, p.last_meta});
    }
  }
  consumer.commit_points(points);
}

void Copier::copy_loop(kafka::Consumer* group_consumer) {
  std::optional<kafka::Consumer> plain;
  m_checkpointer = group_consumer;
  kafka::Consumer* consumer = group_consumer;
  if (consumer == nullptr) {
    plain.emplace(m_source);
    consumer = &*plain;
  }
  std::vector<kafka::StartPosition> positions;
  for (auto& p : m_parts) {
    m_total += static_cast<uint64_t>(std::max<int64_t>(0, p.end - p.report.start));
    if (p.report.start >= p.end) {
      p.done = true;
      if (!m_options.dry_run) {
        m_sender.pass(index_of(p), p.end);
      }
    } else {
      positions.push_back({p.report.partition, p.report.start});
    }
  }
  std::set<std::string> topics;
  for (const auto& pos : positions) {
    topics.insert(pos.partition.topic);
  }
  // A fresh client knows no topic: without this, the assigned partitions
  // wait for librdkafka's next metadata refresh (up to a second) before the
  // first fetch — most of a small run's time.
  consumer->learn_topics({topics.begin(), topics.end()}, std::min(m_options.idle_timeout_ms, 5000));
  consumer->assign(positions);
  const size_t batch = poll_batch();
  std::vector<TopicPartition> reached;
  auto last_commit = Clock::now();
  auto last_progress_call = Clock::now();
  m_sender.touch();
  const auto visit = [this](const RecordView& r, kafka::NativeHeaders& headers) { on_record(r, headers); };
  while (!m_sender.stopping() && !all_done()) {
    if (m_options.stop_requested && m_options.stop_requested()) {
      m_report.interrupted = true;
      break;
    }
    reached.clear();
    const size_t n = consumer->poll_detached(visit, reached, batch, m_sender.in_flight() > 0 ? 10 : 100);
    for (const auto& tp : reached) {
      on_end(tp);
    }
    if (n > 0 || !reached.empty()) {
      m_sender.touch();
    }
    m_sender.serve(0);
    if (group_consumer != nullptr &&
        Clock::now() - last_commit >= std::chrono::milliseconds(m_options.commit_interval_ms)) {
      commit(*group_consumer, false);
      last_commit = Clock::now();
    }
    if (m_options.on_progress && Clock::now() - last_progress_call >= std::chrono::milliseconds(200)) {
      m_options.on_progress(progress());
      last_progress_call = Clock::now();
    }
    if (!m_sender.stopping() &&
        Clock::now() - m_sender.last_activity() > std::chrono::milliseconds(m_options.idle_timeout_ms)) {
      m_stalled = "no progress for " + std::to_string(m_options.idle_timeout_ms / 1000) +
                  " s (no source records, no destination acknowledgements)";
      m_sender.stop();
    }
  }
  if (m_options.stop_requested && m_options.stop_requested()) {
    m_report.interrupted = true;
  }
}

size_t Copier::poll_batch() const {
  return m_options.rate > 0 ? static_cast<size_t>(std::clamp(m_options.rate / 10, 1.0, 10000.0)) : 10000;
}

bool Copier::all_done() const {
  return std::all_of(m_parts.begin(), m_parts.end(), [](const Part& p) { return p.done; });
}

Part* Copier::part_of(const RecordView& r) {
  if (m_last != nullptr && r.partition == m_last->report.partition.partition &&
      r.topic == m_last->report.partition.topic) {
    return m_last;
  }
  const auto it = m_index.find(TopicPartition{std::string(r.topic), r.partition});
  m_last = it == m_index.end() ? nullptr : &m_parts[it->second];
  return m_last;
}

void Copier::finish_part(Part& p) {
  p.done = true;
  if (!m_options.dry_run) {
    m_sender.pass(index_of(p), p.end);
  }
}

void Copier::on_end(const TopicPartition& tp) {
  const auto it = m_index.find(tp);
  // The client reached the partition's current end, which is at or
  // beyond the run's end (fixed when the run began): all of it was read.
  if (it != m_index.end() && !m_sender.stopping()) {
    auto& p = m_parts[it->second];
    if (!p.done && p.owned) {
      finish_part(p);
    }
  }
}

void Copier::on_record(const RecordView& r, kafka::NativeHeaders& headers) {
  Part* p = part_of(r);
  if (p == nullptr || p->done || !p->owned || m_sender.stopping()) {
    return;  // a record of a later poll is read again on resume: nothing is marked
  }
  if (r.offset < p->report.start) {
    return;  // fetched before a take-over's seek
  }
  if (p->reread_from >= 0) {
    if (r.offset != p->reread_from) {
      return;  // fetched before the seek back (open_topic): read again after it
    }
    p->reread_from = -1;
  }
  if (r.offset >= p->end) {
    finish_part(*p);
    return;
  }
  const auto idx = index_of(*p);
  if (!p->already.empty()) {
    const auto it = p->already.find(r.offset);
    if (it != p->already.end()) {
      // An earlier attempt wrote it after its last checkpoint: done already.
      p->already.erase(it);
      m_sender.done(idx, r.offset);
      ++p->report.read;
      ++p->report.selected;
      ++p->report.already;
      ++m_read;
      after_record(*p, r.offset);
      return;
    }
  }
  // A plain copy sends the consumed bytes and header list as they are;
  // a dry run (its sample) and a routed copy build a Record.
  const bool direct = !m_options.dry_run && !m_options.route;
  const auto routed = !m_filter.matches(r) ? Routed::pass : direct ? Routed::send : build(*p, r);
  if (routed == Routed::stop) {
    m_report.route_stopped = true;
    m_sender.stop();
    return;  // this record stays unread; the drain commits what was acknowledged
  }
  if (routed == Routed::keep) {
    // Not written and not passed: commits stop at the first of these, so
    // a later run reads it again (what this run writes past it is found by
    // that run's resume scan, the tracker keeping the scan starts low).
    if (p->kept_from < 0) {
      p->kept_from = r.offset;
    }
    ++p->report.read;
    ++m_read;
    after_record(*p, r.offset);
    return;
  }
  if (routed == Routed::pass) {
    ++p->report.read;
    ++m_read;
    if (!m_options.dry_run) {
      m_sender.pass(idx, r.offset + 1);
    }
    after_record(*p, r.offset);
    return;
  }
  if (m_options.dry_run) {
    ++p->report.read;
    ++p->report.selected;
    ++m_read;
    if (m_report.sample.size() < m_options.sample_size) {
      m_report.sample.push_back(m_record);
    }
    after_record(*p, r.offset);
    return;
  }
  if (m_options.route && m_record.topic != m_dest.topic && !open_topic(*p, m_record.topic, r.offset)) {
    return;
  }
  if (direct ? !send_direct(*p, r, headers) : !m_sender.send(idx, r.offset, m_record)) {
    m_report.interrupted = true;
    return;  // stopping: this record stays unread
  }
  ++p->report.read;
  ++p->report.selected;
  ++m_read;
  after_record(*p, r.offset);
}

void Copier::after_record(Part& p, int64_t offset) {
  if (offset + 1 >= p.end) {
    finish_part(p);
  }
}

Routed Copier::build(const Part& p, const RecordView& r) {
  copy_record(r, m_record);
  m_record.topic = m_dest.topic;
  m_record.partition = p.report.dest_partition;
  m_record.offset = -1;
  if (!m_options.keep_timestamps) {
    m_record.timestamp = -1;
    m_record.timestamp_type = TimestampType::none;
  } else {
    check_kept_timestamp(m_record.timestamp);
  }
  if (m_options.route) {
    const auto routed = m_options.route(r, m_record);
    if (routed != Routed::send) {
      return routed;
    }
  }
  if (m_options.provenance) {
    m_record.headers.push_back({std::string(k_source_header), format_source(p.report.partition, r.offset)});
    m_record.headers.push_back({std::string(k_run_header), m_options.run_id});
  }
  return Routed::send;
}

void Copier::check_kept_timestamp(int64_t timestamp) {
  if (!m_ts_check) {
    return;
  }
  m_ts_check->check(timestamp, [this](const std::string& w) {
    if (m_options.on_warning) {
      m_options.on_warning(w);
    } else {
      m_report.warnings.push_back(w);
    }
  });
}

bool Copier::send_direct(const Part& p, const RecordView& r, kafka::NativeHeaders& headers) {
  RecordView out = r;
  if (!m_options.keep_timestamps) {
    out.timestamp = -1;
    out.timestamp_type = TimestampType::none;
  } else {
    check_kept_timestamp(out.timestamp);
  }
  uint64_t bytes = (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& h : r.headers) {
    bytes += h.key.size() + (h.value ? h.value->size() : 0);
  }
  std::optional<std::string_view> source_text;
  if (m_options.provenance) {
    format_source_into(m_source_text, p.report.partition, r.offset);
    source_text = m_source_text;  // the Sender adds the headers
    bytes += k_source_header.size() + m_source_text.size() + k_run_header.size() + m_options.run_id.size();
  }
  out.headers = {};  // the producer takes `headers`, not the decoded views
  return m_sender.send(index_of(p), r.offset, p.report.dest_partition, out, std::move(headers), bytes,
                       source_text);
}

void Copier::commit(kafka::Consumer& consumer, bool must) {
  std::vector<uint32_t> owned;
  for (const auto& p : m_parts) {
    if (p.owned) {
      owned.push_back(index_of(p));
    }
  }
  commit_some(consumer, owned, must);
}

bool Copier::commit_some(kafka::Consumer& consumer, const std::vector<uint32_t>& which, bool must) {
  if (m_sender.failed() || which.empty()) {
    return false;
  }
  // Sources not committed now keep their tracker entries.
  std::vector<int64_t> offsets(m_parts.size(), std::numeric_limits<int64_t>::min());
  for (const auto i : which) {
    offsets[i] = m_sender.commit_offset(i, m_parts[i].report.start);
    if (m_parts[i].kept_from >= 0) {
      offsets[i] = std::min(offsets[i], m_parts[i].kept_from);
    }
  }
  m_sender.prune(offsets);
  std::vector<kafka::CommittedOffset> points;
  for (const auto i : which) {
    auto& p = m_parts[i];
    auto meta = encode_checkpoint(meta_for(p));
    if (offsets[i] != p.last_commit || meta != p.last_meta) {
      points.push_back({p.report.partition, offsets[i], std::move(meta)});
    }
  }
  // Unchanged metadata already names every topic added so far.
  const auto named = m_topics_added;
  if (points.empty()) {
    for (const auto i : which) {
      m_parts[i].topics_named = named;
    }
    return true;
  }
  try {
    const auto res = consumer.commit_points(points);
    if (res == kafka::CommitResult::rebalancing) {
      return false;  // the revocation (or the next interval) commits them
    }
  } catch (const BrokerError&) {
    if (must) {
      throw;
    }
    ++m_commit_failures;
    return false;
  }
  for (const auto i : which) {
    m_parts[i].topics_named = named;
  }
  for (const auto& pt : points) {
    auto& p = m_parts[m_index.at(pt.partition)];
    p.last_commit = pt.offset;
    p.last_meta = pt.metadata;
  }
  return true;
}

void Copier::drain(kafka::Consumer& consumer) {
  const size_t lost = m_sender.drain();
  for (size_t i = 0; i < m_parts.size(); ++i) {
    m_parts[i].report.written = m_sender.written(static_cast<uint32_t>(i));
  }
  if (lost > 0) {
    // Safe after the purge: no acknowledgement moves the scan start any more.
    commit_final(consumer);
    throw BrokerError(std::to_string(lost) + " record(s) were not acknowledged by the destination within " +
                          std::to_string(m_options.idle_timeout_ms / 1000) + " s",
                      "resume with --run-id " + m_options.run_id + " once the destination is healthy");
  }
  commit_final(consumer);
  consumer.close();
  if (!m_stalled.empty() && !m_sender.failed()) {
    throw BrokerError(m_stalled,
                      "check that the brokers are up, then resume with --run-id " + m_options.run_id);
  }
  if (m_sender.failed()) {
    // Name the source record (topic/partition@offset), not the engine's number.
    const auto source = m_sender.failed_source();
    const auto text = source < m_parts.size()
                          ? "the destination refused " +
                                format_source(m_parts[source].report.partition, m_sender.failed_offset()) +
                                ": " + m_sender.failed_error()
                          : m_sender.failure();
    throw BrokerError(text, "fix the cause and resume with --run-id " + m_options.run_id +
                                ": nothing acknowledged is written twice");
  }
}

void Copier::commit_final(kafka::Consumer& consumer) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_options.idle_timeout_ms);
  for (;;) {
    try {
      commit(consumer, true);
      return;
    } catch (const BrokerError&) {
      // Ctrl-C ends the retries (the destination scan makes a resume exact
      // without this checkpoint), as does --timeout.
      if (Clock::now() > deadline || (m_options.stop_requested && m_options.stop_requested())) {
        // No coordinator: leaving the group would wait for librdkafka's
        // queued commits far past --timeout (kafka::Consumer::abandon).
        consumer.abandon();
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

CopyProgress Copier::progress() const {
  CopyProgress pr;
  pr.read = m_read;
  pr.total = m_total;
  pr.bytes = m_sender.bytes();
  for (size_t i = 0; i < m_parts.size(); ++i) {
    pr.written += m_sender.written(static_cast<uint32_t>(i));
  }
  pr.elapsed_s = seconds_since(m_started);
  return pr;
}

CopyReport Copier::finish() {
  m_report.partitions.clear();
  for (const auto& p : m_parts) {
    m_report.partitions.push_back(p.report);
  }
  m_report.bytes = m_sender.bytes();
  m_report.written_to = m_sender.written_to();
  m_report.elapsed_s = seconds_since(m_started);
  if (m_commit_failures > 0) {
    m_report.warnings.push_back(std::to_string(m_commit_failures) +
                                " checkpoint commit(s) failed and were retried");
  }
  return std::move(m_report);
}

}  // namespace engine

void check_not_into_itself(const std::vector<std::string>& sources, const std::string& source_brokers,
                           const Destination& destination, bool allowed) {
  for (const auto& s : sources) {
    if (!allowed && s == destination.topic && destination.config.brokers == source_brokers) {
      throw UsageError("refusing to replay '" + s + "' into itself",
                       "add --allow-same-topic if that is what you want");
    }
  }
}

CopyReport copy_records(const kafka::ClientConfig& source, const Destination& destination,
                        const std::vector<read::PartitionPlan>& plans, const filter::RecordFilter& filter,
                        const CopyOptions& options) {
  engine::Copier copier(source, destination, plans, filter, options);
  return copier.run();
}

}  // namespace evt::replay
