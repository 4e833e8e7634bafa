#pragma once
// Kafka's Java-client partitioning hash, so `evt partition-of` and the tests
// can tell where a keyed record lands (librdkafka's murmur2_random agrees).

#include <cstdint>
#include <string_view>

namespace evt::codec {

// murmur2 of the key bytes as Kafka's Utils.murmur2 computes it (seed 0x9747b28c).
uint32_t murmur2(std::string_view key);

// The partition a Java producer (and librdkafka's murmur2_random) picks for
// a non-null key: (murmur2(key) & 0x7fffffff) % partitions. partitions > 0.
int32_t murmur2_partition(std::string_view key, int32_t partitions);

}  // namespace evt::codec
