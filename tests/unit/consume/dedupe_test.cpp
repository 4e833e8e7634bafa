#include "evt/consume/dedupe_key.hpp"
#include "evt/consume/dedupe_store.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace evt;
using namespace evt::consume;

namespace {

Record record_with(std::optional<std::string> key, std::optional<std::string> value,
                   std::vector<Header> headers) {
  Record r;
  r.topic = "t";
  r.key = std::move(key);
  r.value = std::move(value);
  r.headers = std::move(headers);
  return r;
}

// A fresh directory under the build's temporary directory.
std::filesystem::path temp_dir(const std::string& name) {
  auto dir =
      std::filesystem::temp_directory_path() / ("evt-dedupe-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("dedupe key: ce_id from the binary header or a structured event's id") {
  const DedupeKey k("ce_id");
  CHECK(k.extract(record_with("k", "{}", {{"ce_id", "a-1"}})) == std::optional<std::string>("a-1"));
  CHECK(k.extract(record_with("k", R"({"id":"s-2","type":"x"})",
                              {{"content-type", "application/cloudevents+json; charset=UTF-8"}})) ==
        std::optional<std::string>("s-2"));
  // A plain JSON value's "id" is not a CloudEvents id.
  CHECK_FALSE(k.extract(record_with("k", R"({"id":"x"})", {})).has_value());
  CHECK_FALSE(k.extract(record_with("k", std::nullopt, {})).has_value());
}

TEST_CASE("dedupe key: key, header:NAME and json:PATH") {
  CHECK(DedupeKey("key").extract(record_with("c-1", "v", {})) == std::optional<std::string>("c-1"));
  CHECK_FALSE(DedupeKey("key").extract(record_with(std::nullopt, "v", {})).has_value());
  CHECK(DedupeKey("header:msg-id").extract(record_with("k", "v", {{"a", "1"}, {"msg-id", "m7"}})) ==
        std::optional<std::string>("m7"));
  CHECK_FALSE(
      DedupeKey("header:msg-id").extract(record_with("k", "v", {{"msg-id", std::nullopt}})).has_value());
  const DedupeKey j("json:order.id");
  CHECK(j.extract(record_with("k", R"({"order":{"id":42}})", {})) == std::optional<std::string>("42"));
  CHECK(j.extract(record_with("k", R"({"order":{"id":"o-1"}})", {})) == std::optional<std::string>("o-1"));
  CHECK_FALSE(j.extract(record_with("k", R"({"order":{"id":{"x":1}}})", {})).has_value());
  CHECK_FALSE(j.extract(record_with("k", "not json", {})).has_value());
  CHECK_THROWS_AS(DedupeKey("id"), UsageError);
  CHECK_THROWS_AS(DedupeKey("header:"), UsageError);
  CHECK_THROWS_AS(DedupeKey("json:"), UsageError);
}

TEST_CASE("dedupe window: a duration or a count") {
  CHECK(parse_dedupe_window("24h").ms == 24LL * 3600 * 1000);
  CHECK(parse_dedupe_window("24h").count == 0);
  CHECK(parse_dedupe_window("100000").count == 100000);
  CHECK(parse_dedupe_window("100000").ms == 0);
  CHECK_THROWS_AS(parse_dedupe_window("0"), UsageError);
  CHECK_THROWS_AS(parse_dedupe_window("soon"), UsageError);
  CHECK_THROWS_AS(parse_dedupe_window(""), UsageError);
}

TEST_CASE("dedupe store: default path per group, escaped") {
  ::setenv("XDG_STATE_HOME", "/state", 1);
  CHECK(default_dedupe_store_path("orders-g1") == "/state/evt/dedupe/orders-g1.sqlite");
  CHECK(default_dedupe_store_path("../x/y") == "/state/evt/dedupe/%2E.%2Fx%2Fy.sqlite");
  ::unsetenv("XDG_STATE_HOME");
}

TEST_CASE("dedupe store: ids survive reopening; a count window keeps the latest") {
  const auto dir = temp_dir("count");
  const auto path = (dir / "g.sqlite").string();
  {
    DedupeStore s(path, "g", DedupeWindow{0, 3});
    CHECK_FALSE(s.seen("a"));
    s.record("a");
    CHECK(s.seen("a"));
    s.record(std::string("b\0c", 3));
    CHECK(s.seen(std::string("b\0c", 3)));
    CHECK_FALSE(s.seen("b"));
  }
  {
    DedupeStore s(path, "g", DedupeWindow{0, 3});
    CHECK(s.seen("a"));
    s.record("d");
    s.record("e");
    s.prune();
    CHECK_FALSE(s.seen("a"));  // only the latest 3 are kept
    CHECK(s.seen("d"));
    CHECK(s.seen("e"));
  }
  // Another group's store is refused.
  CHECK_THROWS_AS(DedupeStore(path, "other", DedupeWindow{0, 3}), UsageError);
  std::filesystem::remove_all(dir);
}

TEST_CASE("dedupe store: a time window forgets old ids") {
  const auto dir = temp_dir("time");
  const auto path = (dir / "sub" / "g.sqlite").string();  // the directory is created
  DedupeStore s(path, "g", DedupeWindow{60000, 0});
  s.record("x");
  CHECK(s.seen("x"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("dedupe store: a given path's directory must exist; a damaged file says what to do") {
  const auto dir = temp_dir("given");
  const auto missing = (dir / "nope" / "g.sqlite").string();
  try {
    DedupeStore s(missing, "g", DedupeWindow{60000, 0}, false);
    FAIL("a missing directory was accepted");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) ==
          "--dedupe-store " + missing + ": the directory " + (dir / "nope").string() + " does not exist");
  }
  CHECK_FALSE(std::filesystem::exists(dir / "nope"));
  const auto bad = (dir / "bad.sqlite").string();
  {
    std::FILE* f = std::fopen(bad.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("this is not a database, just some text that is long enough to be looked at by sqlite\n", f);
    std::fclose(f);
  }
  try {
    DedupeStore s(bad, "g", DedupeWindow{60000, 0}, false);
    FAIL("a damaged store was opened");
  } catch (const RuntimeError& e) {
    CHECK(std::string(e.what()).find("dedupe store " + bad + ": ") == 0);
    CHECK(e.hint().find("Move it away (e.g. mv " + bad + " " + bad + ".bad)") != std::string::npos);
  }
  std::filesystem::remove_all(dir);
}
