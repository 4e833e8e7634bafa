#include "evt/codec/murmur2.hpp"

namespace evt::codec {

uint32_t murmur2(std::string_view key) {
  constexpr uint32_t k_seed = 0x9747b28cU;
  constexpr uint32_t k_m = 0x5bd1e995U;
  constexpr int k_r = 24;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const auto length = static_cast<uint32_t>(key.size());
  uint32_t h = k_seed ^ length;
  const uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; ++i) {
    // Java reads each block little-endian regardless of the host.
    const unsigned char* p = data + 4 * i;
    uint32_t k = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                 (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
    k *= k_m;
    k ^= k >> k_r;
    k *= k_m;
    h *= k_m;
    h ^= k;
  }
  const unsigned char* tail = data + 4 * blocks;
  switch (length % 4) {
    case 3:
      h ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      h ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      h ^= static_cast<uint32_t>(tail[0]);
      h *= k_m;
      break;
    default:
      break;
  }
  h ^= h >> 13;
  h *= k_m;
  h ^= h >> 15;
  return h;
}

int32_t murmur2_partition(std::string_view key, int32_t partitions) {
  // Java masks the sign bit (toPositive) rather than taking abs().
  return static_cast<int32_t>((murmur2(key) & 0x7fffffffU) % static_cast<uint32_t>(partitions));
}

}  // namespace evt::codec
