#include "evt/kafka/mock_cluster.hpp"

#include "evt/ascii.hpp"
#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

namespace evt::kafka {

struct MockCluster::Impl {
  ClientState state;
  HandlePtr rk;
  rd_kafka_mock_cluster_t* cluster = nullptr;
  int brokers = 1;
};

MockCluster::MockCluster(int broker_count, LogSink log_sink) : m_impl(std::make_unique<Impl>()) {
  if (broker_count < 1 || broker_count > 32) {
    throw UsageError("--brokers must be between 1 and 32");
  }
  m_impl->brokers = broker_count;
  ClientConfig config;
  config.brokers = "";  // the mock cluster's own handle talks to nobody
  config.log_sink = std::move(log_sink);
  ConfPtr conf(rd_kafka_conf_new());
  m_impl->state.log_sink = config.log_sink;
  rd_kafka_conf_set_opaque(conf.get(), &m_impl->state);
  set_property(conf.get(), "log.connection.close", "false");
  rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
    auto* state = static_cast<ClientState*>(rd_kafka_opaque(rk));
    if (state != nullptr && state->log_sink) {
      state->log_sink(level, fac, buf);
    }
  });
  m_impl->rk = make_handle(RD_KAFKA_PRODUCER, std::move(conf));
  m_impl->cluster = rd_kafka_mock_cluster_new(m_impl->rk.get(), broker_count);
  if (m_impl->cluster == nullptr) {
    throw BrokerError("cannot start the mock cluster", "check that loopback (127.0.0.1) is available");
  }
}

MockCluster::~MockCluster() {
  if (m_impl && m_impl->cluster != nullptr) {
    rd_kafka_mock_cluster_destroy(m_impl->cluster);
  }
}

std::string MockCluster::bootstraps() const {
  return rd_kafka_mock_cluster_bootstraps(m_impl->cluster);
}

int MockCluster::broker_count() const {
  return m_impl->brokers;
}

namespace {

void check_broker(int32_t id, int count) {
  if (id < 1 || id > count) {
    throw UsageError("no broker " + std::to_string(id) + ": the sandbox has brokers 1.." +
                     std::to_string(count));
  }
}

}  // namespace

void MockCluster::create_topic(const std::string& name, int partitions) {
  if (name.empty() || partitions < 1) {
    throw UsageError("a topic needs a name and at least one partition");
  }
  const auto err = rd_kafka_mock_topic_create(m_impl->cluster, name.c_str(), partitions, m_impl->brokers);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw BrokerError("cannot create topic '" + name + "': " + rd_kafka_err2str(err));
  }
}

void MockCluster::set_broker_down(int32_t broker_id, bool down) {
  check_broker(broker_id, m_impl->brokers);
  const auto err = down ? rd_kafka_mock_broker_set_down(m_impl->cluster, broker_id)
                        : rd_kafka_mock_broker_set_up(m_impl->cluster, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw BrokerError(std::string("cannot change broker state: ") + rd_kafka_err2str(err));
  }
}

void MockCluster::set_partition_leader(const std::string& topic, int32_t partition, int32_t broker_id) {
  if (broker_id != -1) {
    check_broker(broker_id, m_impl->brokers);
  }
  if (topic.empty() || partition < 0) {
    throw UsageError("a partition needs a topic name and a number >= 0");
  }
  const auto err = rd_kafka_mock_partition_set_leader(m_impl->cluster, topic.c_str(), partition, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw UsageError("cannot move the leader of " + topic + "[" + std::to_string(partition) +
                     "]: " + rd_kafka_err2str(err));
  }
}

void MockCluster::set_rtt(int32_t broker_id, int rtt_ms) {
  check_broker(broker_id, m_impl->brokers);
  if (rtt_ms < 0) {
    throw UsageError("latency must be >= 0 ms");
  }
  rd_kafka_mock_broker_set_rtt(m_impl->cluster, broker_id, rtt_ms);
}

namespace {

rd_kafka_resp_err_t error_from_name(std::string_view name) {
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && name == descs[i].name) {
      return descs[i].code;
    }
  }
  throw UsageError("unknown Kafka error name '" + std::string(name) + "'",
                   "use a name such as REQUEST_TIMED_OUT, NOT_LEADER_FOR_PARTITION, "
                   "BROKER_NOT_AVAILABLE or _TRANSPORT (disconnect)");
}

}  // namespace

bool is_known_error_name(std::string_view name) {
  try {
    (void)error_from_name(name);
    return true;
  } catch (const UsageError&) {
    return false;
  }
}

void MockCluster::fail_requests(int16_t api_key, size_t count, std::string_view error_name) {
  const auto err = error_from_name(error_name);
  std::vector<rd_kafka_resp_err_t> errors(count, err);
  rd_kafka_mock_push_request_errors_array(m_impl->cluster, api_key, count, errors.data());
}

void MockCluster::clear_request_errors(int16_t api_key) {
  rd_kafka_mock_clear_request_errors(m_impl->cluster, api_key);
}

int16_t api_key_from_name(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, int16_t>, 20> k_apis = {{
      {"Produce", 0},
      {"Fetch", 1},
      {"ListOffsets", 2},
      {"Metadata", 3},
      {"OffsetCommit", 8},
      {"OffsetFetch", 9},
      {"FindCoordinator", 10},
      {"JoinGroup", 11},
      {"Heartbeat", 12},
      {"LeaveGroup", 13},
      {"SyncGroup", 14},
      {"DescribeGroups", 15},
      {"ListGroups", 16},
      {"ApiVersions", 18},
      {"CreateTopics", 19},
      {"InitProducerId", 22},
      {"AddPartitionsToTxn", 24},
      {"AddOffsetsToTxn", 25},
      {"EndTxn", 26},
      {"TxnOffsetCommit", 28},
  }};
  for (const auto& [api, key] : k_apis) {
    if (ascii_iequals(name, api)) {
      return key;
    }
  }
  int value = -1;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
  if (ec == std::errc() && ptr == name.data() + name.size() && value >= 0 && value < 100) {
    return static_cast<int16_t>(value);
  }
  std::string known;
  for (const auto& [api, key] : k_apis) {
    known += (known.empty() ? "" : ", ") + std::string(api);
  }
  throw UsageError("unknown request kind '" + std::string(name) + "'", "known kinds: " + known);
}

}  // namespace evt::kafka
