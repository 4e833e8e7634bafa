#include "evt/ascii.hpp"

#include <doctest/doctest.h>

TEST_CASE("ascii: lower-casing leaves non-ASCII bytes alone") {
  CHECK(evt::ascii_lower("Earliest-AT") == "earliest-at");
  CHECK(evt::ascii_lower("\xc3\x89T\xc3\xa9") == "\xc3\x89t\xc3\xa9");
  CHECK(evt::ascii_lower('Z') == 'z');
  CHECK(evt::ascii_lower('[') == '[');
  CHECK(evt::ascii_lower('@') == '@');
}

TEST_CASE("ascii: case-insensitive equality and prefix") {
  CHECK(evt::ascii_iequals("CreateTopics", "createtopics"));
  CHECK_FALSE(evt::ascii_iequals("CreateTopics", "createtopic"));
  CHECK_FALSE(evt::ascii_iequals("a[", "A{"));
  CHECK(evt::ascii_istarts_with("Application/CloudEvents+json", "application/cloudevents"));
  CHECK_FALSE(evt::ascii_istarts_with("application/json", "application/cloudevents"));
  CHECK_FALSE(evt::ascii_istarts_with("app", "application"));
}
