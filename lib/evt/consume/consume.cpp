#include "evt/consume/consume.hpp"

#include "evt/consume/metrics.hpp"
#include "evt/consume/outputs.hpp"
#include "evt/consume/runner.hpp"
#include "evt/deliver/watermark.hpp"
#include "evt/dlq/headers.hpp"
#include "evt/error.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

extern char** environ;

namespace evt::consume {
namespace {

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string where(const Record& r) {
  return output::terminal_safe(r.topic) + "[" + std::to_string(r.partition) + "]@" + std::to_string(r.offset);
}

// One buffered record and how far it got.
struct Item {
  Record record;
  int attempts = 0;  // attempts started (in --batch mode: runs on its own)
  int64_t arrived_ms = 0;
  std::optional<std::string> dedupe_id;  // --dedupe-by: the record's event id, if it has one
};

// What a buffered record weighs: its key and value.
size_t record_bytes(const Record& r) {
  return (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
}

class Engine : public kafka::RebalanceListener {
 public:
  Engine(kafka::Consumer& consumer, kafka::Producer* dlq, const ConsumeOptions& o, const ConsumeHooks& h)
      : m_consumer(consumer),
        m_dlq(dlq),
        m_o(o),
        m_hooks(h),
        // A batch is a run of one partition's records, handled in order.
        m_scheduler(o.batch > 0 ? Ordering::partition : o.ordering),
        m_rng(std::random_device{}()) {
    RunnerSpec spec;
    spec.argv = o.argv;
    spec.base_env = inherited_environment(environ);
    spec.group = o.group;
    spec.max_attempts = o.retries + 1;
    spec.slots = static_cast<size_t>(o.concurrency);
    spec.timeout_ms = o.handler_timeout_ms;
    spec.on_stderr = h.handler_stderr;
    spec.capture_stdout = !o.to_topic.empty();
    m_runner = o.mode == HandlerMode::pipe ? make_pipe_runner(spec) : make_exec_runner(spec);
    if (o.dedupe_by) {
      m_store =
          std::make_unique<DedupeStore>(o.dedupe_store, o.group, o.dedupe_window, !o.dedupe_store_given);
    }
  }

  ConsumeResult run();

  // Called before the group takes partitions away: finish (up to the
  // shutdown timeout) or abandon their work, and say what to commit.
  std::vector<kafka::StartPosition> on_revoke(const std::vector<TopicPartition>& partitions) override;
  void on_assign(const std::vector<kafka::StartPosition>& committed) override;
  // Closes the consumer while the engine can still answer its last revoke.
  void close() { m_consumer.close(); }

 private:
  std::vector<kafka::StartPosition> revoke(const std::vector<TopicPartition>& partitions);
  void poll_records(int timeout_ms);
  void start_ready();
  void wait_children(int timeout_ms);
  void reap_finished();
  void finish_attempt(const FinishedAttempt& a);
  void start_batches(int64_t now);
  void finish_batch(const FinishedAttempt& a, std::vector<uint64_t> ids);
  void abandon_running(const std::function<bool(uint64_t)>& which);
  void give_up(uint64_t id, const AttemptResult& result);
  void done(uint64_t id);
  bool publish_outputs(uint64_t id, const std::string& output, AttemptResult& result);
  bool producing() const { return !m_dlq_pending.empty() || !m_out_tokens.empty(); }
  bool skip_seen(uint64_t id);
  void serve_dlq(int timeout_ms);
  void output_acked(uint64_t id, const kafka::DeliveryReport& r);
  void commit(bool force);
  void flow_control();
  void write_metrics(int64_t now, bool force);
  void update_gauges();
  void begin_stop(const std::string& failure);
  bool at_end() const;
  int64_t next_wakeup(int64_t now) const;
  void emit(ConsumeEvent::Kind kind, std::string text) {
    if (m_hooks.event) {
      m_hooks.event({kind, std::move(text)});
    }
  }

  kafka::Consumer& m_consumer;
  kafka::Producer* m_dlq;
  const ConsumeOptions& m_o;
  const ConsumeHooks& m_hooks;
  Scheduler m_scheduler;
  deliver::AckWatermark m_watermark;
  std::mt19937_64 m_rng;
  std::unique_ptr<Runner> m_runner;
  std::unique_ptr<DedupeStore> m_store;  // --dedupe-by
  uint64_t m_next_id = 1;
  std::unordered_map<uint64_t, Item> m_items;
  std::map<TopicPartition, size_t> m_buffered_bytes;  // keys and values of m_items, per partition
  // Drops a record from m_items and its bytes from m_buffered_bytes.
  void forget(uint64_t id);
  std::map<uint64_t, uint64_t> m_dlq_pending;  // token (= item id) → item id
  // --to: outputs being produced: token → item id, and per item how many
  // are not acknowledged yet (the item is done when none are left).
  std::map<uint64_t, uint64_t> m_out_tokens;
  std::map<uint64_t, size_t> m_out_waiting;
  uint64_t m_next_token = uint64_t{1} << 62;  // apart from dead letters' tokens (item ids)
  std::map<TopicPartition, int64_t> m_committed;
  std::set<TopicPartition> m_paused;
  std::set<TopicPartition> m_at_end;
  std::set<TopicPartition> m_assigned_seen;
  ConsumeStats m_stats;
  bool m_stopping = false;
  bool m_interrupted = false;
  std::string m_failure;
  int64_t m_stop_deadline = 0;
  int64_t m_last_commit = 0;
  int64_t m_last_progress = 0;
  int64_t m_last_metrics = 0;
  bool m_metrics_failed = false;  // said once; evt goes on without them
  kafka::ConsumedBatch m_batch;
  // --batch: running batches by attempt id (their first record), the
  // smaller size a partition uses while it bisects a failed batch, and the
  // last offset of the failed range.
  std::unordered_map<uint64_t, std::vector<uint64_t>> m_batches;
  std::map<TopicPartition, size_t> m_batch_limit;
  std::map<TopicPartition, int64_t> m_bisect_until;
  int64_t m_batch_due = -1;  // when a partial batch held back by --batch-wait may start
};

void Engine::poll_records(int timeout_ms) {
  m_batch.clear();
  // Only as many as the buffers take: the rest stays in librdkafka's queue.
  m_consumer.poll(m_batch, 500, timeout_ms);
  for (auto& r : m_batch.records) {
    const TopicPartition tp{r.topic, r.partition};
    m_at_end.erase(tp);
    m_assigned_seen.insert(tp);
    const uint64_t id = m_next_id++;
    m_watermark.sent(tp, r.offset);
    m_scheduler.add(id, tp, r.key);
    auto dedupe_id = m_o.dedupe_by ? m_o.dedupe_by->extract(r) : std::nullopt;
    m_buffered_bytes[tp] += record_bytes(r);
    m_items.emplace(id, Item{std::move(r), 0, monotonic_ms(), std::move(dedupe_id)});
    ++m_stats.received;
  }
  for (const auto& tp : m_batch.reached_end) {
    m_at_end.insert(tp);
    m_assigned_seen.insert(tp);
  }
}

void Engine::start_ready() {
  const int64_t now = monotonic_ms();
  if (m_o.batch > 0) {
    start_batches(now);
    return;
  }
  while (!m_stopping && m_runner->has_free_slot()) {
    const auto id = m_scheduler.next(now);
    if (!id) {
      break;
    }
    if (skip_seen(*id)) {
      continue;
    }
    Item& item = m_items.at(*id);
    ++item.attempts;
    ++m_stats.attempts;
    m_runner->start(*id, item.record, item.attempts);
  }
}

void Engine::start_batches(int64_t now) {
  std::vector<std::vector<uint64_t>> held;
  m_batch_due = -1;
  auto max_for = [&](const TopicPartition& tp) {
    const auto it = m_batch_limit.find(tp);
    return it == m_batch_limit.end() ? m_o.batch : it->second;
  };
  while (!m_stopping && m_runner->has_free_slot()) {
    auto ids = m_scheduler.next_batch(now, max_for);
    if (ids.empty()) {
      break;
    }
    const Item& first = m_items.at(ids.front());
    const TopicPartition tp{first.record.topic, first.record.partition};
    // A partial batch waits up to --batch-wait for more records, unless the
    // partition is read to its end (nothing more is coming now).
    const int64_t due = first.arrived_ms + m_o.batch_wait_ms;
    if (ids.size() < max_for(tp) && due > now && !m_at_end.contains(tp)) {
      m_batch_due = m_batch_due < 0 ? due : std::min(m_batch_due, due);
      held.push_back(std::move(ids));
      continue;
    }
    std::vector<const Record*> records;
    for (const auto id : ids) {
      records.push_back(&m_items.at(id).record);
    }
    int attempt = 1;
    if (ids.size() == 1) {
      attempt = ++m_items.at(ids.front()).attempts;
    }
    ++m_stats.attempts;
    m_runner->start_batch(ids.front(), records, attempt);
    m_batches[ids.front()] = std::move(ids);
  }
  for (const auto& ids : held) {
    m_scheduler.requeue_batch(ids);
  }
}

void Engine::finish_batch(const FinishedAttempt& a, std::vector<uint64_t> ids) {
  const Record& last = m_items.at(ids.back()).record;
  const TopicPartition tp{last.topic, last.partition};
  const int64_t last_offset = last.offset;
  auto passed = [&] {
    // Past the failed range: back to full batches.
    const auto until = m_bisect_until.find(tp);
    if (until != m_bisect_until.end() && last_offset >= until->second) {
      m_bisect_until.erase(until);
      m_batch_limit.erase(tp);
    }
  };
  if (a.abandoned || (m_stopping && a.result.verdict != Verdict::done && ids.size() > 1)) {
    m_stats.abandoned += ids.size();
    m_scheduler.finish_batch(ids);
    return;
  }
  if (a.result.verdict == Verdict::done) {
    for (const auto id : ids) {
      done(id);
    }
    m_scheduler.finish_batch(ids);
    passed();
    return;
  }
  if (ids.size() > 1) {
    // Bisect: the first half runs next, the second after it, until the
    // failing record runs alone and takes the per-record retry path.
    const size_t half = (ids.size() + 1) / 2;
    m_batch_limit[tp] = half;
    m_bisect_until[tp] = std::max(m_bisect_until.count(tp) ? m_bisect_until[tp] : last_offset, last_offset);
    emit(ConsumeEvent::Kind::retry, "batch " + where(m_items.at(ids.front()).record) + " of " +
                                        std::to_string(ids.size()) + " failed (" + a.result.error +
                                        "); splitting it in batches of " + std::to_string(half));
    m_scheduler.requeue_batch(ids);
    return;
  }
  const Item& item = m_items.at(ids.front());
  const bool will_retry =
      a.result.verdict == Verdict::retry && item.attempts < m_o.retries + 1 && !m_stopping;
  finish_attempt(a);
  if (!will_retry) {
    passed();
  }
}

void Engine::wait_children(int timeout_ms) {
  std::vector<pollfd> fds;
  m_runner->add_poll_fds(fds);
  if (!fds.empty() && timeout_ms > 0) {
    // EINTR (a signal) just ends the wait early; the loop looks at the flag.
    ::poll(fds.data(), fds.size(), timeout_ms);
  }
}

void Engine::reap_finished() {
  std::vector<FinishedAttempt> finished;
  m_runner->pump(finished);
  for (const auto& a : finished) {
    finish_attempt(a);
  }
}

void Engine::abandon_running(const std::function<bool(uint64_t)>& which) {
  for (const auto id : m_runner->running()) {
    if (which(id)) {
      m_runner->abandon(id);
    }
  }
}

void Engine::finish_attempt(const FinishedAttempt& a) {
  if (const auto batch = m_batches.find(a.id); batch != m_batches.end()) {
    auto ids = std::move(batch->second);
    m_batches.erase(batch);
    finish_batch(a, std::move(ids));
    return;
  }
  Item& item = m_items.at(a.id);
  if (a.abandoned) {
    // Not done and not committed: it runs again after a restart or on the
    // partition's next owner.
    ++m_stats.abandoned;
    m_scheduler.finish(a.id);
    return;
  }
  AttemptResult result = a.result;
  if (result.verdict == Verdict::done && !m_o.to_topic.empty()) {
    if (publish_outputs(a.id, a.output, result)) {
      m_scheduler.finish(a.id);
      return;
    }
    // Not events: a failure (error class "output"), retried as any other.
  }
  if (result.verdict == Verdict::done) {
    done(a.id);
    m_scheduler.finish(a.id);
    return;
  }
  const int max_attempts = m_o.retries + 1;
  if (result.verdict == Verdict::retry && item.attempts < max_attempts) {
    if (m_stopping) {
      ++m_stats.abandoned;
      m_scheduler.finish(a.id);
      return;
    }
    const int64_t delay = backoff_delay_ms(m_o.backoff, item.attempts, m_rng);
    ++m_stats.retries;
    emit(ConsumeEvent::Kind::retry, where(item.record) + " attempt " + std::to_string(item.attempts) + "/" +
                                        std::to_string(max_attempts) + " failed (" + result.error +
                                        "); retrying in " + std::to_string(delay) + " ms");
    m_scheduler.retry_at(a.id, monotonic_ms() + delay);
    return;
  }
  give_up(a.id, result);
  m_scheduler.finish(a.id);
}

void Engine::give_up(uint64_t id, const AttemptResult& result) {
  Item& item = m_items.at(id);
  const std::string why = where(item.record) + " failed after " + std::to_string(item.attempts) +
                          " attempt(s) (" + result.error + ")";
  if (m_dlq != nullptr && !m_o.dlq_topic.empty()) {
    dlq::DeadLetterInfo info;
    info.original_topic = item.record.topic;
    info.original_partition = item.record.partition;
    info.original_offset = item.record.offset;
    info.original_timestamp = item.record.timestamp;
    info.original_timestamp_type = item.record.timestamp_type;
    info.group = m_o.group;
    info.error = result.error;
    info.error_message = result.detail;
    info.attempts = item.attempts;
    info.exit_code = result.exit_code;
    info.handler = m_o.handler_text;
    info.time_ms = wall_ms();
    try {
      m_dlq->produce(dlq::dead_letter_record(item.record, info, m_o.dlq_topic), id);
      m_dlq_pending[id] = id;
      emit(ConsumeEvent::Kind::dead_letter,
           why + "; dead-lettered to " + output::terminal_safe(m_o.dlq_topic));
    } catch (const Error& e) {
      begin_stop(why + "; cannot write the dead letter to " + output::terminal_safe(m_o.dlq_topic) + ": " +
                 e.what());
    }
    return;
  }
  if (m_o.on_failure == OnFailure::skip) {
    ++m_stats.skipped;
    emit(ConsumeEvent::Kind::skipped, why + "; SKIPPED (--on-failure skip), it will not be handled again");
    m_watermark.acked({item.record.topic, item.record.partition}, item.record.offset);
    forget(id);
    return;
  }
  begin_stop(why + "; stopping without committing it");
}

bool Engine::publish_outputs(uint64_t id, const std::string& output, AttemptResult& result) {
  Item& item = m_items.at(id);
  std::vector<Record> outputs;
  try {
    outputs = handler_outputs(output, item.record, m_o.to_topic);
  } catch (const OutputError& e) {
    result.verdict = Verdict::retry;
    result.error = "output";
    result.detail = e.what();
    return false;
  }
  if (outputs.empty()) {
    done(id);
    return true;
  }
  try {
    for (const auto& r : outputs) {
      const uint64_t token = m_next_token++;
      m_dlq->produce(r, token);
      m_out_tokens[token] = id;
      ++m_out_waiting[id];
    }
  } catch (const Error& e) {
    // Some outputs may be out: the input stays uncommitted and runs again.
    begin_stop("cannot publish the output of " + where(item.record) + " to " +
               output::terminal_safe(m_o.to_topic) + ": " + e.what());
    m_out_waiting.erase(id);
    forget(id);
  }
  return true;
}

bool Engine::skip_seen(uint64_t id) {
  Item& item = m_items.at(id);
  if (m_store == nullptr || item.attempts > 0 || !item.dedupe_id) {
    return false;
  }
  try {
    if (!m_store->seen(*item.dedupe_id)) {
      return false;
    }
  } catch (const Error& e) {
    // Not knowing is not skipping: the record waits for the next run.
    begin_stop(e.what());
    m_scheduler.finish(id);
    return true;
  }
  // Handled before (by this group, within the window): done without a run.
  ++m_stats.deduplicated;
  m_watermark.acked({item.record.topic, item.record.partition}, item.record.offset);
  m_scheduler.finish(id);
  forget(id);
  return true;
}

void Engine::done(uint64_t id) {
  const Item& item = m_items.at(id);
  if (m_store != nullptr && item.dedupe_id) {
    // Recorded before its offset can be committed: a SIGKILL between the
    // two leaves an id whose record runs again and is then skipped.
    try {
      m_store->record(*item.dedupe_id);
    } catch (const Error& e) {
      // Handled but not recorded: left uncommitted, so it runs again.
      begin_stop(e.what());
      forget(id);
      return;
    }
  }
  m_watermark.acked({item.record.topic, item.record.partition}, item.record.offset);
  ++m_stats.done;
  forget(id);
}

void Engine::serve_dlq(int timeout_ms) {
  if (m_dlq == nullptr || !producing()) {
    return;
  }
  std::vector<kafka::DeliveryReport> reports;
  m_dlq->poll(timeout_ms, reports);
  for (const auto& r : reports) {
    if (const auto out = m_out_tokens.find(r.token); out != m_out_tokens.end()) {
      output_acked(out->second, r);
      m_out_tokens.erase(out);
      continue;
    }
    const auto it = m_dlq_pending.find(r.token);
    if (it == m_dlq_pending.end()) {
      continue;
    }
    const uint64_t id = it->second;
    m_dlq_pending.erase(it);
    const auto found = m_items.find(id);
    if (found == m_items.end()) {
      continue;  // its partition was revoked meanwhile
    }
    if (r.delivered) {
      ++m_stats.dead_lettered;
      m_watermark.acked({found->second.record.topic, found->second.record.partition},
                        found->second.record.offset);
      forget(id);
    } else {
      // Never drop a record: it stays uncommitted and evt stops.
      begin_stop("cannot write the dead letter of " + where(found->second.record) + " to " +
                 output::terminal_safe(m_o.dlq_topic) + ": " + r.error);
      forget(id);
    }
  }
}

void Engine::output_acked(uint64_t id, const kafka::DeliveryReport& r) {
  const auto waiting = m_out_waiting.find(id);
  const auto found = m_items.find(id);
  if (waiting == m_out_waiting.end() || found == m_items.end()) {
    return;  // its partition was revoked, or an earlier output failed
  }
  if (!r.delivered) {
    // Never commit an input whose outputs are not all out: evt stops.
    begin_stop("cannot publish the output of " + where(found->second.record) + " to " +
               output::terminal_safe(m_o.to_topic) + ": " + r.error);
    m_out_waiting.erase(waiting);
    forget(id);
    return;
  }
  ++m_stats.published;
  if (--waiting->second == 0) {
    m_out_waiting.erase(waiting);
    done(id);
  }
}

void Engine::commit(bool force) {
  const int64_t now = monotonic_ms();
  if (!force && now - m_last_commit < m_o.commit_interval_ms) {
    return;
  }
  m_last_commit = now;
  std::vector<kafka::StartPosition> changed;
  for (const auto& [tp, offset] : m_watermark.commit_offsets()) {
    const auto it = m_committed.find(tp);
    if (it == m_committed.end() || it->second != offset) {
      changed.push_back({tp, offset});
    }
  }
  if (changed.empty()) {
    return;
  }
  if (m_consumer.commit(changed) == kafka::CommitResult::rebalancing) {
    // The group is moving partitions; on_revoke commits what is done of
    // those we lose, and the rest is committed next time.
    return;
  }
  for (const auto& p : changed) {
    m_committed[p.partition] = p.offset;
  }
  ++m_stats.commits;
}

void Engine::forget(uint64_t id) {
  const auto it = m_items.find(id);
  if (it == m_items.end()) {
    return;
  }
  const TopicPartition tp{it->second.record.topic, it->second.record.partition};
  if (auto b = m_buffered_bytes.find(tp); b != m_buffered_bytes.end()) {
    b->second -= std::min(b->second, record_bytes(it->second.record));
  }
  m_items.erase(it);
}

void Engine::flow_control() {
  // A partition whose buffer is full stops fetching (a record retrying in
  // it holds everything behind it); poll() keeps the membership alive.
  std::vector<TopicPartition> pause;
  std::vector<TopicPartition> resume;
  for (const auto& tp : m_assigned_seen) {
    const size_t n = m_scheduler.size(tp);
    const auto b = m_buffered_bytes.find(tp);
    const size_t bytes = b == m_buffered_bytes.end() ? 0 : b->second;
    if ((n >= m_o.partition_buffer || bytes >= m_o.partition_buffer_bytes) && !m_paused.contains(tp)) {
      pause.push_back(tp);
    } else if (n <= m_o.partition_buffer / 2 && bytes <= m_o.partition_buffer_bytes / 2 &&
               m_paused.contains(tp)) {
      resume.push_back(tp);
    }
  }
  if (!pause.empty()) {
    m_consumer.pause(pause);
    m_paused.insert(pause.begin(), pause.end());
  }
  if (!resume.empty()) {
    m_consumer.resume(resume);
    for (const auto& tp : resume) {
      m_paused.erase(tp);
    }
  }
}

void Engine::write_metrics(int64_t now, bool force) {
  if (m_o.metrics_path.empty() || m_metrics_failed ||
      (!force && now - m_last_metrics < m_o.metrics_interval_ms)) {
    return;
  }
  m_last_metrics = now;
  update_gauges();
  try {
    write_metrics_file(m_o.metrics_path, prometheus_text(m_stats, m_o.group));
  } catch (const Error& e) {
    m_metrics_failed = true;
    emit(ConsumeEvent::Kind::note, std::string(e.what()) + "; going on without metrics");
  }
}

void Engine::update_gauges() {
  m_stats.in_flight = m_runner->busy();
  m_stats.queued = m_scheduler.size();
  std::vector<TopicPartition> assigned;
  try {
    assigned = m_consumer.assignment();
  } catch (const Error&) {
    return;  // the last figures stay; they are only for people to look at
  }
  m_stats.partition_lag.clear();
  m_stats.lag.reset();
  for (const auto& tp : assigned) {
    const auto end = m_consumer.cached_end_offset(tp);
    if (!end) {
      continue;
    }
    // The first record not done yet; or what the group had committed; or,
    // for a partition read to its end with nothing read, none behind.
    std::optional<int64_t> position = m_watermark.commit_offset(tp);
    if (!position) {
      if (const auto c = m_committed.find(tp); c != m_committed.end()) {
        position = c->second;
      } else if (m_at_end.contains(tp)) {
        position = *end;
      }
    }
    if (!position) {
      continue;
    }
    const auto behind = static_cast<uint64_t>(std::max<int64_t>(0, *end - *position));
    m_stats.partition_lag.emplace_back(tp, behind);
    m_stats.lag = m_stats.lag.value_or(0) + behind;
  }
}

void Engine::begin_stop(const std::string& failure) {
  if (!failure.empty() && m_failure.empty()) {
    m_failure = failure;
  }
  if (!m_stopping) {
    m_stopping = true;
    m_stop_deadline = monotonic_ms() + m_o.shutdown_timeout_ms;
  }
}

bool Engine::at_end() const {
  if (!m_o.exit_at_end || m_scheduler.size() > 0 || m_runner->busy() > 0 || producing()) {
    return false;
  }
  std::vector<TopicPartition> assigned = m_consumer.assignment();
  if (assigned.empty()) {
    return false;  // not yet a member with partitions
  }
  return std::all_of(assigned.begin(), assigned.end(), [&](const auto& tp) { return m_at_end.contains(tp); });
}

int64_t Engine::next_wakeup(int64_t now) const {
  int64_t wake = now + 100;
  if (const auto due = m_scheduler.next_due()) {
    wake = std::min(wake, *due);
  }
  if (const auto deadline = m_runner->next_deadline()) {
    wake = std::min(wake, *deadline);
  }
  if (m_batch_due >= 0) {
    wake = std::min(wake, m_batch_due);
  }
  return std::max(wake, now);
}

ConsumeResult Engine::run() {
  while (true) {
    if (!m_stopping && interrupted()) {
      m_interrupted = true;
      begin_stop({});
    }
    if (m_stopping) {
      if (m_runner->busy() == 0 && !producing()) {
        break;
      }
      if (m_runner->busy() == 0) {
        serve_dlq(50);  // only dead letters left to wait for
      }
      const int64_t now = monotonic_ms();
      if (now >= m_stop_deadline) {
        abandon_running([](uint64_t) { return true; });
        if (m_dlq != nullptr && producing() && now >= m_stop_deadline + m_o.dlq_timeout_ms) {
          break;  // unacknowledged dead letters stay uncommitted
        }
      }
    } else {
      const int64_t now = monotonic_ms();
      const bool busy = m_runner->busy() > 0 || m_scheduler.next_due().value_or(INT64_MAX) <= now ||
                        (m_batch_due >= 0 && m_batch_due <= now);
      poll_records(busy ? 0 : static_cast<int>(next_wakeup(now) - now));
      flow_control();
      start_ready();
    }
    const int64_t now = monotonic_ms();
    wait_children(m_runner->busy() == 0 ? 0
                                        : static_cast<int>(std::min<int64_t>(next_wakeup(now) - now, 50)));
    reap_finished();
    start_ready();
    serve_dlq(0);
    commit(false);
    write_metrics(now, false);
    if (m_hooks.progress && now - m_last_progress >= 1000) {
      m_last_progress = now;
      update_gauges();
      m_hooks.progress(m_stats);
    }
    if (!m_stopping && at_end()) {
      break;
    }
  }
  // Dead letters produced but not yet acknowledged: wait (bounded) so their
  // records can be committed.
  const int64_t dlq_deadline = monotonic_ms() + m_o.dlq_timeout_ms;
  while (producing() && monotonic_ms() < dlq_deadline) {
    serve_dlq(50);
  }
  if (!m_out_tokens.empty() && m_failure.empty()) {
    m_failure = std::to_string(m_out_tokens.size()) + " output(s) to " + output::terminal_safe(m_o.to_topic) +
                " not acknowledged in time; their inputs stay uncommitted";
  }
  if (!m_dlq_pending.empty() && m_failure.empty()) {
    m_failure = std::to_string(m_dlq_pending.size()) + " dead letter(s) to " +
                output::terminal_safe(m_o.dlq_topic) +
                " not acknowledged in time; their records stay uncommitted";
  }
  commit(true);
  // Long-running handlers get EOF and the rest of the shutdown time to exit.
  m_runner->close(m_stopping ? std::max<int64_t>(0, m_stop_deadline - monotonic_ms())
                             : m_o.shutdown_timeout_ms);
  ConsumeResult result;
  write_metrics(monotonic_ms(), true);
  m_stats.in_flight = m_runner->busy();
  result.stats = m_stats;
  result.interrupted = m_interrupted;
  result.failure = m_failure;
  return result;
}

void Engine::on_assign(const std::vector<kafka::StartPosition>& committed) {
  // What the group committed is what we would commit now: no need to repeat it.
  for (const auto& p : committed) {
    if (p.offset >= 0) {
      m_committed[p.partition] = p.offset;
    }
  }
}

std::vector<kafka::StartPosition> Engine::on_revoke(const std::vector<TopicPartition>& partitions) {
  // Must not throw (it runs inside the consumer's callback): a failure here
  // commits nothing for these partitions, which only means they run again.
  try {
    return revoke(partitions);
  } catch (const std::exception& e) {
    if (m_failure.empty()) {
      m_failure = std::string("while giving partitions up: ") + e.what();
    }
    begin_stop({});
    return {};
  }
}

std::vector<kafka::StartPosition> Engine::revoke(const std::vector<TopicPartition>& partitions) {
  const std::set<TopicPartition> revoked(partitions.begin(), partitions.end());
  auto is_revoked = [&](uint64_t id) {
    const auto& r = m_items.at(id).record;
    return revoked.contains({r.topic, r.partition});
  };
  // Let their running handlers finish, up to the shutdown timeout; then
  // abandon them (their records are not committed, the next owner runs them).
  const int64_t deadline = monotonic_ms() + m_o.shutdown_timeout_ms;
  while (true) {
    const auto ids = m_runner->running();
    if (std::none_of(ids.begin(), ids.end(), is_revoked)) {
      break;
    }
    if (monotonic_ms() >= deadline) {
      abandon_running(is_revoked);
    }
    wait_children(50);
    reap_finished();
  }
  const int64_t dlq_deadline = monotonic_ms() + m_o.dlq_timeout_ms;
  while (producing() && monotonic_ms() < dlq_deadline) {
    serve_dlq(50);
  }
  std::vector<kafka::StartPosition> offsets;
  for (const auto& tp : partitions) {
    if (const auto offset = m_watermark.commit_offset(tp)) {
      offsets.push_back({tp, *offset});
    }
    for (const auto id : m_scheduler.drop_partition(tp)) {
      forget(id);
    }
    m_watermark.forget(tp);
    m_committed.erase(tp);
    m_paused.erase(tp);
    m_buffered_bytes.erase(tp);
    m_at_end.erase(tp);
    m_assigned_seen.erase(tp);
    m_batch_limit.erase(tp);
    m_bisect_until.erase(tp);
  }
  for (auto it = m_dlq_pending.begin(); it != m_dlq_pending.end();) {
    it = m_items.contains(it->second) ? std::next(it) : m_dlq_pending.erase(it);
  }
  for (auto it = m_out_tokens.begin(); it != m_out_tokens.end();) {
    it = m_items.contains(it->second) ? std::next(it) : m_out_tokens.erase(it);
  }
  for (auto it = m_out_waiting.begin(); it != m_out_waiting.end();) {
    it = m_items.contains(it->first) ? std::next(it) : m_out_waiting.erase(it);
  }
  return offsets;
}

}  // namespace

ConsumeResult run_consume(kafka::Consumer& consumer, kafka::Producer* dlq, const ConsumeOptions& options,
                          const ConsumeHooks& hooks) {
  if (options.concurrency < 1) {
    throw UsageError("--concurrency must be at least 1");
  }
  Engine engine(consumer, dlq, options, hooks);
  consumer.set_rebalance_listener(&engine);
  // If run() throws, the engine is gone before the consumer leaves the
  // group: detach it first so that last revoke does not call a dead object.
  struct Detach {
    kafka::Consumer& consumer;
    ~Detach() { consumer.set_rebalance_listener(nullptr); }
  } detach{consumer};
  consumer.subscribe(options.topics);
  auto result = engine.run();
  // Leaving the group revokes everything: the engine answers that last revoke.
  engine.close();
  consumer.set_rebalance_listener(nullptr);
  return result;
}

}  // namespace evt::consume
