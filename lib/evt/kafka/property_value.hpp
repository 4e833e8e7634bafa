#pragma once
// Reading back a numeric librdkafka property the way the client will use
// it (for limits evt must know in advance: session timeout, message size).

#include "evt/kafka/client_config.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace evt::kafka {

// The last value of `key` in the config's properties when it is a positive
// decimal integer (later entries win, as in librdkafka); nullopt otherwise.
std::optional<uint64_t> positive_property(const ClientConfig& config, std::string_view key);

}  // namespace evt::kafka
