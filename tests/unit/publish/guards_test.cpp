#include "evt/publish/guards.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::publish;

TEST_CASE("Luhn check") {
  CHECK(luhn_valid("4111111111111111"));
  CHECK(luhn_valid("5500005555555559"));
  CHECK(luhn_valid("378282246310005"));
  CHECK(luhn_valid("79927398713"));
  CHECK_FALSE(luhn_valid("4111111111111112"));
  CHECK_FALSE(luhn_valid("79927398710"));
  CHECK_FALSE(luhn_valid(""));
  CHECK_FALSE(luhn_valid("4111-1111"));
}

TEST_CASE("card numbers are found in values, plain or grouped") {
  CHECK(find_card_number("4111111111111111") == 0u);
  CHECK(find_card_number(R"({"pan":"4111111111111111"})") == 8u);
  CHECK(find_card_number(R"({"pan":4111111111111111})") == 7u);
  CHECK(find_card_number("card 4111 1111 1111 1111 ok") == 5u);
  CHECK(find_card_number("card 4111-1111-1111-1111") == 5u);
  CHECK(find_card_number("amex 3782 822463 10005") == 5u);
  CHECK(find_card_number("x5500005555555559y") == 1u);
}

TEST_CASE("digit runs that are not card numbers pass") {
  CHECK_FALSE(find_card_number("4111111111111112"));         // fails Luhn
  CHECK_FALSE(find_card_number("411111111111"));             // 12 digits
  CHECK_FALSE(find_card_number("41111111111111111111"));     // 20 digits
  CHECK_FALSE(find_card_number("41111111111111111234"));     // a card inside a longer run
  CHECK_FALSE(find_card_number(R"({"ts":1700000000000})"));  // ms timestamp starts with 1
  CHECK_FALSE(find_card_number("0000000000000000"));         // starts with 0
  CHECK_FALSE(find_card_number("9111111111111111"));         // outside card ranges
  CHECK_FALSE(find_card_number("4111  1111 1111 1111"));     // double space splits the run
  CHECK_FALSE(find_card_number("2024-05-01 12:30:45"));
  CHECK_FALSE(find_card_number("order 2f1c6a4e-3b6d-4c1e-9f0a-1c2b3d4e5f60"));
  CHECK_FALSE(find_card_number(""));
  CHECK_FALSE(find_card_number("4111 1111 1111 111-"));
}

TEST_CASE("record size counts key, value and headers") {
  evt::Record r;
  CHECK(record_size(r) == 0);
  r.key = "abc";
  r.value = std::string(10, 'x');
  r.headers.push_back({"h1", std::string("12")});
  r.headers.push_back({"n", std::nullopt});
  CHECK(record_size(r) == 3 + 10 + 2 + 2 + 1);
}

TEST_CASE("byte sizes") {
  CHECK(parse_byte_size("1000", "--max-size") == 1000);
  CHECK(parse_byte_size("64KiB", "--max-size") == 65536);
  CHECK(parse_byte_size("64K", "--max-size") == 65536);
  CHECK(parse_byte_size("1MiB", "--max-size") == 1048576);
  CHECK(parse_byte_size("2M", "--max-size") == 2097152);
  CHECK(parse_byte_size("1G", "--max-size") == 1073741824);
  CHECK(parse_byte_size("0", "--max-size") == 0);
  CHECK_THROWS_AS(parse_byte_size("", "--max-size"), evt::UsageError);
  CHECK_THROWS_AS(parse_byte_size("MiB", "--max-size"), evt::UsageError);
  CHECK_THROWS_AS(parse_byte_size("1 MiB", "--max-size"), evt::UsageError);
  CHECK_THROWS_AS(parse_byte_size("-1", "--max-size"), evt::UsageError);
  CHECK_THROWS_AS(parse_byte_size("1T", "--max-size"), evt::UsageError);
  CHECK_THROWS_AS(parse_byte_size("99999999999999999999999", "--max-size"), evt::UsageError);
  CHECK_THROWS_WITH_AS(parse_byte_size("x", "--warn-size"), "--warn-size: 'x' is not a byte size",
                       evt::UsageError);
}

TEST_CASE("card numbers are found at every offset and grouping") {
  for (const std::string card : {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
                                 "3782 822463 10005", "5500005555555559"}) {
    for (size_t prefix = 0; prefix < 30; ++prefix) {
      for (size_t suffix : {0, 1, 13, 27}) {
        const std::string text = std::string(prefix, 'x') + card + std::string(suffix, 'y');
        CAPTURE(text);
        CHECK(find_card_number(text) == prefix);
      }
    }
  }
  // separators around a short run do not make it long enough
  CHECK_FALSE(find_card_number("- - - - - - - 4111 - - - - - - -"));
  CHECK_FALSE(find_card_number(std::string(100, ' ') + "12" + std::string(100, '-')));
}
