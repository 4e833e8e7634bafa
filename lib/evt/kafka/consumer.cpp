#include "evt/kafka/consumer.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <set>
#include <thread>
#include <utility>

namespace evt::kafka {

namespace {

// What the rebalance callback (a C callback) reads and writes.
struct GroupState {
  const ClientConfig* config = nullptr;
  const ConsumerOptions* options = nullptr;
  RebalanceListener* listener = nullptr;
  // Partitions the rebalance callback revoked since fetch_messages last
  // looked: their messages already taken from the queue must be dropped.
  std::vector<TopicPartition> revoked;
  // The first error inside the rebalance callback (which must not throw);
  // rethrown by the poll that ran it.
  std::exception_ptr callback_error;
  // ConsumerOptions::cooperative: true while librdkafka's join state is
  // "steady" (followed in its cgrp debug lines: 2.0.2 has no API for it).
  bool track_join_state = false;
  std::atomic<bool> steady{false};
  // Cooperative: done offsets of revoked partitions whose commit did not go
  // through (the group had moved on). Committed at this member's next
  // assignment, where they still move an offset forward; `orphan_tries`
  // bounds how many assignments try.
  std::vector<StartPosition> orphans;
  int orphan_tries = 0;
};

// Follows "Group \"g\" changed join state A -> B (state …)" lines.
void observe_join_state(GroupState& group, const char* facility, const char* line) {
  if (std::strcmp(facility, "CGRPJOINSTATE") != 0) {
    return;
  }
  const char* arrow = std::strstr(line, " -> ");
  if (arrow == nullptr) {
    return;
  }
  group.steady = std::strncmp(arrow + 4, "steady", 6) == 0 && (arrow[10] == ' ' || arrow[10] == '\0');
}

}  // namespace

struct Consumer::Impl {
  ClientConfig config;
  ConsumerOptions options;
  ClientState state;
  GroupState group;
  HandlePtr rk;
  QueuePtr queue;
  bool closed = false;
  bool abandoned = false;  // abandon(): the handle is left to the process's exit
  std::vector<rd_kafka_message_t*> scratch;
  std::set<std::string> known_topics;
  bool paused_any = false;
  std::vector<rd_kafka_topic_t*> topics;  // handles that make topics "locally known"
  void destroy_topics() {
    for (auto* rkt : topics) {
      rd_kafka_topic_destroy(rkt);
    }
    topics.clear();
  }
  ~Impl() {
    if (abandoned) {
      // Deliberately not destroyed (see Consumer::abandon): its threads
      // keep its own state alive until the process exits.
      (void)queue.release();
      (void)rk.release();
    }
  }
};

bool is_rebalance_commit_error(int code) {
  switch (static_cast<rd_kafka_resp_err_t>(code)) {
    case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
    case RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID:
    case RD_KAFKA_RESP_ERR__FENCED:
    case RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST:
      return true;
    default:
      return false;
  }
}

namespace {

TplPtr to_tpl(const std::vector<StartPosition>& positions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& p : positions) {
    rd_kafka_topic_partition_list_add(tpl.get(), p.partition.topic.c_str(), p.partition.partition)->offset =
        p.offset == k_offset_stored ? RD_KAFKA_OFFSET_STORED : p.offset;
  }
  return tpl;
}

std::vector<TopicPartition> to_partitions(const rd_kafka_topic_partition_list_t* tpl) {
  std::vector<TopicPartition> result;
  for (int i = 0; tpl != nullptr && i < tpl->cnt; ++i) {
    result.push_back({tpl->elems[i].topic, tpl->elems[i].partition});
  }
  return result;
}

// Commits `tpl` synchronously; the metadata string goes beside each offset.
// `in_progress_wait_ms` > 0: a commit refused with REBALANCE_IN_PROGRESS is
// tried again (every 50 ms, for that long) — the group is still syncing
// the generation this member already has, and will take it once it is done.
// One synchronous commit bounded by `timeout_ms`: rd_kafka_commit() waits
// for the coordinator as long as librdkafka's own request timeouts allow
// (over a minute and a half with the broker down), so the commit goes
// through a private queue polled up to the deadline instead. Not cut short
// by SIGINT: the commit after Ctrl-C is the one that must land.
rd_kafka_resp_err_t commit_bounded(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* tpl, int timeout_ms) {
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(rd_kafka_queue_new(rk),
                                                                             &rd_kafka_queue_destroy);
  const rd_kafka_resp_err_t sent = rd_kafka_commit_queue(rk, tpl, queue.get(), nullptr, nullptr);
  if (sent != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return sent;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), 100);
    if (ev == nullptr) {
      continue;
    }
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> owned(ev, &rd_kafka_event_destroy);
    if (rd_kafka_event_type(ev) != RD_KAFKA_EVENT_OFFSET_COMMIT) {
      continue;
    }
    rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
    if (const auto* result = rd_kafka_event_topic_partition_list(ev); result != nullptr) {
      for (int i = 0; i < result->cnt; ++i) {
        for (int j = 0; j < tpl->cnt; ++j) {
          if (tpl->elems[j].partition == result->elems[i].partition &&
              std::strcmp(tpl->elems[j].topic, result->elems[i].topic) == 0) {
            tpl->elems[j].err = result->elems[i].err;
          }
        }
      }
    }
    return err;
  }
  return RD_KAFKA_RESP_ERR__TIMED_OUT;
}

CommitResult commit_list(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* tpl, const std::string& metadata,
                         const std::string& brokers, int timeout_ms, int in_progress_wait_ms = 0) {
  if (tpl->cnt == 0) {
    return CommitResult::committed;
  }
  if (!metadata.empty()) {
    for (int i = 0; i < tpl->cnt; ++i) {
      auto& e = tpl->elems[i];
      std::free(e.metadata);
      // librdkafka frees it with the list.
      e.metadata = std::malloc(metadata.size());
      if (e.metadata == nullptr) {
        throw std::bad_alloc();
      }
      std::memcpy(e.metadata, metadata.data(), metadata.size());
      e.metadata_size = metadata.size();
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(in_progress_wait_ms);
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  while (true) {
    for (int i = 0; i < tpl->cnt; ++i) {
      tpl->elems[i].err = RD_KAFKA_RESP_ERR_NO_ERROR;
    }
    err = commit_bounded(rk, tpl, timeout_ms);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      // The request went through; a partition may still have been refused.
      for (int i = 0; i < tpl->cnt && err == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
        err = tpl->elems[i].err;
      }
    }
    if (err != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || std::chrono::steady_clock::now() >= deadline) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return CommitResult::committed;
  }
  if (is_rebalance_commit_error(err)) {
    return CommitResult::rebalancing;
  }
  throw_kafka_error(err, "cannot commit offsets", brokers);
}

// The group's committed offsets (and metadata) for `tpl`, in place.
void fetch_committed(rd_kafka_t* rk, rd_kafka_topic_partition_list_t* tpl, int timeout_ms,
                     const std::string& brokers) {
  const auto err = rd_kafka_committed(rk, tpl, timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot fetch committed offsets", brokers);
  }
}

// How long a member waits before reading the committed offsets of
// partitions it was just given (cooperative): the previous owner commits
// its orphans at the same moment, in its own assignment callback.
constexpr int k_handover_grace_ms = 1000;

// Commits the orphans that are still ahead of what the group committed.
void commit_orphans(rd_kafka_t* rk, GroupState& group) {
  TplPtr now(rd_kafka_topic_partition_list_new(static_cast<int>(group.orphans.size())));
  for (const auto& p : group.orphans) {
    rd_kafka_topic_partition_list_add(now.get(), p.partition.topic.c_str(), p.partition.partition);
  }
  if (rd_kafka_committed(rk, now.get(), group.config->timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return;  // tried again at the next assignment
  }
  std::vector<StartPosition> ahead;
  for (size_t i = 0; i < group.orphans.size(); ++i) {
    const int64_t committed = now->elems[i].offset;
    if (committed < 0 || group.orphans[i].offset > committed) {
      ahead.push_back(group.orphans[i]);
    }
  }
  auto tpl = to_tpl(ahead);
  if (commit_list(rk, tpl.get(), group.options->commit_metadata, group.config->brokers,
                  group.config->timeout_ms, 1000) == CommitResult::committed ||
      ++group.orphan_tries >= 3) {
    group.orphans.clear();
    group.orphan_tries = 0;
  }
}

// librdkafka's rebalance callback: hands assignment changes to the
// listener, commits what it finished before partitions go, and applies the
// change with the call the configured protocol wants. Never throws.
void rebalance_cb(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
                  void* opaque) {
  auto* impl = static_cast<GroupState*>(static_cast<ClientState*>(opaque)->owner);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
  const auto keep_error = [impl](std::exception_ptr e) {
    if (!impl->callback_error) {
      impl->callback_error = std::move(e);
    }
  };
  try {
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (!impl->orphans.empty()) {
        commit_orphans(rk, *impl);
      }
      if (impl->track_join_state && partitions->cnt > 0) {
        // Their previous owner may be committing its orphans right now.
        for (int waited = 0; waited < k_handover_grace_ms && !interrupted(); waited += 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
      // Start exactly where the group committed, and tell the listener so.
      TplPtr start(rd_kafka_topic_partition_list_copy(partitions));
      std::vector<StartPosition> committed;
      try {
        fetch_committed(rk, start.get(), impl->config->timeout_ms, impl->config->brokers);
      } catch (...) {
        // librdkafka fetches them itself when the offsets say "stored".
        for (int i = 0; i < start->cnt; ++i) {
          start->elems[i].offset = RD_KAFKA_OFFSET_INVALID;
        }
      }
      for (int i = 0; i < start->cnt; ++i) {
        const auto& e = start->elems[i];
        committed.push_back({{e.topic, e.partition}, e.offset >= 0 ? e.offset : k_offset_none});
      }
      if (cooperative) {
        if (rd_kafka_error_t* error = rd_kafka_incremental_assign(rk, start.get())) {
          ErrorPtr owned(error);
          keep_error(std::make_exception_ptr(BrokerError(
              std::string("cannot take the assigned partitions: ") + rd_kafka_error_string(error))));
        }
      } else {
        const auto e = rd_kafka_assign(rk, start.get());
        if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
          keep_error(std::make_exception_ptr(
              BrokerError(std::string("cannot take the assigned partitions: ") + rd_kafka_err2str(e))));
        }
      }
      if (impl->listener != nullptr) {
        impl->listener->on_assign(committed);
      }
      return;
    }
    // Revoked (or an error: give everything up, as librdkafka asks).
    const auto revoked = to_partitions(partitions);
    impl->revoked.insert(impl->revoked.end(), revoked.begin(), revoked.end());
    if (impl->listener != nullptr && !revoked.empty()) {
      const auto done = impl->listener->on_revoke(revoked);
      // Lost partitions (session timed out) belong to someone else already:
      // a commit would fail or, worse, move their offsets back. (With
      // `cooperative`, "lost" is also librdkafka's answer to a commit of
      // ours that raced a rejoin: they become orphans, committed later
      // only where they are still ahead.)
      const bool lost = rd_kafka_assignment_lost(rk) != 0;
      if (!done.empty() && !lost) {
        try {
          auto tpl = to_tpl(done);
          // Briefly: blocked here, this member cannot rejoin, and a group
          // that restarted its join (a member's SyncGroup failed) would
          // move on without it.
          if (commit_list(rk, tpl.get(), impl->options->commit_metadata, impl->config->brokers,
                          impl->config->timeout_ms,
                          std::min(impl->config->timeout_ms, 1000)) == CommitResult::rebalancing &&
              impl->track_join_state) {
            impl->orphans.insert(impl->orphans.end(), done.begin(), done.end());
          }
        } catch (...) {
          keep_error(std::current_exception());
        }
      } else if (!done.empty() && impl->track_join_state) {
        impl->orphans.insert(impl->orphans.end(), done.begin(), done.end());
      }
    }
    if (cooperative && err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(rk, partitions)) {
        rd_kafka_error_destroy(error);
      }
    } else {
      rd_kafka_assign(rk, nullptr);
    }
  } catch (...) {
    keep_error(std::current_exception());
    // Never leave librdkafka waiting for the (un)assign.
    if (err != RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      rd_kafka_assign(rk, nullptr);
    }
  }
}

}  // namespace

Consumer::Consumer(const ClientConfig& config, const ConsumerOptions& options)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->config = config;
  m_impl->options = options;
  ClientConfig effective = config;
  Properties defaults = {
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", options.auto_offset_reset},
      {"enable.auto.commit", options.auto_commit ? "true" : "false"},
      {"enable.auto.offset.store", "false"},
      // Bigger fetches: evt usually reads ranges to the end as fast as it can.
      {"fetch.wait.max.ms", std::to_string(options.fetch_wait_max_ms)},
      // librdkafka 2.0.2 counts queued.min.messages on the one consumer
      // queue all partitions feed; once exceeded, every partition backs off
      // for fetch.error.backoff.ms (~1 s stalls when the reader is slower
      // than fetching). Bound the queue by bytes instead
      // (queued.max.messages.kbytes). -X still overrides this.
  };
  if (options.bulk_prefetch) {
    defaults.emplace_back("queued.min.messages", "1000000");
  }
  if (options.max_partition_fetch_bytes > 0) {
    defaults.emplace_back("max.partition.fetch.bytes", std::to_string(options.max_partition_fetch_bytes));
  }
  // librdkafka's consumer wants a group.id even for manual assignment; with
  // no group we never commit, so a throwaway id is harmless.
  defaults.emplace_back("group.id", options.group ? *options.group : "evt-no-group");
  if (options.session_timeout_ms > 0) {
    defaults.emplace_back("session.timeout.ms", std::to_string(options.session_timeout_ms));
  }
  const bool track = options.group && options.cooperative;
  if (track) {
    defaults.emplace_back("partition.assignment.strategy", "cooperative-sticky");
  }
  effective.properties.insert(effective.properties.begin(), defaults.begin(), defaults.end());
  if (track) {
    // The join state shows only in cgrp debug lines: ask for them, and pass
    // them on only if the user asked for debug output too.
    std::string debug;
    for (const auto& [key, value] : effective.properties) {
      if (key == "debug") {
        debug = value;
      }
    }
    m_impl->state.forward_debug = !debug.empty();
    if (debug.find("cgrp") == std::string::npos && debug.find("all") == std::string::npos) {
      effective.properties.emplace_back("debug", debug.empty() ? "cgrp" : debug + ",cgrp");
    }
    m_impl->group.track_join_state = true;
    auto* group = &m_impl->group;
    m_impl->state.log_observer = [group](const char* facility, const char* line) {
      observe_join_state(*group, facility, line);
    };
  }
  m_impl->group.config = &m_impl->config;
  m_impl->group.options = &m_impl->options;
  m_impl->state.owner = &m_impl->group;
  auto conf = make_conf(effective, m_impl->state);
  rd_kafka_conf_set_rebalance_cb(conf.get(), rebalance_cb);
  m_impl->rk = make_handle(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(m_impl->rk.get());
  m_impl->queue.reset(rd_kafka_queue_get_consumer(m_impl->rk.get()));
}

Consumer::~Consumer() {
  // Destroyed while unwinding, the consumer may outlive the listener it was
  // given (an engine on the stack): leaving the group must not call it.
  if (m_impl != nullptr) {
    m_impl->group.listener = nullptr;
  }
  try {
    close();
  } catch (...) {
    // Destructors must not throw; close() errors were already reportable.
  }
}

void Consumer::set_rebalance_listener(RebalanceListener* listener) {
  m_impl->group.listener = listener;
}

void Consumer::assign(const std::vector<StartPosition>& positions) {
  auto tpl = to_tpl(positions);
  const auto err = rd_kafka_assign(m_impl->rk.get(), tpl.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot assign partitions", m_impl->config.brokers);
  }
  // librdkafka keeps a partition's pause across assignments; a partition
  // paused under an earlier assignment (pause()) must fetch again.
  if (m_impl->paused_any) {
    rd_kafka_resume_partitions(m_impl->rk.get(), tpl.get());
    m_impl->paused_any = false;
  }
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
  for (const auto& t : topics) {
    rd_kafka_topic_partition_list_add(tpl.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const auto err = rd_kafka_subscribe(m_impl->rk.get(), tpl.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot subscribe", m_impl->config.brokers);
  }
}

namespace {

// The record's timestamp in ms, and its type through `type`.
int64_t message_timestamp(const rd_kafka_message_t* m, TimestampType& type) {
  rd_kafka_timestamp_type_t tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  const int64_t ts = rd_kafka_message_timestamp(m, &tstype);
  type = tstype == RD_KAFKA_TIMESTAMP_CREATE_TIME       ? TimestampType::create_time
         : tstype == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::log_append_time
                                                        : TimestampType::none;
  return ts;
}

// "topic[partition]: reason" for an error message from the consumer queue;
// an unknown topic or partition is the user's mistake and throws at once.
std::string message_error_text(const rd_kafka_message_t* m) {
  const char* topic = m->rkt != nullptr ? rd_kafka_topic_name(m->rkt) : "";
  std::string error =
      std::string(topic) + "[" + std::to_string(m->partition) + "]: " + rd_kafka_message_errstr(m);
  if (m->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || m->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC ||
      m->err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
    throw UsageError("cannot read " + error, "`evt topics` lists the topics that exist");
  }
  return error;
}

Record to_record(const rd_kafka_message_t* m) {
  Record r;
  r.topic = rd_kafka_topic_name(m->rkt);
  r.partition = m->partition;
  r.offset = m->offset;
  r.timestamp = message_timestamp(m, r.timestamp_type);
  if (m->key != nullptr) {
    r.key.emplace(static_cast<const char*>(m->key), m->key_len);
  }
  if (m->payload != nullptr) {
    r.value.emplace(static_cast<const char*>(m->payload), m->len);
  }
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      Header h{name, std::nullopt};
      if (value != nullptr) {
        h.value.emplace(static_cast<const char*>(value), size);
      }
      r.headers.push_back(std::move(h));
    }
  }
  return r;
}

}  // namespace

void Consumer::poll(ConsumedBatch& batch, size_t max_records, int timeout_ms) {
  const size_t n = fetch_messages(max_records, timeout_ms);
  auto& scratch = m_impl->scratch;
  // Own every message before looking at any: an error thrown part-way
  // (unknown topic, out of memory) must not leak the rest of the batch.
  std::vector<MessagePtr> owned;
  owned.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    owned.emplace_back(scratch[static_cast<size_t>(i)]);
  }
  std::string error;
  for (const auto& m : owned) {
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      batch.reached_end.push_back({rd_kafka_topic_name(m->rkt), m->partition});
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Keep consuming what came before; report the first error after the batch.
      if (error.empty()) {
        error = message_error_text(m.get());
      }
    } else {
      batch.records.push_back(to_record(m.get()));
    }
  }
  owned.clear();
  if (!error.empty()) {
    throw BrokerError("cannot read " + error);
  }
}

CommitResult Consumer::commit(const std::vector<StartPosition>& next_offsets) {
  if (m_impl->group.track_join_state && !m_impl->group.steady) {
    // Sent now, it could reach the coordinator after our JoinGroup and fail
    // with ILLEGAL_GENERATION, which loses the assignment uncommitted; the
    // revoke callback commits what is done of partitions that move.
    return CommitResult::rebalancing;
  }
  auto tpl = to_tpl(next_offsets);
  return commit_list(m_impl->rk.get(), tpl.get(), m_impl->options.commit_metadata, m_impl->config.brokers,
                     m_impl->config.timeout_ms);
}

void Consumer::seek(const std::vector<StartPosition>& positions) {
  if (positions.empty()) {
    return;
  }
  auto tpl = to_tpl(positions);
  if (rd_kafka_error_t* error =
          rd_kafka_seek_partitions(m_impl->rk.get(), tpl.get(), m_impl->config.timeout_ms)) {
    throw_kafka_error(error, "cannot move the read position");
  }
  for (int i = 0; i < tpl->cnt; ++i) {
    const auto& e = tpl->elems[i];
    // A partition taken away meanwhile is not ours to move.
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR && e.err != RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION &&
        e.err != RD_KAFKA_RESP_ERR__STATE) {
      throw_kafka_error(e.err,
                        std::string("cannot move the read position of ") + e.topic + "[" +
                            std::to_string(e.partition) + "]",
                        m_impl->config.brokers);
    }
  }
}

std::vector<StartPosition> Consumer::committed(const std::vector<TopicPartition>& partitions) {
  std::vector<StartPosition> result;
  for (auto& c : committed_metadata(partitions)) {
    result.push_back({std::move(c.partition), c.offset});
  }
  return result;
}

std::vector<CommittedOffset> Consumer::committed_metadata(const std::vector<TopicPartition>& partitions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition);
  }
  fetch_committed(m_impl->rk.get(), tpl.get(), m_impl->config.timeout_ms, m_impl->config.brokers);
  std::vector<CommittedOffset> result;
  for (int i = 0; i < tpl->cnt; ++i) {
    const auto& e = tpl->elems[i];
    CommittedOffset c{{e.topic, e.partition}, e.offset, {}};
    if (e.metadata != nullptr) {
      c.metadata.assign(static_cast<const char*>(e.metadata), e.metadata_size);
    }
    result.push_back(std::move(c));
  }
  return result;
}

CommitResult Consumer::commit_points(const std::vector<CommittedOffset>& points) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(points.size())));
  for (const auto& p : points) {
    auto* e = rd_kafka_topic_partition_list_add(tpl.get(), p.partition.topic.c_str(), p.partition.partition);
    e->offset = p.offset;
    if (!p.metadata.empty()) {
      // The list owns (and frees) what metadata points at.
      e->metadata = std::malloc(p.metadata.size());
      if (e->metadata == nullptr) {
        throw std::bad_alloc();
      }
      std::memcpy(e->metadata, p.metadata.data(), p.metadata.size());
      e->metadata_size = p.metadata.size();
    }
  }
  return commit_list(m_impl->rk.get(), tpl.get(), {}, m_impl->config.brokers, m_impl->config.timeout_ms);
}

void Consumer::abandon() {
  if (m_impl == nullptr || m_impl->closed) {
    return;
  }
  m_impl->closed = true;
  m_impl->abandoned = true;
  m_impl->group.listener = nullptr;
  m_impl->group.callback_error = nullptr;
}

void Consumer::close() {
  if (m_impl == nullptr || m_impl->closed) {
    return;
  }
  m_impl->closed = true;
  m_impl->destroy_topics();
  m_impl->queue.reset();
  // Leaving revokes the assignment: the listener's last progress is
  // committed from the callback. A commit failing now (broker gone) is not
  // worth an error: whatever the caller committed before still stands.
  // With the coordinator gone, librdkafka 2.0.2 waits here up to the
  // session timeout (it has no bounded close that also serves the
  // listener's last revoke); the commits before it are bounded by the
  // client timeout.
  rd_kafka_consumer_close(m_impl->rk.get());
  m_impl->group.callback_error = nullptr;
}

size_t Consumer::fetch_messages(size_t max_records, int timeout_ms) {
  check_fatal(m_impl->state);
  auto& scratch = m_impl->scratch;
  scratch.resize(std::max<size_t>(max_records, 1));
  auto& group = m_impl->group;
  rd_kafka_queue_t* q = m_impl->queue.get();
  size_t n = 0;
  // Consumes into scratch[n…] and drops messages of partitions the
  // rebalance callback revoked meanwhile: taken from the queue before the
  // revocation, they belong to the next owner now (librdkafka drops
  // queued ones itself, but not those already handed out in this batch).
  const auto consume = [&](int wait_ms, size_t room) {
    group.revoked.clear();
    const ssize_t got = rd_kafka_consume_batch_queue(q, wait_ms, scratch.data() + n, room);
    if (got < 0) {
      throw_kafka_error(rd_kafka_last_error(), "cannot consume", m_impl->config.brokers);
    }
    const size_t before = n;
    n += static_cast<size_t>(got);
    if (!group.revoked.empty()) {
      // Partitions assigned again within this same call were purged by
      // librdkafka's version barrier before the new assignment; what is
      // left of them in this call is new. Earlier calls' are all old.
      const auto assigned = assignment();
      size_t kept = 0;
      for (size_t i = 0; i < n; ++i) {
        rd_kafka_message_t* m = scratch[i];
        const bool of_revoked =
            m->rkt != nullptr &&
            std::any_of(group.revoked.begin(), group.revoked.end(), [&](const TopicPartition& tp) {
              return tp.partition == m->partition && tp.topic == rd_kafka_topic_name(m->rkt);
            });
        const bool reassigned =
            i >= before && std::any_of(assigned.begin(), assigned.end(), [&](const TopicPartition& tp) {
              return tp.partition == m->partition && tp.topic == rd_kafka_topic_name(m->rkt);
            });
        if (of_revoked && !reassigned) {
          rd_kafka_message_destroy(m);
        } else {
          scratch[kept++] = m;
        }
      }
      n = kept;
      group.revoked.clear();
    }
    if (group.callback_error) {
      for (size_t i = 0; i < n; ++i) {
        rd_kafka_message_destroy(scratch[i]);
      }
      n = 0;
      std::rethrow_exception(std::exchange(group.callback_error, nullptr));
    }
  };
  // consume_batch_queue waits until the batch is full or the timeout ends:
  // take what is queued now, and wait only when nothing is (for one record,
  // then take the rest), so a slow reader never sleeps with records queued.
  consume(0, scratch.size());
  if (n == 0 && timeout_ms != 0) {
    consume(timeout_ms, 1);
    if (n == 1 && scratch.size() > 1) {
      consume(0, scratch.size() - 1);
    }
  }
  return n;
}

}  // namespace evt::kafka

// ---- Zero-copy polling and the current assignment (added for evt tail) ----

namespace evt::kafka {

size_t Consumer::poll_view(const std::function<void(const RecordView&)>& visit,
                           std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                           bool with_headers) {
  return poll_view_impl(&visit, nullptr, reached_end, nullptr, max_records, timeout_ms, with_headers);
}

size_t Consumer::poll_detached(const DetachedVisitor& visit, std::vector<TopicPartition>& reached_end,
                               size_t max_records, int timeout_ms) {
  return poll_view_impl(nullptr, &visit, reached_end, nullptr, max_records, timeout_ms, true);
}

size_t Consumer::poll_view(const std::function<void(const RecordView&)>& visit,
                           std::vector<TopicPartition>& reached_end, std::vector<TopicPartition>& failed,
                           size_t max_records, int timeout_ms, bool with_headers) {
  return poll_view_impl(&visit, nullptr, reached_end, &failed, max_records, timeout_ms, with_headers);
}

size_t Consumer::poll_view_impl(const std::function<void(const RecordView&)>* visit,
                                const DetachedVisitor* detached, std::vector<TopicPartition>& reached_end,
                                std::vector<TopicPartition>* failed, size_t max_records, int timeout_ms,
                                bool with_headers) {
  const size_t n = fetch_messages(max_records, timeout_ms);
  auto& scratch = m_impl->scratch;
  // Destroy every message even when a visit throws (e.g. a closed stdout).
  struct Release {
    std::vector<rd_kafka_message_t*>& messages;
    size_t count;
    ~Release() {
      for (size_t i = 0; i < count; ++i) {
        rd_kafka_message_destroy(messages[static_cast<size_t>(i)]);
      }
    }
  } release{scratch, n};
  std::vector<HeaderView> headers;
  NativeHeaders native;  // declared after `release`: freed before the messages
  std::string error;
  size_t visited = 0;
  RecordView v;
  for (size_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = scratch[i];
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      reached_end.push_back({rd_kafka_topic_name(m->rkt), m->partition});
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (failed != nullptr && m->rkt != nullptr) {
        failed->push_back({rd_kafka_topic_name(m->rkt), m->partition});
      } else if (failed == nullptr && error.empty()) {
        error = message_error_text(m);
      }
      continue;
    }
    v.topic = rd_kafka_topic_name(m->rkt);
    v.partition = m->partition;
    v.offset = m->offset;
    v.timestamp = message_timestamp(m, v.timestamp_type);
    v.key = m->key != nullptr
                ? std::optional<std::string_view>(std::in_place, static_cast<const char*>(m->key), m->key_len)
                : std::nullopt;
    v.value = m->payload != nullptr ? std::optional<std::string_view>(
                                          std::in_place, static_cast<const char*>(m->payload), m->len)
                                    : std::nullopt;
    headers.clear();
    rd_kafka_headers_t* hdrs = nullptr;
    if (detached != nullptr) {
      // Parsed once, then owned by `native` instead of the message: the
      // producer can take the list as it is.
      native.reset();
      if (rd_kafka_message_detach_headers(scratch[i], &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        native.adopt(hdrs);
      } else {
        hdrs = nullptr;
      }
    } else if (!with_headers || rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      hdrs = nullptr;
    }
    if (hdrs != nullptr) {
      const char* name = nullptr;
      const void* value = nullptr;
      size_t size = 0;
      for (size_t k = 0; rd_kafka_header_get_all(hdrs, k, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
           ++k) {
        headers.push_back({name, value != nullptr ? std::optional<std::string_view>(
                                                        std::in_place, static_cast<const char*>(value), size)
                                                  : std::nullopt});
      }
    }
    v.headers = headers;
    if (detached != nullptr) {
      (*detached)(v, native);
    } else {
      (*visit)(v);
    }
    ++visited;
  }
  if (!error.empty()) {
    throw BrokerError("cannot read " + error);
  }
  return visited;
}

std::vector<TopicPartition> Consumer::assignment() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  const auto err = rd_kafka_assignment(m_impl->rk.get(), &raw);
  TplPtr tpl(raw);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot read the assignment", m_impl->config.brokers);
  }
  std::vector<TopicPartition> result;
  for (int i = 0; tpl && i < tpl->cnt; ++i) {
    result.push_back({tpl->elems[i].topic, tpl->elems[i].partition});
  }
  return result;
}

std::optional<int64_t> Consumer::cached_end_offset(const TopicPartition& partition) {
  int64_t low = -1;
  int64_t high = -1;
  // Cached from fetch responses: no request, never blocks.
  if (rd_kafka_get_watermark_offsets(m_impl->rk.get(), partition.topic.c_str(), partition.partition, &low,
                                     &high) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      high < 0) {
    return std::nullopt;
  }
  return high;
}

bool Consumer::assignment_lost() {
  return rd_kafka_assignment_lost(m_impl->rk.get()) != 0;
}

void Consumer::pause(const std::vector<TopicPartition>& partitions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition);
  }
  // A partition that cannot be paused only keeps fetching; nothing is lost.
  rd_kafka_pause_partitions(m_impl->rk.get(), tpl.get());
  m_impl->paused_any = true;
}

bool Consumer::seek(const TopicPartition& partition, int64_t offset) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(tpl.get(), partition.topic.c_str(), partition.partition)->offset = offset;
  if (auto* error = rd_kafka_seek_partitions(m_impl->rk.get(), tpl.get(), 0)) {
    rd_kafka_error_destroy(error);
    return false;
  }
  return tpl->elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR;
}

void Consumer::learn_topics(const std::vector<std::string>& topics, int timeout_ms) {
  bool added = false;
  for (const auto& topic : topics) {
    if (m_impl->known_topics.insert(topic).second) {
      // Topic handles make topics "locally known", and only those are asked for.
      if (auto* rkt = rd_kafka_topic_new(m_impl->rk.get(), topic.c_str(), nullptr)) {
        m_impl->topics.push_back(rkt);
        added = true;
      }
    }
  }
  const rd_kafka_metadata_t* md = nullptr;
  if (added && timeout_ms > 0 &&
      rd_kafka_metadata(m_impl->rk.get(), 0, nullptr, &md, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    MetadataPtr owned(md);
  }
}

}  // namespace evt::kafka

// ---- Flow control (added for evt consume) ----

namespace evt::kafka {
namespace {

TplPtr partition_list(const std::vector<TopicPartition>& partitions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition);
  }
  return tpl;
}

}  // namespace

void Consumer::resume(const std::vector<TopicPartition>& partitions) {
  if (partitions.empty()) {
    return;
  }
  auto tpl = partition_list(partitions);
  const auto err = rd_kafka_resume_partitions(m_impl->rk.get(), tpl.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot resume partitions", m_impl->config.brokers);
  }
}

}  // namespace evt::kafka
