#include "evt/kafka/producer.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace evt::kafka {

namespace {

// librdkafka's default message.max.bytes.
constexpr size_t k_default_message_max_bytes = 1000000;
// More than a record's framing in a batch (varints, attributes, no headers).
constexpr long k_batch_framing = 1024;

// Filled by the delivery callback during rd_kafka_poll (our own thread),
// drained by poll()/flush(); the callback itself never throws.
struct DeliveryQueue {
  std::vector<DeliveryReport> pending;
};

void delivery_cb(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
  auto* queue = static_cast<DeliveryQueue*>(static_cast<ClientState*>(opaque)->owner);
  DeliveryReport r;
  r.token = reinterpret_cast<uintptr_t>(msg->_private);
  r.delivered = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!r.delivered) {
    r.error = rd_kafka_err2str(msg->err);
  }
  r.partition = msg->partition;
  r.offset = msg->offset;
  try {
    queue->pending.push_back(std::move(r));
  } catch (...) {
    // Out of memory: nothing sensible to do inside a C callback.
  }
}

}  // namespace

namespace {

// Key, value and timestamp as rd_kafka_producev takes them, from a Record or
// a RecordView: a non-null pointer with length 0 is an empty key/value;
// nullptr is NULL.
struct Payload {
  template <class R>
  explicit Payload(const R& record)
      : key(record.key ? (record.key->empty() ? k_empty : record.key->data()) : nullptr),
        key_len(record.key ? record.key->size() : 0),
        value(record.value ? const_cast<char*>(record.value->empty() ? k_empty : record.value->data())
                           : nullptr),
        value_len(record.value ? record.value->size() : 0),
        timestamp(record.timestamp > 0 ? record.timestamp : 0) {}
  static constexpr char k_empty[1] = {0};
  const void* key;
  size_t key_len;
  void* value;
  size_t value_len;
  int64_t timestamp;
};

}  // namespace

struct Producer::Impl {
  ClientConfig config;
  ClientState state;
  DeliveryQueue delivered;
  HandlePtr rk;
  size_t produced = 0;
  size_t reported = 0;
  size_t batch_limit = 0;                 // largest key + value produce_batch takes
  std::vector<rd_kafka_message_t> batch;  // reused by produce_batch
  // Topic handles by name for produce(topic, …): RD_KAFKA_V_TOPIC looks the
  // name up (under a lock) for every record.
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics;
  ~Impl() {
    for (auto& [name, rkt] : topics) {
      rd_kafka_topic_destroy(rkt);
    }
  }
  rd_kafka_topic_t* topic_handle(const std::string& topic) {
    auto it = topics.find(topic);
    if (it == topics.end()) {
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr);
      if (rkt == nullptr) {
        throw_kafka_error(rd_kafka_last_error(), "cannot produce to '" + one_line(topic) + "'",
                          config.brokers);
      }
      it = topics.emplace(topic, rkt).first;
    }
    return it->second;
  }
  void drain(std::vector<DeliveryReport>& reports) {
    reported += delivered.pending.size();
    if (reports.empty()) {
      std::swap(reports, delivered.pending);  // the usual case: no copy, both keep their capacity
    } else {
      reports.insert(reports.end(), std::make_move_iterator(delivered.pending.begin()),
                     std::make_move_iterator(delivered.pending.end()));
    }
    delivered.pending.clear();
  }
};

Producer::Producer(const ClientConfig& config, const ProducerOptions& options)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->config = config;
  // evt's producer defaults go first so -X properties can still override them.
  ClientConfig effective = config;
  Properties defaults;
  if (options.idempotent) {
    defaults.emplace_back("enable.idempotence", "true");
    defaults.emplace_back("acks", "all");
  }
  if (!options.compression.empty()) {
    defaults.emplace_back("compression.codec", options.compression);
  }
  // Keep keyed records where Java producers put them (see conventions).
  defaults.emplace_back("partitioner", options.partitioner.empty() ? "murmur2_random" : options.partitioner);
  if (options.delivery_timeout_ms > 0) {
    defaults.emplace_back("message.timeout.ms", std::to_string(options.delivery_timeout_ms));
  }
  defaults.emplace_back("linger.ms", "5");
  if (options.max_message_bytes > k_default_message_max_bytes) {
    // librdkafka refuses records above message.max.bytes itself.
    defaults.emplace_back("message.max.bytes", std::to_string(options.max_message_bytes));
  }
  effective.properties.insert(effective.properties.begin(), defaults.begin(), defaults.end());
  m_impl->state.owner = &m_impl->delivered;
  auto conf = make_conf(effective, m_impl->state);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_cb);
  m_impl->rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf));
  // The effective message.max.bytes (-X may have lowered it); a record well
  // under it cannot fail the batch call on its own (see produce_batch).
  char value[32] = {0};
  size_t size = sizeof value;
  long max_bytes = static_cast<long>(k_default_message_max_bytes);
  if (rd_kafka_conf_get(rd_kafka_conf(m_impl->rk.get()), "message.max.bytes", value, &size) ==
      RD_KAFKA_CONF_OK) {
    max_bytes = std::strtol(value, nullptr, 10);
  }
  m_impl->batch_limit = max_bytes > k_batch_framing ? static_cast<size_t>(max_bytes - k_batch_framing) : 0;
}

Producer::~Producer() = default;

void Producer::produce(const Record& record, uint64_t token) {
  auto* rk = m_impl->rk.get();
  rd_kafka_topic_t* rkt = m_impl->topic_handle(record.topic);
  for (;;) {
    check_fatal(m_impl->state);
    rd_kafka_headers_t* hdrs = nullptr;
    if (!record.headers.empty()) {
      hdrs = rd_kafka_headers_new(record.headers.size());
      for (const auto& h : record.headers) {
        rd_kafka_header_add(hdrs, h.key.data(), static_cast<ssize_t>(h.key.size()),
                            h.value ? h.value->data() : nullptr,
                            h.value ? static_cast<ssize_t>(h.value->size()) : 0);
      }
    }
    const Payload p(record);
    const auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(record.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(p.value, p.value_len),
        RD_KAFKA_V_KEY(p.key, p.key_len), RD_KAFKA_V_TIMESTAMP(p.timestamp), RD_KAFKA_V_HEADERS(hdrs),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(token)), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++m_impl->produced;
      return;
    }
    if (hdrs != nullptr) {
      rd_kafka_headers_destroy(hdrs);  // ownership passes only on success
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // With the broker gone the queue drains only as records time out
      // (message.timeout.ms, minutes): Ctrl-C must not wait for that.
      if (interrupted()) {
        throw Interrupted();
      }
      rd_kafka_poll(rk, 50);
      continue;
    }
    if (err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION && record.partition >= 0) {
      // The partition came with the record (--keep partition): bad input
      // for this one record, not a broken run.
      throw InputError("partition " + std::to_string(record.partition) + " of topic '" +
                       one_line(record.topic) + "' does not exist");
    }
    // The topic may come from a record line: no control bytes in the message.
    throw_kafka_error(err, "cannot produce to '" + one_line(record.topic) + "'", m_impl->config.brokers);
  }
}

void Producer::produce(const std::string& topic, int32_t partition, const RecordView& record,
                       NativeHeaders headers, uint64_t token) {
  auto* rk = m_impl->rk.get();
  rd_kafka_topic_t* rkt = m_impl->topic_handle(topic);
  const Payload p(record);
  for (;;) {
    check_fatal(m_impl->state);
    const auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(p.value, p.value_len), RD_KAFKA_V_KEY(p.key, p.key_len),
        RD_KAFKA_V_TIMESTAMP(p.timestamp), RD_KAFKA_V_HEADERS(headers.get()),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(token)), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      headers.release();  // the message owns the list now
      ++m_impl->produced;
      return;
    }
    // On failure the list stays ours (`headers` frees it when we throw).
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (interrupted()) {
        throw Interrupted();
      }
      rd_kafka_poll(rk, 50);
      continue;
    }
    throw_kafka_error(err, "cannot produce to '" + one_line(topic) + "'", m_impl->config.brokers);
  }
}

bool Producer::batchable(const Record& record) const {
  const size_t bytes = (record.key ? record.key->size() : 0) + (record.value ? record.value->size() : 0);
  return record.headers.empty() && record.timestamp <= 0 && record.partition < 0 &&
         bytes <= m_impl->batch_limit;
}

size_t Producer::produce_batch(const std::string& topic, const Record* const* records, const uint64_t* tokens,
                               size_t n) {
  auto* rk = m_impl->rk.get();
  rd_kafka_topic_t* rkt = m_impl->topic_handle(topic);
  auto& batch = m_impl->batch;
  batch.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const Payload p(*records[i]);
    auto& m = batch[i];
    m = rd_kafka_message_t{};
    m.payload = p.value;
    m.len = p.value_len;
    m.key = const_cast<void*>(p.key);
    m.key_len = p.key_len;
    m._private = reinterpret_cast<void*>(tokens[i]);
  }
  check_fatal(m_impl->state);
  size_t done = 0;
  while (done < n) {
    // One call per stretch of records with the same partition (-1: the
    // partitioner chooses per record; else all go to that partition).
    const int32_t partition = records[done]->partition < 0 ? RD_KAFKA_PARTITION_UA : records[done]->partition;
    size_t end = done + 1;
    while (end < n &&
           (records[end]->partition < 0 ? RD_KAFKA_PARTITION_UA : records[end]->partition) == partition) {
      ++end;
    }
    const int good = rd_kafka_produce_batch(rkt, partition, RD_KAFKA_MSG_F_COPY, batch.data() + done,
                                            static_cast<int>(end - done));
    m_impl->produced += static_cast<size_t>(std::max(good, 0));
    // The topic is locked for the whole call and every record is under
    // message.max.bytes: a failure (a full queue, an unknown partition, a
    // fatal error) is the same for every record from the first failed one
    // on, so the enqueued ones are a prefix. Checked, since the rest is
    // retried or sent one by one.
    size_t first_failed = end;
    for (size_t i = done; i < end; ++i) {
      if (batch[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        first_failed = i;
        break;
      }
    }
    if (first_failed - done != static_cast<size_t>(good)) {
      throw RuntimeError("librdkafka enqueued " + std::to_string(good) + " of a batch of " +
                         std::to_string(end - done) +
                         " records, not a prefix of it; records may be out of order");
    }
    done = first_failed;
    if (done == end) {
      continue;
    }
    // Anything but a full queue, and Ctrl-C while it is full: produce() of
    // the next record throws what it means, with nothing of it enqueued.
    if (batch[done].err != RD_KAFKA_RESP_ERR__QUEUE_FULL || interrupted()) {
      return done;
    }
    rd_kafka_poll(rk, 50);
  }
  return n;
}

void Producer::poll(int timeout_ms, std::vector<DeliveryReport>& reports) {
  rd_kafka_poll(m_impl->rk.get(), timeout_ms);
  m_impl->drain(reports);
  check_fatal(m_impl->state);
}

size_t Producer::flush(int timeout_ms, std::vector<DeliveryReport>& reports) {
  rd_kafka_flush(m_impl->rk.get(), timeout_ms);
  poll(0, reports);
  return in_flight();
}

void Producer::purge(std::vector<DeliveryReport>& reports) {
  rd_kafka_purge(m_impl->rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  // Purged records get their (failed) reports on the next poll.
  for (int i = 0; i < 20 && in_flight() > 0; ++i) {
    rd_kafka_poll(m_impl->rk.get(), 50);
    m_impl->drain(reports);
  }
}

size_t Producer::in_flight() const {
  return m_impl->produced - m_impl->reported;
}

int Producer::partition_count(const std::string& topic) {
  auto md = fetch_metadata(m_impl->rk.get(), &topic, m_impl->config.timeout_ms, m_impl->config.brokers);
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return md->topics[i].partition_cnt;
    }
  }
  throw UsageError("topic '" + topic + "' does not exist", "`evt topics` lists the topics");
}

}  // namespace evt::kafka
