#include "evt/replay/redact.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::replay;

TEST_CASE("redact: HMAC-SHA256 matches RFC 4231") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("redact: paths") {
  CHECK(parse_redact_path("key").kind == RedactPath::Kind::key);
  const auto h = parse_redact_path("header:email");
  CHECK(h.kind == RedactPath::Kind::header);
  CHECK(h.header == "email");
  const auto v = parse_redact_path("card.number");
  CHECK(v.kind == RedactPath::Kind::value);
  CHECK(v.steps == std::vector<std::string>{"card", "number"});
  for (const char* bad : {"", ".a", "a.", "a..b", "header:"}) {
    CHECK_THROWS_AS(parse_redact_path(bad), evt::UsageError);
  }
}

TEST_CASE("redact: exactly the named fields, same key same output") {
  evt::Record r;
  r.key = "customer-7";
  r.value = R"({"card":{"number":"4111111111111111","exp":"12/30"},"amount":12,"email":"a@b.c"})";
  r.headers = {{"email", "a@b.c"}, {"trace", "t1"}, {"email", std::nullopt}};
  Redactor red({parse_redact_path("card.number"), parse_redact_path("amount"), parse_redact_path("key"),
                parse_redact_path("header:email"), parse_redact_path("missing.path")},
               "k1");
  auto a = r;
  CHECK(red.apply(a) == 4);
  const auto num = hmac_sha256_hex("k1", "4111111111111111");
  const auto amount = hmac_sha256_hex("k1", "12");
  CHECK(*a.value ==
        R"({"amount":")" + amount + R"(","card":{"exp":"12/30","number":")" + num + R"("},"email":"a@b.c"})");
  CHECK(*a.key == hmac_sha256_hex("k1", "customer-7"));
  CHECK(a.headers[0].value == hmac_sha256_hex("k1", "a@b.c"));
  CHECK(a.headers[1].value == "t1");
  CHECK_FALSE(a.headers[2].value.has_value());
  auto b = r;
  red.apply(b);
  CHECK(a == b);
  Redactor other({parse_redact_path("key")}, "k2");
  auto c = r;
  other.apply(c);
  CHECK(*c.key != *a.key);
}

TEST_CASE("redact: values that are not JSON stay; a key is required") {
  evt::Record r;
  r.value = "not json";
  Redactor red({parse_redact_path("a")}, "k");
  CHECK(red.apply(r) == 0);
  CHECK(*r.value == "not json");
  CHECK_THROWS_AS(Redactor({parse_redact_path("a")}, ""), evt::UsageError);
}
