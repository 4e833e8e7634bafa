#include "evt/kafka/handle.hpp"

#include "evt/error.hpp"

#include <array>

namespace evt::kafka {
namespace {

void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* state = static_cast<ClientState*>(rd_kafka_opaque(rk));
  if (state != nullptr && state->log_sink) {
    state->log_sink(level, fac, buf);
  }
}

void error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* state = static_cast<ClientState*>(opaque);
  if (state == nullptr) {
    return;
  }
  std::lock_guard lock(state->mutex);
  state->last_error = reason;
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    state->all_brokers_down = true;
  } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> buf{};
    rd_kafka_fatal_error(rk, buf.data(), buf.size());
    state->fatal_reason = buf.data();
    state->fatal = true;
  }
}

} // namespace

std::string library_version() { return rd_kafka_version_str(); }

void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  std::array<char, 512> err{};
  const auto res = rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err.data(), err.size());
  if (res != RD_KAFKA_CONF_OK) {
    throw UsageError("invalid client property " + key + ": " + err.data(),
                     "see librdkafka's CONFIGURATION.md for property names and values");
  }
}

ConfPtr make_conf(const ClientConfig& config, ClientState& state) {
  ConfPtr conf(rd_kafka_conf_new());
  state.log_sink = config.log_sink;
  set_property(conf.get(), "bootstrap.servers", config.brokers);
  set_property(conf.get(), "client.id", "evt");
  set_property(conf.get(), "log.connection.close", "false");
  for (const auto& [key, value] : config.properties) {
    set_property(conf.get(), key, value);
  }
  rd_kafka_conf_set_opaque(conf.get(), &state);
  rd_kafka_conf_set_log_cb(conf.get(), log_cb);
  rd_kafka_conf_set_error_cb(conf.get(), error_cb);
  return conf;
}

HandlePtr make_handle(rd_kafka_type_t type, ConfPtr conf) {
  std::array<char, 512> err{};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err.data(), err.size());
  if (rk == nullptr) {
    throw UsageError(std::string("cannot create Kafka client: ") + err.data());
  }
  (void)conf.release();  // rd_kafka_new owns the conf only on success
  return HandlePtr(rk);
}

[[noreturn]] void throw_kafka_error(rd_kafka_resp_err_t err, const std::string& context,
                                    const std::string& brokers) {
  std::string what = context + ": " + rd_kafka_err2str(err);
  switch (err) {
  case RD_KAFKA_RESP_ERR__TRANSPORT:
  case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
  case RD_KAFKA_RESP_ERR__TIMED_OUT:
  case RD_KAFKA_RESP_ERR__RESOLVE:
    throw BrokerError(what + (brokers.empty() ? "" : " (brokers: " + brokers + ")"),
                      "check that the brokers are reachable, or raise --timeout; "
                      "`evt sandbox` starts a local broker");
  case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
  case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    throw UsageError(what, "`evt topics` lists the topics that exist");
  case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    throw UsageError(what, "`evt topics describe TOPIC` shows its partitions");
  case RD_KAFKA_RESP_ERR__AUTHENTICATION:
  case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
  case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
  case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
  case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    throw BrokerError(what, "check the credentials and ACLs of this context (evt config view)");
  default:
    throw BrokerError(what);
  }
}

[[noreturn]] void throw_kafka_error(rd_kafka_error_t* error, const std::string& context) {
  ErrorPtr owned(error);
  const auto code = rd_kafka_error_code(error);
  const std::string text = rd_kafka_error_string(error);
  if (code == RD_KAFKA_RESP_ERR__TIMED_OUT || code == RD_KAFKA_RESP_ERR__TRANSPORT) {
    throw_kafka_error(code, context);
  }
  throw BrokerError(context + ": " + text);
}

void check_fatal(ClientState& state) {
  if (state.fatal) {
    std::lock_guard lock(state.mutex);
    throw BrokerError("fatal client error: " + state.fatal_reason);
  }
}

MetadataPtr fetch_metadata(rd_kafka_t* rk, const std::string* topic, int timeout_ms,
                           const std::string& brokers) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err;
  if (topic != nullptr) {
    // A topic handle restricts the request to that topic (and may auto-create
    // it where the broker allows, as kcat does).
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic->c_str(), nullptr);
    err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
    rd_kafka_topic_destroy(rkt);
  } else {
    err = rd_kafka_metadata(rk, 1, nullptr, &md, timeout_ms);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_kafka_error(err, "cannot fetch metadata", brokers);
  }
  return MetadataPtr(md);
}

} // namespace evt::kafka
