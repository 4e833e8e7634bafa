#include "evt/codec/murmur2.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace evt::codec;

TEST_CASE("murmur2 matches the Java client's test vectors (conventions.md)") {
  CHECK(murmur2("kafka") == 0xd067cf64U);
  CHECK(murmur2("giberish123456789") == 0x8f552b0cU);
  CHECK(murmur2("1234") == 0x9fc97b14U);
  CHECK(murmur2("") == 0x106e08d9U);
}

TEST_CASE("murmur2 handles every tail length and high bytes") {
  // Tail lengths 0..3 take different branches; bytes >= 0x80 must not be
  // sign-extended (Java masks them with & 0xff).
  const std::string high("\xff\xfe\xfd\xfc\x80", 5);
  CHECK(murmur2(high) != murmur2(std::string("\x7f\x7e\x7d\x7c\x00", 5)));
  for (size_t n = 0; n < 9; ++n) {
    CHECK(murmur2(std::string(n, 'a')) == murmur2(std::string(n, 'a')));
  }
  CHECK(murmur2(std::string("a\0b", 3)) != murmur2("ab"));
}

TEST_CASE("partition is the positive hash modulo the partition count") {
  CHECK(murmur2_partition("kafka", 1) == 0);
  CHECK(murmur2_partition("kafka", 100000000) ==
        static_cast<int32_t>((0xd067cf64U & 0x7fffffffU) % 100000000U));
  CHECK(murmur2_partition("1234", 7) == static_cast<int32_t>((0x9fc97b14U & 0x7fffffffU) % 7U));
  for (int p = 1; p < 50; ++p) {
    const auto got = murmur2_partition("giberish123456789", p);
    CHECK(got >= 0);
    CHECK(got < p);
  }
}
