#pragma once
// Decoding of the numbers dead-letter headers carry: Java's big-endian
// binary ints (Spring) and decimal text (Connect, Streams, SmallRye, evt).
// Each returns the value or a reason naming what was wrong with the bytes.

#include <cstdint>
#include <string>
#include <string_view>

namespace evt::dlq {

// A decoded number, or why the bytes are not one.
struct Decoded {
  int64_t value = 0;
  std::string problem;  // empty when value is valid
  bool ok() const { return problem.empty(); }
};

// Exactly 4 bytes, big-endian two's complement (Java's int).
Decoded big_endian_int32(std::string_view bytes);

// Exactly 8 bytes, big-endian two's complement (Java's long).
Decoded big_endian_int64(std::string_view bytes);

// 1 to 8 bytes, big-endian two's complement of minimal length (Java's
// BigInteger.toByteArray(), as Spring's retry topics write timestamps).
Decoded big_endian_minimal(std::string_view bytes);

// Decimal text: optional '-', 1-19 digits, nothing else; must fit int64.
Decoded decimal(std::string_view text);

}  // namespace evt::dlq
