#include "evt/kafka/producer.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <random>

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

// evt's partitioner, installed for librdkafka's murmur2_random (evt's
// default). Keyed records go exactly where murmur2_random puts them. Keyless
// records stick to one partition with a leader for
// sticky.partitioning.linger.ms, as librdkafka's own sticky partitioner does
// (which evt turns off: librdkafka calls a custom partitioner only for keyed
// records while it is on). The point is that evt learns the choice: the
// producer then sends the next keyless records of a run straight to that
// partition in one call, without a partitioner call, a lock and two clock
// readings per record (see Producer::Impl::Topic).
struct KeylessChoice {
  std::mutex mutex;
  int32_t partition = -1;
  int64_t chosen_at_us = 0;
  int64_t linger_us = 10000;
  std::minstd_rand random{std::random_device{}()};
};

// What the partitioner last chose for a keyless record on this thread:
// produce calls run the partitioner on the calling thread, so the caller
// reads its choice here right after the call.
struct LastChoice {
  const KeylessChoice* topic = nullptr;
  int32_t partition = -1;
  int64_t chosen_at_us = 0;  // when the partition became the sticky one
};
thread_local LastChoice t_last_choice;

// The monotonic clock at the kernel tick's resolution (1-4 ms): a few
// nanoseconds to read, against tens for the exact one, and fine for a
// linger of milliseconds.
int64_t coarse_now_us() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// A partition with a leader, each alike likely (draws until one has a
// leader; after a few misses, one pass over all of them); any partition
// when none has a leader (its records wait for one).
int32_t pick_available(const rd_kafka_topic_t* rkt, int32_t partition_cnt, std::minstd_rand& random) {
  const auto draw = [&](int32_t n) { return static_cast<int32_t>(random() % static_cast<uint32_t>(n)); };
  constexpr int k_draws = 8;
  for (int i = 0; i < k_draws; ++i) {
    const int32_t p = draw(partition_cnt);
    if (rd_kafka_topic_partition_available(rkt, p) != 0) {
      return p;
    }
  }
  std::vector<int32_t> available;
  for (int32_t p = 0; p < partition_cnt; ++p) {
    if (rd_kafka_topic_partition_available(rkt, p) != 0) {
      available.push_back(p);
    }
  }
  return available.empty() ? draw(partition_cnt)
                           : available[static_cast<size_t>(draw(static_cast<int32_t>(available.size())))];
}

int32_t evt_partitioner(const rd_kafka_topic_t* rkt, const void* key, size_t key_len, int32_t partition_cnt,
                        void* rkt_opaque, void* msg_opaque) {
  if (key != nullptr || rkt_opaque == nullptr || partition_cnt <= 0) {
    return rd_kafka_msg_partitioner_murmur2_random(rkt, key, key_len, partition_cnt, rkt_opaque, msg_opaque);
  }
  auto* choice = static_cast<KeylessChoice*>(rkt_opaque);
  const std::lock_guard lock(choice->mutex);
  const int64_t now = coarse_now_us();
  int32_t p = choice->partition;
  if (p < 0 || p >= partition_cnt || now - choice->chosen_at_us >= choice->linger_us ||
      rd_kafka_topic_partition_available(rkt, p) == 0) {
    p = pick_available(rkt, partition_cnt, choice->random);
    choice->partition = p;
    choice->chosen_at_us = now;
  }
  t_last_choice = LastChoice{choice, p, choice->chosen_at_us};
  return p;
}

// A property's value as the configuration holds it (topic-level ones from
// the default topic configuration), or "" when unset.
std::string conf_value(const rd_kafka_conf_t* conf, const char* name) {
  char value[256] = {0};
  size_t size = sizeof value;
  if (rd_kafka_conf_get(conf, name, value, &size) != RD_KAFKA_CONF_OK) {
    return {};
  }
  return value;
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
  // How many keyless records in a row go to the partition the partitioner
  // chose for the one before them, before it is asked again (which checks
  // that the partition still has a leader, and moves on after the linger).
  static constexpr int k_sticky_records = 512;
  // A topic's handle and, with evt's partitioner, its keyless partition.
  struct Topic {
    rd_kafka_topic_t* rkt = nullptr;
    std::unique_ptr<KeylessChoice> choice;  // null: librdkafka partitions on its own
    int32_t sticky = -1;                    // where the next keyless records go; -1: UA
    int sticky_left = 0;                    // keyless records before asking again
    int64_t sticky_until_us = 0;            // and the time (coarse_now_us)
  };
  ClientConfig config;
  ClientState state;
  DeliveryQueue delivered;
  HandlePtr rk;
  size_t produced = 0;
  size_t reported = 0;
  size_t batch_limit = 0;                 // largest key + value produce_batch takes
  bool own_partitioner = false;           // evt_partitioner on every topic
  int64_t sticky_linger_us = 10000;       // the user's sticky.partitioning.linger.ms
  std::vector<rd_kafka_message_t> batch;  // reused by produce_batch
  // Topic handles by name for produce(topic, …): RD_KAFKA_V_TOPIC looks the
  // name up (under a lock) for every record.
  std::map<std::string, Topic, std::less<>> topics;
  ~Impl() {
    for (auto& [name, topic] : topics) {
      rd_kafka_topic_destroy(topic.rkt);
    }
    // The handle goes first: until its threads stop, the partitioner may
    // run (UA records after late metadata) on the topics' KeylessChoice.
    rk.reset();
  }
  Topic& topic_entry(const std::string& topic) {
    auto it = topics.find(topic);
    if (it == topics.end()) {
      Topic entry;
      rd_kafka_topic_conf_t* tconf = nullptr;
      if (own_partitioner) {
        entry.choice = std::make_unique<KeylessChoice>();
        entry.choice->linger_us = sticky_linger_us;
        tconf = rd_kafka_default_topic_conf_dup(rk.get());
        rd_kafka_topic_conf_set_partitioner_cb(tconf, evt_partitioner);
        rd_kafka_topic_conf_set_opaque(tconf, entry.choice.get());
      }
      // Takes tconf in any case. A handle that exists already (made by
      // someone else without tconf) keeps librdkafka's partitioning; the
      // sticky shortcut then never gets a choice and stays off.
      entry.rkt = rd_kafka_topic_new(rk.get(), topic.c_str(), tconf);
      if (entry.rkt == nullptr) {
        throw_kafka_error(rd_kafka_last_error(), "cannot produce to '" + one_line(topic) + "'",
                          config.brokers);
      }
      it = topics.emplace(topic, std::move(entry)).first;
    }
    return it->second;
  }
  rd_kafka_topic_t* topic_handle(const std::string& topic) { return topic_entry(topic).rkt; }

  // Keyless records and the partitioner (evt_partitioner only): a record
  // asks it when the last answer is used up (k_sticky_records records) or
  // out of date (the linger has passed since the partition was chosen);
  // until then keyless records go where it said, `sticky`, or, when it was
  // not asked (the topic's metadata is not in yet), to UA as before (-1).
  static bool must_ask(const Topic& topic, int64_t now_us) {
    return topic.choice != nullptr && (topic.sticky_left <= 0 || now_us >= topic.sticky_until_us);
  }
  static int32_t keyless_target(const Topic& topic, int64_t now_us) {
    return topic.sticky >= 0 && !must_ask(topic, now_us) ? topic.sticky : RD_KAFKA_PARTITION_UA;
  }
  // Before a produce call that asks the partitioner for a keyless record.
  static void before_asking() { t_last_choice = LastChoice{}; }
  // After it: what the partitioner chose for this topic, if it ran.
  static void chosen(Topic& topic, int64_t now_us) {
    const bool ran = t_last_choice.topic == topic.choice.get() && t_last_choice.partition >= 0;
    topic.sticky = ran ? t_last_choice.partition : RD_KAFKA_PARTITION_UA;
    // Linger 0: a new choice for every keyless record, as librdkafka does
    // (the partitioner's clock may have ticked past the caller's since).
    topic.sticky_left = topic.choice->linger_us > 0 ? k_sticky_records : 0;
    topic.sticky_until_us = (ran ? t_last_choice.chosen_at_us : now_us) + topic.choice->linger_us;
  }
  static void forget(Topic& topic) {
    topic.sticky = RD_KAFKA_PARTITION_UA;
    topic.sticky_left = 0;
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
  // The partitioner and linger as librdkafka took them (-X partitioner=,
  // -X topic.partitioner=, any number syntax it accepts).
  if (conf_value(conf.get(), "partitioner") == "murmur2_random") {
    // evt_partitioner does murmur2_random and the sticky linger itself.
    m_impl->own_partitioner = true;
    m_impl->sticky_linger_us =
        1000 * std::strtoll(conf_value(conf.get(), "sticky.partitioning.linger.ms").c_str(), nullptr, 10);
    char errstr[256] = {0};
    if (rd_kafka_conf_set(conf.get(), "sticky.partitioning.linger.ms", "0", errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      throw RuntimeError(std::string("cannot configure the producer: ") + errstr);
    }
  }
  // The effective message.max.bytes (-X may have lowered it); a record well
  // under it cannot fail the batch call on its own (see produce_batch).
  const std::string max_text = conf_value(conf.get(), "message.max.bytes");
  const long max_bytes = max_text.empty() ? static_cast<long>(k_default_message_max_bytes)
                                          : std::strtol(max_text.c_str(), nullptr, 10);
  m_impl->batch_limit = max_bytes > k_batch_framing ? static_cast<size_t>(max_bytes - k_batch_framing) : 0;
  rd_kafka_conf_set_dr_msg_cb(conf.get(), delivery_cb);
  m_impl->rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf));
}

Producer::~Producer() = default;

void Producer::produce(const Record& record, uint64_t token) {
  NativeHeaders headers;
  headers.add_all(record.headers);
  produce(record, token, std::move(headers));
}

void Producer::produce(const Record& record, uint64_t token, NativeHeaders headers) {
  auto* rk = m_impl->rk.get();
  auto& topic = m_impl->topic_entry(record.topic);
  rd_kafka_topic_t* rkt = topic.rkt;
  // A keyless record under evt's partitioner goes where the one before it
  // went (see Impl::Topic), or asks the partitioner, which says where it
  // put it.
  const bool sticky = !record.key && record.partition < 0 && topic.choice != nullptr;
  for (;;) {
    check_fatal(m_impl->state);
    const Payload p(record);
    int32_t partition = record.partition;
    const int64_t now = sticky ? coarse_now_us() : 0;
    const bool asking = sticky && Impl::must_ask(topic, now);
    if (asking) {
      Impl::before_asking();
    } else if (sticky) {
      partition = Impl::keyless_target(topic, now);
      --topic.sticky_left;
    }
    const auto err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_VALUE(p.value, p.value_len), RD_KAFKA_V_KEY(p.key, p.key_len),
        RD_KAFKA_V_TIMESTAMP(p.timestamp), RD_KAFKA_V_HEADERS(headers.get()),
        RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(token)), RD_KAFKA_V_END);
    if (asking && err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      Impl::chosen(topic, now);
    }
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      headers.release();  // the message owns the list now
      ++m_impl->produced;
      return;
    }
    // On failure the list stays ours: retried, or freed when we throw.
    if (sticky && partition >= 0) {
      // The partition evt chose for it (a topic recreated with fewer
      // partitions, a full queue): ask the partitioner on the retry.
      Impl::forget(topic);
      if (err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
        continue;
      }
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

size_t Producer::produce_batch(const std::string& topic_name, const Record* const* records,
                               const uint64_t* tokens, size_t n) {
  auto* rk = m_impl->rk.get();
  auto& topic = m_impl->topic_entry(topic_name);
  rd_kafka_topic_t* rkt = topic.rkt;
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
  // The partition each record goes to in the call: its own (-p, --keep
  // partition), the sticky one for a keyless record while evt's partitioner
  // has one, else UA (the partitioner chooses per record).
  const bool own = topic.choice != nullptr;
  const auto sticky = [&](size_t i) { return own && records[i]->partition < 0 && !records[i]->key; };
  // One clock reading for the call: a sticky partition's linger ends between calls.
  const int64_t now = own ? coarse_now_us() : 0;
  const auto target = [&](size_t i) -> int32_t {
    if (records[i]->partition >= 0) {
      return records[i]->partition;
    }
    return sticky(i) ? Impl::keyless_target(topic, now) : RD_KAFKA_PARTITION_UA;
  };
  size_t done = 0;
  while (done < n) {
    // One keyless record alone when it must ask the partitioner; else one
    // call per stretch of records with the same target, keyless ones only
    // while the sticky partition lasts.
    const bool ask = sticky(done) && Impl::must_ask(topic, now);
    const int32_t partition = ask ? RD_KAFKA_PARTITION_UA : target(done);
    size_t end = done + 1;
    if (ask) {
      Impl::before_asking();
    } else {
      int left = topic.sticky_left - (sticky(done) ? 1 : 0);
      while (end < n && target(end) == partition && (!sticky(end) || left-- > 0)) {
        ++end;
      }
      topic.sticky_left = left;
    }
    const int good = rd_kafka_produce_batch(rkt, partition, RD_KAFKA_MSG_F_COPY, batch.data() + done,
                                            static_cast<int>(end - done));
    if (ask && good == 1) {
      Impl::chosen(topic, now);
    }
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
    if (sticky(done)) {
      Impl::forget(topic);  // the next keyless record asks the partitioner again
    }
    // Anything but a full queue, and Ctrl-C while it is full: produce() of
    // the next record throws what it means, with nothing of it enqueued
    // (a keyless one asks the partitioner anew).
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
  // evt's handle first: the metadata request's own handle would otherwise
  // be the topic's, without evt's partitioner.
  m_impl->topic_handle(topic);
  auto md = fetch_metadata(m_impl->rk.get(), &topic, m_impl->config.timeout_ms, m_impl->config.brokers);
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      return md->topics[i].partition_cnt;
    }
  }
  throw UsageError("topic '" + topic + "' does not exist", "`evt topics` lists the topics");
}

}  // namespace evt::kafka
