#pragma once
// `evt partition-of`: the partition a key lands on under the Java client's
// (and evt's default) murmur2 partitioner.

#include <cstdint>
#include <string>
#include <vector>

namespace evt::publish {

// Where one key lands.
struct KeyPartition {
  std::string key;
  int32_t partition = 0;
  uint32_t murmur2 = 0;  // the key's murmur2 hash (seed 0x9747b28c)
};

// The partition of each key among `partitions` (> 0), in order.
std::vector<KeyPartition> partitions_of(const std::vector<std::string>& keys, int partitions);

// One partition number per line.
std::string render_partitions_text(const std::vector<KeyPartition>& rows);

// A JSON array of {"key", "partition", "murmur2": "0x…"}, pretty-printed.
std::string render_partitions_json(const std::vector<KeyPartition>& rows);

}  // namespace evt::publish
