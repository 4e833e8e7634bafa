#include "evt/sandbox/sandbox.hpp"

#include "evt/error.hpp"
#include "evt/kafka/mock_cluster.hpp"
#include "evt/sandbox/control_channel.hpp"
#include "evt/sandbox/state_file.hpp"
#include "evt/sandbox/tcp_proxy.hpp"

#include <unistd.h>
#include <algorithm>

#include <charconv>
#include <mutex>
#include <optional>
#include <sstream>

namespace evt::sandbox {
namespace {

int parse_int(std::string_view text, std::string_view what) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    throw UsageError("invalid " + std::string(what) + " '" + std::string(text) +
                     "': expected a whole number");
  }
  return value;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) {
    words.push_back(w);
  }
  return words;
}

constexpr int k_max_partitions = 100000;

// Kafka's rule for topic names: 1 to 249 of [A-Za-z0-9._-], not "." or "..".
bool is_legal_topic_name(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace

std::pair<std::string, int> parse_topic_spec(std::string_view spec) {
  const auto colon = spec.rfind(':');
  std::string name(spec.substr(0, colon));
  int partitions = 1;
  if (colon != std::string_view::npos) {
    partitions = parse_int(spec.substr(colon + 1), "partition count in --topic " + std::string(spec));
  }
  if (!is_legal_topic_name(name) || partitions < 1 || partitions > k_max_partitions) {
    throw UsageError("invalid --topic '" + std::string(spec) + "'",
                     "use NAME or NAME:PARTITIONS, e.g. --topic orders:6");
  }
  return {name, partitions};
}

struct Sandbox::Impl {
  std::unique_ptr<kafka::MockCluster> cluster;
  std::unique_ptr<TcpProxy> proxy;
  std::unique_ptr<ControlServer> control;
  std::unique_ptr<StateLock> state_lock;
  bool fell_back = false;
  bool state_published = false;
  std::mutex mutex;  // control commands come from the control thread
};

Sandbox::Sandbox(const SandboxOptions& options, kafka::LogSink log_sink) : m_impl(std::make_unique<Impl>()) {
  m_impl->cluster = std::make_unique<kafka::MockCluster>(options.brokers, std::move(log_sink));
  for (const auto& [name, partitions] : options.topics) {
    m_impl->cluster->create_topic(name, partitions);
  }
  // The mock brokers listen on ephemeral ports; a proxy on the well-known
  // port forwards bootstrap connections to broker 1. Metadata then points
  // clients at the real broker ports, all on loopback.
  if (options.port != 0) {
    int port = options.port;
    if (!options.port_given && !port_is_free(port)) {
      port = 0;
      m_impl->fell_back = true;
    }
    if (port != 0) {
      const std::string first = m_impl->cluster->bootstraps();
      const std::string hostport = first.substr(0, first.find(','));
      const auto colon = hostport.rfind(':');
      m_impl->proxy =
          std::make_unique<TcpProxy>(port, hostport.substr(0, colon), std::stoi(hostport.substr(colon + 1)));
    }
  }
}

Sandbox::~Sandbox() {
  m_impl->control.reset();
  if (m_impl->state_published) {
    remove_state(static_cast<long>(::getpid()));
  }
  m_impl->state_lock.reset();  // only after the state file is gone
}

std::string Sandbox::bootstrap() const {
  if (m_impl->proxy) {
    return "127.0.0.1:" + std::to_string(m_impl->proxy->port());
  }
  return m_impl->cluster->bootstraps();
}

bool Sandbox::fell_back_to_ephemeral() const {
  return m_impl->fell_back;
}

std::string Sandbox::execute(std::string_view command) {
  const auto words = split_words(command);
  std::lock_guard lock(m_impl->mutex);
  auto& cluster = *m_impl->cluster;
  const auto need = [&](size_t n, const char* usage) {
    if (words.size() != n) {
      throw UsageError(std::string("usage: ") + usage);
    }
  };
  if (words.empty()) {
    throw UsageError("empty command", "commands: status, down, up, rtt, fail, clear, topic, leader");
  }
  const std::string& verb = words[0];
  if (verb == "status") {
    return "bootstrap=" + bootstrap() + " brokers=" + std::to_string(cluster.broker_count()) +
           " mock=" + cluster.bootstraps();
  }
  if (verb == "down" || verb == "up") {
    need(2, "down|up BROKER_ID");
    cluster.set_broker_down(parse_int(words[1], "broker id"), verb == "down");
    return "broker " + words[1] + " " + verb;
  }
  if (verb == "rtt") {
    need(3, "rtt BROKER_ID MILLISECONDS");
    cluster.set_rtt(parse_int(words[1], "broker id"), parse_int(words[2], "latency"));
    return "broker " + words[1] + " rtt " + words[2] + " ms";
  }
  if (verb == "fail") {
    need(4, "fail REQUEST_KIND COUNT ERROR_NAME");
    const auto api = kafka::api_key_from_name(words[1]);
    const int count = parse_int(words[2], "count");
    if (count < 1 || count > 1000000) {
      throw UsageError("count must be between 1 and 1000000");
    }
    cluster.fail_requests(api, static_cast<size_t>(count), words[3]);
    return "next " + words[2] + " " + words[1] + " requests fail with " + words[3];
  }
  if (verb == "clear") {
    need(2, "clear REQUEST_KIND");
    cluster.clear_request_errors(kafka::api_key_from_name(words[1]));
    return "cleared " + words[1];
  }
  if (verb == "leader") {
    need(4, "leader TOPIC PARTITION BROKER_ID|none");
    // "none" because a bare -1 reads as an option on the command line.
    const int leader = words[3] == "none" ? -1 : parse_int(words[3], "broker id");
    cluster.set_partition_leader(words[1], parse_int(words[2], "partition"), leader);
    return words[1] + "[" + words[2] + "] leader " + words[3];
  }
  if (verb == "topic") {
    need(3, "topic NAME PARTITIONS");
    if (!is_legal_topic_name(words[1])) {
      throw UsageError("'" + words[1] + "' is not a legal topic name",
                       "use 1 to 249 letters, digits, '.', '_' or '-', as Kafka does");
    }
    const int partitions = parse_int(words[2], "partition count");
    if (partitions < 1 || partitions > k_max_partitions) {
      throw UsageError("partition count must be between 1 and " + std::to_string(k_max_partitions));
    }
    cluster.create_topic(words[1], partitions);
    return "created topic " + words[1];
  }
  throw UsageError("unknown sandbox command '" + verb + "'",
                   "commands: status, down, up, rtt, fail, clear, topic, leader");
}

bool Sandbox::publish_state(const std::string& socket_path) {
  m_impl->control = std::make_unique<ControlServer>(
      socket_path, [this](std::string_view command) { return execute(command); });
  m_impl->state_lock = std::make_unique<StateLock>();
  if (!m_impl->state_lock->owns()) {
    return false;
  }
  write_state({static_cast<long>(::getpid()), bootstrap(), socket_path});
  m_impl->state_published = true;
  return true;
}

}  // namespace evt::sandbox
