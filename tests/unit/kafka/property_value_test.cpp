#include "evt/kafka/property_value.hpp"

#include <doctest/doctest.h>

using evt::kafka::positive_property;

TEST_CASE("kafka: a numeric property as the client will use it") {
  evt::kafka::ClientConfig c;
  CHECK_FALSE(positive_property(c, "message.max.bytes").has_value());
  c.properties = {{"message.max.bytes", "2000000"}, {"linger.ms", "5"}};
  CHECK(positive_property(c, "message.max.bytes") == 2000000u);
  c.properties.push_back({"message.max.bytes", "3000000"});  // the last one wins
  CHECK(positive_property(c, "message.max.bytes") == 3000000u);
  for (const char* bad : {"big", "", "0", "-5", "12x"}) {  // not a limit: the last valid one stays
    c.properties.push_back({"message.max.bytes", bad});
    CHECK(positive_property(c, "message.max.bytes") == 3000000u);
  }
  CHECK_FALSE(positive_property(c, "message.max").has_value());
}
