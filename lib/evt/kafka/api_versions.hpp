#pragma once
// A direct ApiVersions request (Kafka protocol, version 0) to one broker:
// librdkafka 2.0.2 does not expose which requests a broker supports, and
// an admin request a broker does not handle is only noticed at the timeout.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace evt::kafka {

// The ApiKey numbers the broker lists in its ApiVersions response, or
// nullopt when the first of `brokers` ("host:port,…") cannot be asked
// within `timeout_ms` (not reachable, not Kafka). Honours Ctrl-C.
std::optional<std::vector<int16_t>> broker_api_keys(const std::string& brokers, int timeout_ms);

// Parses an ApiVersions v0 response body (after the length prefix);
// nullopt when it is malformed or carries an error code.
std::optional<std::vector<int16_t>> parse_api_versions_v0(const std::string& body, int32_t correlation_id);

// The ApiKey of CreateTopics.
inline constexpr int16_t k_api_create_topics = 19;

}  // namespace evt::kafka
