#include "evt/kafka/admin.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/kafka/watermarks.hpp"

#include "evt/signals.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>

namespace evt::kafka {

struct Admin::Impl : ClientParts {
  using ClientParts::ClientParts;
};

Admin::Admin(const ClientConfig& config) : Admin(Client(config)) {}

Admin::Admin(const Client& client) : m_impl(std::make_unique<Impl>(client.core())) {}

Admin::~Admin() = default;

const std::string& Admin::brokers() const {
  return m_impl->config.brokers;
}

namespace {

TopicInfo to_topic_info(const rd_kafka_metadata_topic_t& t) {
  TopicInfo info;
  info.name = t.topic;
  if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    info.error = rd_kafka_err2str(t.err);
  }
  for (int i = 0; i < t.partition_cnt; ++i) {
    const auto& p = t.partitions[i];
    PartitionInfo pi;
    pi.id = p.id;
    pi.leader = p.leader;
    pi.replicas.assign(p.replicas, p.replicas + p.replica_cnt);
    pi.isrs.assign(p.isrs, p.isrs + p.isr_cnt);
    if (p.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      pi.error = rd_kafka_err2str(p.err);
    }
    info.partitions.push_back(std::move(pi));
  }
  std::sort(info.partitions.begin(), info.partitions.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  return info;
}

}  // namespace

ClusterInfo Admin::describe_cluster(bool include_internal) {
  auto md = fetch_metadata(m_impl->rk.get(), nullptr, m_impl->config.timeout_ms, m_impl->config.brokers);
  ClusterInfo info;
  for (int i = 0; i < md->broker_cnt; ++i) {
    info.brokers.push_back({md->brokers[i].id, md->brokers[i].host, md->brokers[i].port});
  }
  for (int i = 0; i < md->topic_cnt; ++i) {
    std::string_view name = md->topics[i].topic;
    if (!include_internal && name.starts_with("__")) {
      continue;
    }
    info.topics.push_back(to_topic_info(md->topics[i]));
  }
  std::sort(info.brokers.begin(), info.brokers.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  std::sort(info.topics.begin(), info.topics.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return info;
}

TopicInfo Admin::describe_topic(const std::string& topic) {
  // Ask for all topics rather than one: asking for one may auto-create it.
  auto md = fetch_metadata(m_impl->rk.get(), nullptr, m_impl->config.timeout_ms, m_impl->config.brokers);
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (topic == md->topics[i].topic) {
      const auto err = md->topics[i].err;
      if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        break;
      }
      // Not being allowed to see a topic is a failure (exit 3 with the ACL
      // hint), not an empty description.
      if (err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
        throw_kafka_error(err, "cannot describe topic '" + topic + "'", m_impl->config.brokers);
      }
      return to_topic_info(md->topics[i]);
    }
  }
  throw UsageError("topic '" + topic + "' does not exist on " + m_impl->config.brokers,
                   "`evt topics` lists the topics that exist");
}

namespace {

// One offsets_for_times call: librdkafka groups the partitions by leader and
// sends one ListOffsets request per broker.
std::map<TopicPartition, int64_t> list_offsets(rd_kafka_t* rk, const std::vector<TopicPartition>& partitions,
                                               int64_t query, int timeout_ms, const std::string& brokers) {
  std::map<TopicPartition, int64_t> result;
  if (partitions.empty()) {
    return result;
  }
  TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const auto& tp : partitions) {
    rd_kafka_topic_partition_list_add(tpl.get(), tp.topic.c_str(), tp.partition)->offset = query;
  }
  const auto err = rd_kafka_offsets_for_times(rk, tpl.get(), std::max(timeout_ms, 1));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_client_error(rk, err, "cannot list offsets", brokers);
  }
  for (int i = 0; i < tpl->cnt; ++i) {
    const auto& e = tpl->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_kafka_error(
          e.err, "cannot list offsets of " + std::string(e.topic) + "[" + std::to_string(e.partition) + "]",
          brokers);
    }
    result[{e.topic, e.partition}] = e.offset;
  }
  return result;
}

}  // namespace

std::map<TopicPartition, OffsetRange> Admin::offset_ranges(const std::vector<TopicPartition>& partitions) {
  // Sliced and in parallel: one offsets_for_times call over thousands of
  // partitions is quadratic inside librdkafka (see Watermarks).
  return Watermarks(m_impl->core).ranges(partitions);
}

std::map<TopicPartition, int64_t> Admin::offsets_for_time(const std::vector<TopicPartition>& partitions,
                                                          int64_t timestamp_ms) {
  const auto& c = m_impl->config;
  return list_offsets(m_impl->rk.get(), partitions, timestamp_ms, c.timeout_ms, c.brokers);
}

void Admin::create_topic(const NewTopic& topic) {
  std::array<char, 512> err{};
  NewTopicPtr nt(rd_kafka_NewTopic_new(topic.name.c_str(), topic.partitions, topic.replication_factor,
                                       err.data(), err.size()));
  if (!nt) {
    throw UsageError("cannot create topic '" + topic.name + "': " + err.data());
  }
  for (const auto& [k, v] : topic.configs) {
    if (rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw UsageError("invalid topic config " + k + "=" + v);
    }
  }
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(m_impl->rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  rd_kafka_AdminOptions_set_request_timeout(options.get(), m_impl->config.timeout_ms, err.data(), err.size());
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), m_impl->config.timeout_ms, err.data(),
                                              err.size());
  QueuePtr queue(rd_kafka_queue_new(m_impl->rk.get()));
  rd_kafka_NewTopic_t* topics[] = {nt.get()};
  rd_kafka_CreateTopics(m_impl->rk.get(), topics, 1, options.get(), queue.get());
  // The admin call has its own timeouts; wait a little longer than them,
  // in short slices so that Ctrl-C is honoured (the request may or may not
  // have reached the broker: the topic may exist afterwards).
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_impl->config.timeout_ms + 2000);
  EventPtr ev;
  while (!ev && Clock::now() < deadline) {
    if (interrupted()) {
      throw Interrupted();
    }
    ev.reset(rd_kafka_queue_poll(queue.get(), 100));
  }
  if (!ev) {
    throw_client_error(m_impl->rk.get(), RD_KAFKA_RESP_ERR__TIMED_OUT,
                       "cannot create topic '" + topic.name + "'", m_impl->config.brokers);
  }
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_client_error(m_impl->rk.get(), rd_kafka_event_error(ev.get()),
                       "cannot create topic '" + topic.name + "'", m_impl->config.brokers);
  }
  const auto* res = rd_kafka_event_CreateTopics_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const auto code = rd_kafka_topic_result_error(results[i]);
    if (code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      throw UsageError("topic '" + topic.name + "' already exists");
    }
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      throw BrokerError("cannot create topic '" + topic.name +
                        "': " + (msg != nullptr ? msg : rd_kafka_err2str(code)));
    }
  }
}

std::map<std::string, std::string> Admin::topic_config(const std::string& topic, int timeout_ms) {
  const std::string what = "cannot describe the configuration of '" + topic + "'";
  std::array<char, 512> err{};
  std::unique_ptr<rd_kafka_ConfigResource_t, decltype(&rd_kafka_ConfigResource_destroy)> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()), &rd_kafka_ConfigResource_destroy);
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(m_impl->rk.get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS));
  rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, err.data(), err.size());
  // Any broker describes a topic; librdkafka would otherwise wait for a
  // controller, which a cluster without one (the sandbox) never names.
  // Then a broker that lacks the API fails fast instead of timing out.
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(m_impl->rk.get(), 0, nullptr, &md, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    MetadataPtr owned(md);
    if (md->broker_cnt > 0) {
      rd_kafka_AdminOptions_set_broker(options.get(), md->brokers[0].id, err.data(), err.size());
    }
  }
  QueuePtr queue(rd_kafka_queue_new(m_impl->rk.get()));
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_DescribeConfigs(m_impl->rk.get(), resources, 1, options.get(), queue.get());
  // Short slices, so that Ctrl-C is honoured.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms + 500);
  EventPtr ev;
  while (!ev && Clock::now() < deadline) {
    if (interrupted()) {
      throw Interrupted();
    }
    ev.reset(rd_kafka_queue_poll(queue.get(), 100));
  }
  if (!ev) {
    throw_client_error(m_impl->rk.get(), RD_KAFKA_RESP_ERR__TIMED_OUT, what, m_impl->config.brokers);
  }
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_client_error(m_impl->rk.get(), rd_kafka_event_error(ev.get()), what, m_impl->config.brokers);
  }
  const auto* res = rd_kafka_event_DescribeConfigs_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_ConfigResource_t** described = rd_kafka_DescribeConfigs_result_resources(res, &cnt);
  std::map<std::string, std::string> config;
  for (size_t i = 0; i < cnt; ++i) {
    if (rd_kafka_ConfigResource_error(described[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw_client_error(m_impl->rk.get(), rd_kafka_ConfigResource_error(described[i]), what,
                         m_impl->config.brokers);
    }
    size_t n = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(described[i], &n);
    for (size_t k = 0; k < n; ++k) {
      const char* value = rd_kafka_ConfigEntry_value(entries[k]);
      config[rd_kafka_ConfigEntry_name(entries[k])] = value != nullptr ? value : "";
    }
  }
  return config;
}

}  // namespace evt::kafka
