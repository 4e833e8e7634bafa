#pragma once
// `--key-field data.customerId`: the Kafka key taken from a field of a JSON
// event. A leading "data." names the event's data (as in a CloudEvent) and
// is optional; numeric segments index arrays ("items.0.sku").

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evt::codec {

// A parsed dotted path that extracts a key from an event.
class KeyField {
 public:
  // Parses the path; throws UsageError for an empty path or empty segment.
  explicit KeyField(std::string_view path);

  // The key bytes: a string as is, a number or boolean as its JSON text.
  // nullopt when the field is missing, null, an object or an array; then
  // `why` says which.
  std::optional<std::string> extract(const nlohmann::json& event, std::string& why) const;

  // The path as the user wrote it.
  const std::string& path() const { return m_path; }

 private:
  std::string m_path;
  std::vector<std::string> m_segments;  // without the optional "data" prefix
};

}  // namespace evt::codec
