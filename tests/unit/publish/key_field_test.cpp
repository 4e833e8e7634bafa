#include "evt/codec/key_field.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using evt::codec::KeyField;
using nlohmann::json;

namespace {
std::optional<std::string> key_of(const char* path, const json& event) {
  std::string why;
  return KeyField(path).extract(event, why);
}
}  // namespace

TEST_CASE("key field: dotted paths, with or without the data. prefix") {
  const auto e = json::parse(R"({"customerId":"c-1","customer":{"id":42,"vip":true,"ratio":1.5},
                                 "items":[{"sku":"A"},{"sku":"B"}],"data":{"x":"inner"}})");
  CHECK(key_of("customerId", e) == "c-1");
  CHECK(key_of("data.customerId", e) == "c-1");
  CHECK(key_of("customer.id", e) == "42");
  CHECK(key_of("data.customer.id", e) == "42");
  CHECK(key_of("customer.vip", e) == "true");
  CHECK(key_of("customer.ratio", e) == "1.5");
  CHECK(key_of("items.1.sku", e) == "B");
  // "data.x" strips the prefix; the event's own "data" member needs data.data.x
  CHECK_FALSE(key_of("data.x", e));
  CHECK(key_of("data.data.x", e) == "inner");
  // a lone "data" is a field name, not the prefix
  CHECK_FALSE(key_of("data", e));
}

TEST_CASE("key field: missing, null and non-scalar fields say why") {
  const auto e = json::parse(R"({"a":null,"o":{"p":1},"arr":[1],"s":"x"})");
  std::string why;
  CHECK_FALSE(KeyField("nope").extract(e, why));
  CHECK(why == "the event has no field nope");
  CHECK_FALSE(KeyField("a").extract(e, why));
  CHECK(why == "field a is null, not a string or number");
  CHECK_FALSE(KeyField("o").extract(e, why));
  CHECK(why == "field o is an object, not a string or number");
  CHECK_FALSE(KeyField("arr").extract(e, why));
  CHECK(why == "field arr is an array, not a string or number");
  CHECK_FALSE(KeyField("arr.5").extract(e, why));
  CHECK_FALSE(KeyField("arr.x").extract(e, why));
  CHECK_FALSE(KeyField("s.deeper").extract(e, why));
  CHECK(why == "the event has no field s.deeper");
  CHECK_FALSE(KeyField("x").extract(json::parse("[1,2]"), why));
  CHECK_FALSE(KeyField("x").extract(json::parse("\"text\""), why));
}

TEST_CASE("key field: malformed paths are usage errors") {
  CHECK_THROWS_AS(KeyField(""), evt::UsageError);
  CHECK_THROWS_AS(KeyField("a..b"), evt::UsageError);
  CHECK_THROWS_AS(KeyField(".a"), evt::UsageError);
  CHECK_THROWS_AS(KeyField("a."), evt::UsageError);
  CHECK(KeyField("data.customerId").path() == "data.customerId");
}
