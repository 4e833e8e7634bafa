#include "evt/publish/partition_of.hpp"

#include "evt/codec/murmur2.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace evt::publish {

std::vector<KeyPartition> partitions_of(const std::vector<std::string>& keys, int partitions) {
  std::vector<KeyPartition> rows;
  rows.reserve(keys.size());
  for (const auto& key : keys) {
    rows.push_back({key, codec::murmur2_partition(key, partitions), codec::murmur2(key)});
  }
  return rows;
}

std::string render_partitions_text(const std::vector<KeyPartition>& rows) {
  std::string text;
  for (const auto& r : rows) {
    text += std::to_string(r.partition) + "\n";
  }
  return text;
}

std::string render_partitions_json(const std::vector<KeyPartition>& rows) {
  nlohmann::json array = nlohmann::json::array();
  for (const auto& r : rows) {
    char hash[16];
    std::snprintf(hash, sizeof hash, "0x%08x", r.murmur2);
    array.push_back({{"key", r.key}, {"partition", r.partition}, {"murmur2", hash}});
  }
  // Keys are user bytes: invalid UTF-8 becomes U+FFFD rather than an exception.
  return array.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace evt::publish
