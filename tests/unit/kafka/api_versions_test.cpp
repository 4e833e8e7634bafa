#include "evt/kafka/api_versions.hpp"

#include <doctest/doctest.h>

using namespace evt::kafka;

namespace {

std::string be16(int v) {
  return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}
std::string be32(int v) {
  return {static_cast<char>((v >> 24) & 0xff), static_cast<char>((v >> 16) & 0xff),
          static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

}  // namespace

TEST_CASE("ApiVersions v0 responses") {
  const std::string ok =
      be32(7) + be16(0) + be32(2) + be16(0) + be16(0) + be16(9) + be16(19) + be16(0) + be16(4);
  const auto keys = parse_api_versions_v0(ok, 7);
  REQUIRE(keys);
  CHECK(*keys == std::vector<int16_t>{0, k_api_create_topics});
  CHECK_FALSE(parse_api_versions_v0(ok, 8));                                     // another request's answer
  CHECK_FALSE(parse_api_versions_v0(be32(7) + be16(35) + be32(0), 7));           // an error code
  CHECK_FALSE(parse_api_versions_v0(be32(7) + be16(0) + be32(3) + be16(0), 7));  // truncated
  CHECK_FALSE(parse_api_versions_v0(be32(7) + be16(0) + be32(-1), 7));
  CHECK_FALSE(parse_api_versions_v0("", 7));
}

TEST_CASE("ApiVersions of an address where nothing listens is unknown, not an error") {
  CHECK_FALSE(broker_api_keys("127.0.0.1:1", 500));
  CHECK_FALSE(broker_api_keys("no-port", 500));
}
