#include "evt/kafka/handle.hpp"

#include "evt/error.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <string_view>
#include <thread>

namespace evt::kafka {
namespace {

void log_cb(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  auto* state = static_cast<ClientState*>(rd_kafka_opaque(rk));
  if (state == nullptr) {
    return;
  }
  // Error-level lines (connection, TLS and SASL failures) are remembered
  // even when not shown: they come straight from the broker threads, while
  // error_cb only runs when someone polls the main queue (Admin never does).
  if (level <= 3 && buf != nullptr) {
    try {
      std::string_view line(buf);
      // Drop librdkafka's "[thrd:…]: " prefix.
      if (line.starts_with("[thrd:")) {
        if (const auto end = line.find("]: "); end != std::string_view::npos) {
          line.remove_prefix(end + 3);
        }
      }
      std::lock_guard lock(state->mutex);
      state->last_log_error.assign(line);
    } catch (...) {
      // Never throw into C.
    }
  }
  if (state->log_observer && fac != nullptr && buf != nullptr) {
    state->log_observer(fac, buf);
  }
  if (state->log_sink && (level < 7 || state->forward_debug)) {
    state->log_sink(level, fac, buf);
  }
}

void error_cb(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* state = static_cast<ClientState*>(opaque);
  if (state == nullptr) {
    return;
  }
  std::lock_guard lock(state->mutex);
  state->last_error = reason != nullptr ? reason : "";
  state->last_error_code = err;
  if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    state->all_brokers_down = true;
  } else if (err == RD_KAFKA_RESP_ERR__FATAL) {
    std::array<char, 512> buf{};
    rd_kafka_fatal_error(rk, buf.data(), buf.size());
    state->fatal_reason = buf.data();
    state->fatal = true;
  }
}

}  // namespace

std::string library_version() {
  return rd_kafka_version_str();
}

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

std::string one_line(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  return text;
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

namespace {

bool is_connection_failure(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
         err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
}

// The hint for what the broker connection last reported. librdkafka reports
// a TLS mismatch as a plain disconnect "in state SSL_HANDSHAKE", so the text
// is what tells the cases apart.
std::string hint_for_connection_error(rd_kafka_resp_err_t last, std::string_view text) {
  const bool tls = last == RD_KAFKA_RESP_ERR__SSL || text.find("SSL") != std::string_view::npos;
  const bool sasl =
      last == RD_KAFKA_RESP_ERR__AUTHENTICATION || last == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
      text.find("SASL") != std::string_view::npos || text.find("uthenticat") != std::string_view::npos;
  if (sasl) {
    return "authentication failed: check sasl.mechanism, sasl.username and sasl.password "
           "of this context (evt config view), and security.protocol";
  }
  if (tls) {
    return "the TLS handshake failed: check security.protocol (does the broker speak TLS on "
           "this port?) and the ssl.* properties of this context (evt config view)";
  }
  return {};
}

}  // namespace

[[noreturn]] void throw_client_error(rd_kafka_t* rk, rd_kafka_resp_err_t err, const std::string& context,
                                     const std::string& brokers) {
  auto* state = rk != nullptr ? static_cast<ClientState*>(rd_kafka_opaque(rk)) : nullptr;
  if (state == nullptr || !is_connection_failure(err)) {
    throw_kafka_error(err, context, brokers);
  }
  check_fatal(*state);
  std::string last;
  {
    std::lock_guard lock(state->mutex);
    last = !state->last_error.empty() ? state->last_error : state->last_log_error;
  }
  const auto last_code = static_cast<rd_kafka_resp_err_t>(state->last_error_code.load());
  if (last.empty()) {
    throw_kafka_error(err, context, brokers);
  }
  // librdkafka's reason text comes from the network peer in part (SASL
  // error strings): keep it on one line.
  last = one_line(std::move(last));
  std::string what =
      context + ": " + rd_kafka_err2str(err) + " (brokers: " + brokers + "); last broker error: " + last;
  auto hint = hint_for_connection_error(last_code, last);
  if (hint.empty()) {
    hint =
        "check that the brokers are reachable, or raise --timeout; "
        "`evt sandbox` starts a local broker";
  }
  throw BrokerError(what, hint);
}

void check_fatal(ClientState& state) {
  if (state.fatal) {
    std::lock_guard lock(state.mutex);
    throw BrokerError("fatal client error: " + state.fatal_reason);
  }
}

MetadataPtr fetch_metadata(rd_kafka_t* rk, const std::string* topic, int timeout_ms,
                           const std::string& brokers) {
  // rd_kafka_metadata cannot be cancelled: wait in short slices so that
  // SIGINT/SIGTERM ends the wait at once (an unreachable broker would
  // otherwise hold Ctrl-C for the whole timeout).
  using Clock = std::chrono::steady_clock;
  constexpr int k_slice_ms = 200;
  const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(timeout_ms, 1));
  // A topic handle restricts the request to that topic (and may auto-create
  // it where the broker allows, as kcat does).
  rd_kafka_topic_t* rkt = topic != nullptr ? rd_kafka_topic_new(rk, topic->c_str(), nullptr) : nullptr;
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__TIMED_OUT;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      break;
    }
    const auto slice_end = Clock::now() + std::chrono::milliseconds(k_slice_ms);
    err = rd_kafka_metadata(rk, rkt == nullptr ? 1 : 0, rkt, &md,
                            static_cast<int>(std::min<int64_t>(left, k_slice_ms)));
    // A refused connection answers at once; librdkafka reconnects with
    // backoff, so keep asking until the timeout, as one long call would.
    const bool retry = err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TRANSPORT ||
                       err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
    if (!retry || interrupted()) {
      break;
    }
    std::this_thread::sleep_until(std::min(slice_end, deadline));
  }
  if (rkt != nullptr) {
    rd_kafka_topic_destroy(rkt);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && interrupted()) {
    throw Interrupted();
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw_client_error(rk, err, "cannot fetch metadata", brokers);
  }
  return MetadataPtr(md);
}

}  // namespace evt::kafka
