#include "evt/kafka/property_value.hpp"

#include <charconv>

namespace evt::kafka {

std::optional<uint64_t> positive_property(const ClientConfig& config, std::string_view key) {
  std::optional<uint64_t> value;
  for (const auto& [k, v] : config.properties) {
    uint64_t parsed = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), parsed);
    if (k == key && ec == std::errc() && ptr == v.data() + v.size() && parsed > 0) {
      value = parsed;
    }
  }
  return value;
}

}  // namespace evt::kafka
