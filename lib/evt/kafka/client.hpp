#pragma once
// One librdkafka client shared by Admin, Groups and Watermarks, so a command
// that needs all three (evt lag) connects to the cluster once.

#include "evt/kafka/client_config.hpp"

#include <memory>

namespace evt::kafka {

// The shared client: a consumer-type handle without a group (offsets for
// times and the admin API both work on it, and it never produces anything
// by accident). Cheap to copy; the handle lives as long as any user.
class Client {
 public:
  explicit Client(const ClientConfig& config);

  const ClientConfig& config() const;

  struct Core;  // defined in handle.hpp, for kafka/ only
  const std::shared_ptr<Core>& core() const noexcept { return m_core; }

 private:
  std::shared_ptr<Core> m_core;
};

}  // namespace evt::kafka
