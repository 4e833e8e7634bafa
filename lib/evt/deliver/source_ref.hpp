#pragma once
// Where a produced record came from, carried in its delivery token: an input
// file and line for publish, a source partition and offset for the copy
// engines. The caller numbers its sources (files, or partitions it reads).

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace evt::deliver {

// A source (index chosen by the caller) and a position in it (line, offset).
struct SourceRef {
  uint32_t source = 0;
  int64_t position = 0;
  friend bool operator==(const SourceRef&, const SourceRef&) = default;
};

// Packs source references into 64-bit delivery tokens and back. The usual
// case needs no table (23 bits of source, 40 bits of position); a reference
// outside that range is kept in a side table until its token is released.
class TokenMap {
 public:
  // The token for `ref`.
  uint64_t token(SourceRef ref);
  // The reference of a token handed out by token(); forgets side-table
  // entries (each token gets exactly one report).
  SourceRef release(uint64_t token);
  // References kept in the side table (out-of-range ones in flight).
  size_t side_entries() const noexcept { return m_side.size(); }

 private:
  std::unordered_map<uint64_t, SourceRef> m_side;
  uint64_t m_next_side = 0;
};

}  // namespace evt::deliver
