#include "evt/dlq/normalise.hpp"

#include <doctest/doctest.h>

using evt::dlq::normalise_message;

TEST_CASE("normalise: numbers, uuids, hex ids and quoted values are masked") {
  CHECK(normalise_message("Order 42 not found") == "Order <n> not found");
  CHECK(normalise_message("Timeout after 30000ms on attempt 3") == "Timeout after <n>ms on attempt <n>");
  CHECK(normalise_message("price 12.50 too low") == "price <n> too low");
  CHECK(normalise_message("id 123e4567-e89b-12d3-a456-426614174000 missing") == "id <uuid> missing");
  CHECK(normalise_message("object 0x7ffee3b8 freed; commit deadbeef42 bad") ==
        "object <hex> freed; commit <hex> bad");
  CHECK(normalise_message("user 'alice' and \"bob\" and `carol`") == "user <q> and <q> and <q>");
  CHECK(normalise_message("it's open") == "it's open");
  CHECK(normalise_message("  a \n\t b  ") == "a b");
  CHECK(normalise_message("decaf cafe") == "decaf cafe");  // words, not ids
  CHECK(normalise_message("") == "");
}

TEST_CASE("normalise: similar failures group together; long input is cut") {
  CHECK(normalise_message("Order 42 for 'acme' failed") == normalise_message("Order 7 for 'globex' failed"));
  const std::string big(100000, '7');
  const auto n = normalise_message(big);
  CHECK(n == "<n>…");
  const std::string quotes(2000, '\'');
  CHECK(normalise_message(quotes).size() < 2000);
}
