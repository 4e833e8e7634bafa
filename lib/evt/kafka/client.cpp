#include "evt/kafka/client.hpp"

#include "evt/kafka/handle.hpp"

namespace evt::kafka {

Client::Core::Core(const ClientConfig& c) : config(c) {
  rk = make_handle(RD_KAFKA_CONSUMER, make_conf(config, state));
}

Client::Client(const ClientConfig& config) : m_core(std::make_shared<Core>(config)) {}

const ClientConfig& Client::config() const {
  return m_core->config;
}

}  // namespace evt::kafka
