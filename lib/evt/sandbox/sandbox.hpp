#pragma once

#include "evt/kafka/client_config.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evt::sandbox {

// The default bootstrap port, Kafka's usual one.
inline constexpr int k_default_port = 9092;

// How to start a sandbox.
struct SandboxOptions {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;  // name, partitions
  int port = k_default_port;  // 0: ephemeral; the default falls back to ephemeral when taken
  bool port_given = false;    // an explicit --port must be honoured or fail
};

// Parses "NAME[:PARTITIONS]" (partitions default to 1); throws UsageError.
std::pair<std::string, int> parse_topic_spec(std::string_view spec);

// A running sandbox: mock cluster, bootstrap proxy and control channel.
class Sandbox {
 public:
  Sandbox(const SandboxOptions& options, kafka::LogSink log_sink);
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // The address clients bootstrap from (the proxy's when there is one).
  std::string bootstrap() const;

  // True when the default port was taken and an ephemeral one is used.
  bool fell_back_to_ephemeral() const;

  // Executes one control command ("down 1", "rtt 1 200", "fail Produce 5
  // REQUEST_TIMED_OUT", "clear Produce", "topic NAME PARTITIONS",
  // "leader TOPIC PARTITION BROKER|none", "status")
  // and returns the answer text; throws UsageError for a bad command.
  std::string execute(std::string_view command);

  // Starts the control channel at `socket_path` and publishes the state file,
  // unless another running sandbox already owns it: then returns false and
  // this sandbox is reachable only by its address (and ctl --control).
  bool publish_state(const std::string& socket_path);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::sandbox
