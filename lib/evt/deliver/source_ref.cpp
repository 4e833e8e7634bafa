#include "evt/deliver/source_ref.hpp"

namespace evt::deliver {
namespace {

// Packed: bit 63 clear, 23 bits of source, 40 bits of position. Side table:
// bit 63 set, a sequence number below it.
constexpr int k_position_bits = 40;
constexpr uint64_t k_position_mask = (uint64_t{1} << k_position_bits) - 1;
constexpr uint32_t k_max_packed_source = (uint32_t{1} << 23) - 1;
constexpr uint64_t k_side_bit = uint64_t{1} << 63;

}  // namespace

uint64_t TokenMap::token(SourceRef ref) {
  if (ref.source <= k_max_packed_source && ref.position >= 0 &&
      static_cast<uint64_t>(ref.position) <= k_position_mask) {
    return (static_cast<uint64_t>(ref.source) << k_position_bits) | static_cast<uint64_t>(ref.position);
  }
  const uint64_t t = k_side_bit | (m_next_side++ & ~k_side_bit);
  m_side[t] = ref;
  return t;
}

SourceRef TokenMap::release(uint64_t token) {
  if ((token & k_side_bit) == 0) {
    return SourceRef{static_cast<uint32_t>(token >> k_position_bits),
                     static_cast<int64_t>(token & k_position_mask)};
  }
  const auto it = m_side.find(token);
  if (it == m_side.end()) {
    return SourceRef{};
  }
  const SourceRef ref = it->second;
  m_side.erase(it);
  return ref;
}

}  // namespace evt::deliver
