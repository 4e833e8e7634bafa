#pragma once
// Internal to lib/evt/kafka: the only header that includes librdkafka.
// Code outside lib/evt/kafka uses the librdkafka-free classes instead.

#include "evt/kafka/client.hpp"
#include "evt/kafka/client_config.hpp"

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace evt::kafka {

// One deleter per librdkafka type.
struct ConfDeleter {
  void operator()(rd_kafka_conf_t* p) const { rd_kafka_conf_destroy(p); }
};
struct HandleDeleter {
  void operator()(rd_kafka_t* p) const { rd_kafka_destroy(p); }
};
struct TplDeleter {
  void operator()(rd_kafka_topic_partition_list_t* p) const { rd_kafka_topic_partition_list_destroy(p); }
};
struct MessageDeleter {
  void operator()(rd_kafka_message_t* p) const { rd_kafka_message_destroy(p); }
};
struct HeadersDeleter {
  void operator()(rd_kafka_headers_t* p) const { rd_kafka_headers_destroy(p); }
};
struct QueueDeleter {
  void operator()(rd_kafka_queue_t* p) const { rd_kafka_queue_destroy(p); }
};
struct EventDeleter {
  void operator()(rd_kafka_event_t* p) const { rd_kafka_event_destroy(p); }
};
struct AdminOptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* p) const { rd_kafka_AdminOptions_destroy(p); }
};
struct NewTopicDeleter {
  void operator()(rd_kafka_NewTopic_t* p) const { rd_kafka_NewTopic_destroy(p); }
};
struct MetadataDeleter {
  void operator()(const rd_kafka_metadata_t* p) const { rd_kafka_metadata_destroy(p); }
};
struct ErrorDeleter {
  void operator()(rd_kafka_error_t* p) const { rd_kafka_error_destroy(p); }
};
struct GroupOffsetsDeleter {
  void operator()(rd_kafka_ListConsumerGroupOffsets_t* p) const {
    rd_kafka_ListConsumerGroupOffsets_destroy(p);
  }
};
struct AlterGroupOffsetsDeleter {
  void operator()(rd_kafka_AlterConsumerGroupOffsets_t* p) const {
    rd_kafka_AlterConsumerGroupOffsets_destroy(p);
  }
};

using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;
using HandlePtr = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using TplPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, TplDeleter>;
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;
using HeadersPtr = std::unique_ptr<rd_kafka_headers_t, HeadersDeleter>;
using QueuePtr = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptionsPtr = std::unique_ptr<rd_kafka_AdminOptions_t, AdminOptionsDeleter>;
using NewTopicPtr = std::unique_ptr<rd_kafka_NewTopic_t, NewTopicDeleter>;
using MetadataPtr = std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter>;
using ErrorPtr = std::unique_ptr<rd_kafka_error_t, ErrorDeleter>;
using GroupOffsetsPtr = std::unique_ptr<rd_kafka_ListConsumerGroupOffsets_t, GroupOffsetsDeleter>;
using AlterGroupOffsetsPtr = std::unique_ptr<rd_kafka_AlterConsumerGroupOffsets_t, AlterGroupOffsetsDeleter>;

// State the C callbacks write and the poll loops read. Callbacks never throw:
// they record what happened here and the caller turns it into an error.
struct ClientState {
  LogSink log_sink;
  // Sees every log line before log_sink (the consumer follows its group's
  // join state in them); runs on librdkafka's threads and must not throw.
  std::function<void(const char* facility, const char* line)> log_observer;
  bool forward_debug = true;  // false: debug lines (level 7) are not passed to log_sink
  void* owner = nullptr;      // the client object, for callbacks that need more than this state
  std::atomic<bool> fatal{false};
  std::atomic<bool> all_brokers_down{false};
  std::atomic<int> last_error_code{0};  // rd_kafka_resp_err_t of the last error_cb
  std::mutex mutex;
  std::string fatal_reason;    // guarded by mutex
  std::string last_error;      // guarded by mutex; most recent error_cb text
  std::string last_log_error;  // guarded by mutex; most recent error-level log line
  std::string last_error_text() {
    std::lock_guard lock(mutex);
    return fatal ? fatal_reason : last_error;
  }
};

// Builds a conf with evt's defaults, the caller's properties and callbacks
// routed to `state`. Throws UsageError for an unknown or invalid property.
ConfPtr make_conf(const ClientConfig& config, ClientState& state);

// Sets one property on a conf; throws UsageError naming the property.
void set_property(rd_kafka_conf_t* conf, const std::string& key, const std::string& value);

// Creates a client handle; takes ownership of conf only when it succeeds.
HandlePtr make_handle(rd_kafka_type_t type, ConfPtr conf);

// `text` with control characters turned into spaces: for names and reasons
// from user input or the network put into an error message.
std::string one_line(std::string text);

// Throws the evt error that matches a librdkafka error code, with `context`
// saying what evt was doing and a hint for connection problems.
[[noreturn]] void throw_kafka_error(rd_kafka_resp_err_t err, const std::string& context,
                                    const std::string& brokers = {});

// Same as throw_kafka_error for an rd_kafka_error_t (and destroys it).
[[noreturn]] void throw_kafka_error(rd_kafka_error_t* error, const std::string& context);

// Like throw_kafka_error, for a call that failed on the handle `rk`: a
// timeout or lost connection also says what the broker connection last
// reported (TLS handshake, SASL authentication, refused connection) with a
// hint that fits it, since "Local: Timed out" alone does not tell the user
// that the password or security.protocol is wrong.
[[noreturn]] void throw_client_error(rd_kafka_t* rk, rd_kafka_resp_err_t err, const std::string& context,
                                     const std::string& brokers);

// Throws when the state recorded a fatal error.
void check_fatal(ClientState& state);

// Fetches cluster metadata (one topic or all); throws on failure.
MetadataPtr fetch_metadata(rd_kafka_t* rk, const std::string* topic, int timeout_ms,
                           const std::string& brokers);

// What a shared kafka::Client holds: its config, the state its callbacks
// write, and the handle (destroyed first).
struct Client::Core {
  explicit Core(const ClientConfig& c);
  ClientConfig config;
  ClientState state;
  HandlePtr rk;
};

// What Admin, Groups and Watermarks hold of a shared Client: the core kept
// alive, and its parts by name.
struct ClientParts {
  explicit ClientParts(std::shared_ptr<Client::Core> c)
      : core(std::move(c)), config(core->config), state(core->state), rk(core->rk) {}
  std::shared_ptr<Client::Core> core;
  const ClientConfig& config;
  ClientState& state;
  HandlePtr& rk;
};

}  // namespace evt::kafka
