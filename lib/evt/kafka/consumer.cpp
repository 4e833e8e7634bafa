#include "evt/kafka/consumer.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"

#include <algorithm>

namespace evt::kafka {

struct Consumer::Impl {
  ClientConfig config;
  ClientState state;
  HandlePtr rk;
  QueuePtr queue;
  bool closed = false;
  std::vector<rd_kafka_message_t*> scratch;
};

Consumer::Consumer(const ClientConfig& config, const ConsumerOptions& options)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->config = config;
  ClientConfig effective = config;
  Properties defaults = {
      {"enable.partition.eof", "true"},
      {"auto.offset.reset", options.auto_offset_reset},
      {"enable.auto.commit", options.auto_commit ? "true" : "false"},
      {"enable.auto.offset.store", "false"},
      // Bigger fetches: evt usually reads ranges to the end as fast as it can.
      {"fetch.wait.max.ms", "100"},
      // librdkafka 2.0.2 counts queued.min.messages on the one consumer
      // queue all partitions feed; once exceeded, every partition backs off
      // for fetch.error.backoff.ms (~1 s stalls when the reader is slower
      // than fetching). Bound the queue by bytes instead
      // (queued.max.messages.kbytes). -X still overrides this.
      {"queued.min.messages", "1000000"},
  };
  // librdkafka's consumer wants a group.id even for manual assignment; with
  // no group we never commit, so a throwaway id is harmless.
  defaults.emplace_back("group.id", options.group ? *options.group : "evt-no-group");
  effective.properties.insert(effective.properties.begin(), defaults.begin(), defaults.end());
  auto conf = make_conf(effective, m_impl->state);
  m_impl->rk = make_handle(RD_KAFKA_CONSUMER, std::move(conf));
  rd_kafka_poll_set_consumer(m_impl->rk.get());
  m_impl->queue.reset(rd_kafka_queue_get_consumer(m_impl->rk.get()));
}

Consumer::~Consumer() {
  try {
    close();
  } catch (...) {
    // Destructors must not throw; close() errors were already reportable.
  }
}

void Consumer::assign(const std::vector<StartPosition>& positions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  for (const auto& p : positions) {
    rd_kafka_topic_partition_list_add(tpl.get(), p.partition.topic.c_str(), p.partition.partition)->offset =
        p.offset == k_offset_stored ? RD_KAFKA_OFFSET_STORED : p.offset;
  }
  const auto err = rd_kafka_assign(m_impl->rk.get(), tpl.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot assign partitions", m_impl->config.brokers);
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
  check_fatal(m_impl->state);
  auto& scratch = m_impl->scratch;
  scratch.resize(max_records);
  // consume_batch_queue waits until the batch is full or the timeout ends:
  // take what is queued now, and wait only when nothing is.
  auto* q = m_impl->queue.get();
  ssize_t n = rd_kafka_consume_batch_queue(q, 0, scratch.data(), max_records);
  if (n == 0 && timeout_ms != 0) {
    n = rd_kafka_consume_batch_queue(q, timeout_ms, scratch.data(), 1);
  }
  if (n < 0) {
    throw_kafka_error(rd_kafka_last_error(), "cannot consume", m_impl->config.brokers);
  }
  // Own every message before looking at any: an error thrown part-way
  // (unknown topic, out of memory) must not leak the rest of the batch.
  std::vector<MessagePtr> owned;
  owned.reserve(static_cast<size_t>(n));
  for (ssize_t i = 0; i < n; ++i) {
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

void Consumer::commit(const std::vector<StartPosition>& next_offsets) {
  if (next_offsets.empty()) {
    return;
  }
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& p : next_offsets) {
    rd_kafka_topic_partition_list_add(tpl.get(), p.partition.topic.c_str(), p.partition.partition)->offset =
        p.offset;
  }
  const auto err = rd_kafka_commit(m_impl->rk.get(), tpl.get(), 0);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    throw_kafka_error(err, "cannot commit offsets", m_impl->config.brokers);
  }
}

std::vector<StartPosition> Consumer::committed(const std::vector<TopicPartition>& partitions) {
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition);
  }
  const auto err = rd_kafka_committed(m_impl->rk.get(), tpl.get(), m_impl->config.timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot fetch committed offsets", m_impl->config.brokers);
  }
  std::vector<StartPosition> result;
  for (int i = 0; i < tpl->cnt; ++i) {
    result.push_back({{tpl->elems[i].topic, tpl->elems[i].partition}, tpl->elems[i].offset});
  }
  return result;
}

void Consumer::close() {
  if (m_impl == nullptr || m_impl->closed) {
    return;
  }
  m_impl->closed = true;
  m_impl->queue.reset();
  rd_kafka_consumer_close(m_impl->rk.get());
}

}  // namespace evt::kafka

// ---- Zero-copy polling and the current assignment (added for evt tail) ----

namespace evt::kafka {

size_t Consumer::poll_view(const std::function<void(const RecordView&)>& visit,
                           std::vector<TopicPartition>& reached_end, size_t max_records, int timeout_ms,
                           bool with_headers) {
  check_fatal(m_impl->state);
  auto& scratch = m_impl->scratch;
  scratch.resize(std::max<size_t>(max_records, 1));
  // consume_batch_queue waits until the batch is full or the timeout ends:
  // take what is queued now, and wait only when nothing is (for one record,
  // then take the rest), so a slow reader never sleeps with records queued.
  rd_kafka_queue_t* q = m_impl->queue.get();
  ssize_t n = rd_kafka_consume_batch_queue(q, 0, scratch.data(), scratch.size());
  if (n == 0 && timeout_ms != 0) {
    n = rd_kafka_consume_batch_queue(q, timeout_ms, scratch.data(), 1);
    if (n == 1 && scratch.size() > 1) {
      const ssize_t more = rd_kafka_consume_batch_queue(q, 0, scratch.data() + 1, scratch.size() - 1);
      n += std::max<ssize_t>(more, 0);
    }
  }
  if (n < 0) {
    throw_kafka_error(rd_kafka_last_error(), "cannot consume", m_impl->config.brokers);
  }
  // Destroy every message even when a visit throws (e.g. a closed stdout).
  struct Release {
    std::vector<rd_kafka_message_t*>& messages;
    ssize_t count;
    ~Release() {
      for (ssize_t i = 0; i < count; ++i) {
        rd_kafka_message_destroy(messages[static_cast<size_t>(i)]);
      }
    }
  } release{scratch, n};
  std::vector<HeaderView> headers;
  std::string error;
  size_t visited = 0;
  RecordView v;
  for (ssize_t i = 0; i < n; ++i) {
    const rd_kafka_message_t* m = scratch[static_cast<size_t>(i)];
    if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      reached_end.push_back({rd_kafka_topic_name(m->rkt), m->partition});
      continue;
    }
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (error.empty()) {
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
    if (with_headers && rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != nullptr) {
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
    visit(v);
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

}  // namespace evt::kafka
