#include "evt/codec/cloudevents.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace evt::codec;
using evt::Header;
using evt::Record;

namespace {

CloudEventAttributes sample() {
  CloudEventAttributes a;
  a.id = "id-1";
  a.source = "/orders";
  a.type = "OrderPlaced";
  a.time = "2024-05-01T12:00:00.000Z";
  a.datacontenttype = "application/json";
  return a;
}

std::optional<std::string> header(const Record& r, const std::string& key) {
  for (const auto& h : r.headers) {
    if (h.key == key) {
      return h.value;
    }
  }
  return std::nullopt;
}

size_t header_count(const Record& r, const std::string& key) {
  size_t n = 0;
  for (const auto& h : r.headers) {
    n += h.key == key ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE("uuid v4: format, version and variant, unique") {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto u = uuid_v4();
    REQUIRE(u.size() == 36);
    CHECK(u[8] == '-');
    CHECK(u[13] == '-');
    CHECK(u[18] == '-');
    CHECK(u[23] == '-');
    CHECK(u[14] == '4');
    CHECK(std::string("89ab").find(u[19]) != std::string::npos);
    seen.insert(u);
  }
  CHECK(seen.size() == 2000);
  // The in-place form replaces whatever the buffer held.
  std::string reused = "previous contents, longer than a UUID, must all be replaced";
  assign_uuid_v4(reused);
  REQUIRE(reused.size() == 36);
  CHECK(reused[14] == '4');
  CHECK(reused.find_first_not_of("0123456789abcdef-") == std::string::npos);
  CHECK(seen.count(reused) == 0);
}

TEST_CASE("RFC 3339 time in UTC with milliseconds") {
  using namespace std::chrono;
  CHECK(rfc3339_utc(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_utc(system_clock::time_point{milliseconds(1700000000123)}) == "2023-11-14T22:13:20.123Z");
  CHECK(rfc3339_utc(system_clock::time_point{milliseconds(951782400000)}) == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("traceparent validation and generation") {
  CHECK(is_valid_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  CHECK(is_valid_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"));
  CHECK_FALSE(is_valid_traceparent("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"));  // upper case
  CHECK_FALSE(is_valid_traceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01"));  // zero trace
  CHECK_FALSE(
      is_valid_traceparent("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"));  // zero parent
  CHECK_FALSE(is_valid_traceparent("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));  // version ff
  CHECK_FALSE(is_valid_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"));     // no flags
  CHECK_FALSE(is_valid_traceparent("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
  CHECK_FALSE(is_valid_traceparent("00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01"));  // not hex
  CHECK_FALSE(is_valid_traceparent(""));
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto t = new_traceparent();
    CHECK(is_valid_traceparent(t));
    seen.insert(t);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("extension attribute names") {
  CHECK(is_valid_extension_name("traceparent"));
  CHECK(is_valid_extension_name("correlationid"));
  CHECK(is_valid_extension_name("a1"));
  CHECK_FALSE(is_valid_extension_name(""));
  CHECK_FALSE(is_valid_extension_name("Trace"));
  CHECK_FALSE(is_valid_extension_name("trace_parent"));
  CHECK_FALSE(is_valid_extension_name("abcdefghijklmnopqrstu"));  // 21 characters
}

TEST_CASE("binary envelope: ce_ headers and content-type, replacing old ones") {
  Record r;
  r.value = "{\"id\":1}";
  r.headers.push_back(Header{"ce_type", std::string("Old")});
  r.headers.push_back(Header{"keep", std::string("me")});
  auto a = sample();
  a.subject = "order-1";
  a.dataschema = "https://example.com/order.json";
  a.extensions.emplace_back("correlationid", "c-9");
  apply_binary_envelope(r, a);
  CHECK(r.value == "{\"id\":1}");  // binary mode leaves the data alone
  CHECK(header(r, "ce_specversion") == "1.0");
  CHECK(header(r, "ce_id") == "id-1");
  CHECK(header(r, "ce_source") == "/orders");
  CHECK(header(r, "ce_type") == "OrderPlaced");
  CHECK(header_count(r, "ce_type") == 1);
  CHECK(header(r, "ce_time") == "2024-05-01T12:00:00.000Z");
  CHECK(header(r, "ce_subject") == "order-1");
  CHECK(header(r, "ce_dataschema") == "https://example.com/order.json");
  CHECK(header(r, "ce_correlationid") == "c-9");
  CHECK(header(r, "content-type") == "application/json");
  CHECK(header(r, "keep") == "me");
}

TEST_CASE("binary envelope with spare headers: the same headers, in the same order") {
  auto a = sample();
  a.extensions.emplace_back("correlationid", "c-9");
  Record plain;
  plain.value = "x";
  plain.headers.push_back(Header{"ce_id", std::string("old")});
  plain.headers.push_back(Header{"keep", std::nullopt});
  Record reused = plain;
  // Spare headers of an earlier record: other names, a null value, long strings.
  std::vector<Header> spare = {Header{"old-key-longer-than-sso", std::nullopt},
                               Header{"k", std::string(100, 'v')}, Header{"ce_type", std::string("Old")}};
  apply_binary_envelope(plain, a);
  apply_binary_envelope(reused, a, &spare);
  CHECK(reused == plain);
  CHECK(spare.empty());  // three taken, the rest built fresh
  CHECK(reused.headers.size() == 8);
  CHECK(reused.headers[0].key == "keep");
  CHECK_FALSE(reused.headers[0].value);
}

namespace {

// A record with value "x" enveloped over `spare` (rewritten in place and
// taken whole: nothing may be left of it).
Record enveloped_over(const CloudEventAttributes& a, std::vector<Header> spare) {
  Record r;
  r.value = "x";
  apply_binary_envelope(r, a, &spare);
  CHECK(spare.empty());
  return r;
}

}  // namespace

TEST_CASE("binary envelope on a record without headers: spare headers rewritten in place") {
  auto a = sample();
  a.extensions.emplace_back("correlationid", "c-9");
  Record plain;
  plain.value = "x";
  apply_binary_envelope(plain, a);
  SUBCASE("an earlier record's envelope, other values") {
    auto earlier = sample();
    earlier.id = "another-id-longer-than-the-small-string-buffer";
    earlier.type = "Other";
    Record before;
    apply_binary_envelope(before, earlier);
    CHECK(enveloped_over(a, before.headers) == plain);  // one header fewer (no extension)
  }
  SUBCASE("values of the same length that differ in one byte, at every length") {
    // Texts of 1 to 40 bytes differing in their first, middle or last byte.
    for (size_t n = 1; n <= 40; ++n) {
      for (const size_t at : {size_t{0}, n / 2, n - 1}) {
        auto now = sample();
        now.type = std::string(n, 't');
        now.source = "/" + std::string(n, 's');
        auto earlier = now;
        earlier.type[at] = 'x';
        earlier.source[at + 1 > n ? n : at + 1] = 'x';
        Record before;
        apply_binary_envelope(before, earlier);
        Record fresh;
        fresh.value = "x";
        apply_binary_envelope(fresh, now);
        REQUIRE(enveloped_over(now, before.headers) == fresh);
      }
    }
  }
  SUBCASE("more spare headers than the envelope has, other names, null values") {
    std::vector<Header> spare;
    for (int i = 0; i < 12; ++i) {
      spare.push_back(
          Header{"k" + std::to_string(i), i % 2 ? std::nullopt : std::optional<std::string>("v")});
    }
    CHECK(enveloped_over(a, std::move(spare)) == plain);
  }
}

TEST_CASE("content type for data: constants") {
  CHECK(content_type_for(std::string_view("1"), true) == "application/json");
  CHECK(content_type_for(std::string_view(""), false) == "text/plain; charset=utf-8");
}

TEST_CASE("binary envelope leaves out empty optional attributes") {
  Record r;
  r.value = "x";
  auto a = sample();
  a.time.clear();
  a.datacontenttype.clear();
  apply_binary_envelope(r, a);
  CHECK(r.headers.size() == 4);
  CHECK_FALSE(header(r, "ce_subject"));
  CHECK_FALSE(header(r, "content-type"));
}

TEST_CASE("structured envelope: JSON data embedded, text as string, bytes as base64") {
  const auto a = sample();
  SUBCASE("json data") {
    std::string out;
    append_structured_event(out, a, std::string_view("{\"id\":1}"), true);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["specversion"] == "1.0");
    CHECK(j["id"] == "id-1");
    CHECK(j["source"] == "/orders");
    CHECK(j["type"] == "OrderPlaced");
    CHECK(j["time"] == "2024-05-01T12:00:00.000Z");
    CHECK(j["datacontenttype"] == "application/json");
    CHECK(j["data"] == nlohmann::json{{"id", 1}});
    CHECK_FALSE(j.contains("subject"));
  }
  SUBCASE("text data") {
    auto text = a;
    text.datacontenttype = "text/plain; charset=utf-8";
    std::string out;
    append_structured_event(out, text, std::string_view("hello \"you\""), false);
    CHECK(nlohmann::json::parse(out)["data"] == "hello \"you\"");
  }
  SUBCASE("text data under a JSON content type goes as data_base64, never as a JSON string") {
    // The SDK reads "datacontenttype":"application/json","data":"hello" as
    // JSON data and rejects it.
    std::string out;
    append_structured_event(out, a, std::string_view("hello"), false);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["data_base64"] == "aGVsbG8=");
    CHECK_FALSE(j.contains("data"));
  }
  SUBCASE("binary data") {
    std::string out;
    append_structured_event(out, a, std::string_view("\xff\x00", 2), false);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["data_base64"] == "/wA=");
    CHECK_FALSE(j.contains("data"));
  }
  SUBCASE("no data") {
    std::string out;
    append_structured_event(out, a, std::nullopt, false);
    CHECK_FALSE(nlohmann::json::parse(out).contains("data"));
  }
  SUBCASE("extensions and attribute escaping") {
    auto b = a;
    b.subject = "quote \" and \n newline";
    b.extensions.emplace_back("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    std::string out;
    append_structured_event(out, b, std::string_view("1"), true);
    const auto j = nlohmann::json::parse(out);
    CHECK(j["subject"] == "quote \" and \n newline");
    CHECK(j["traceparent"] == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    CHECK(j["data"] == 1);
  }
}

TEST_CASE("structured envelope replaces the value and sets the content type") {
  Record r;
  r.value = "{\"a\":[1,2]}";
  r.headers.push_back(Header{"content-type", std::string("text/plain")});
  apply_structured_envelope(r, sample(), true);
  REQUIRE(r.value);
  const auto j = nlohmann::json::parse(*r.value);
  CHECK(j["data"]["a"][1] == 2);
  CHECK(r.headers.size() == 1);
  CHECK(header(r, "content-type") == std::string(k_structured_content_type));
  Record tombstone;
  apply_structured_envelope(tombstone, sample(), true);
  REQUIRE(tombstone.value);
  CHECK_FALSE(nlohmann::json::parse(*tombstone.value).contains("data"));
}

TEST_CASE("content type from the data") {
  CHECK(content_type_for(std::string_view("{\"a\":1}"), true) == "application/json");
  CHECK(content_type_for(std::string_view("not json"), false) == "text/plain; charset=utf-8");
  CHECK(content_type_for(std::string_view("\xff\x00", 2), false) == "application/octet-stream");
  CHECK(content_type_for(std::nullopt, false).empty());
  CHECK(is_json_media_type("application/json"));
  CHECK(is_json_media_type("Application/JSON; charset=utf-8"));
  CHECK(is_json_media_type("application/cloudevents+json"));
  CHECK_FALSE(is_json_media_type("text/plain"));
  CHECK_FALSE(is_json_media_type("application/jsonx"));
}

TEST_CASE("URI-references") {
  for (const char* ok :
       {"/orders", "https://example.com/a?b=c#d", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "mailto:a@b.c", "orders", "./a/b:c", "a%20b", "", "//host/path", "tag:x,2024:y"}) {
    INFO(ok);
    CHECK(is_uri_reference(ok));
  }
  for (const char* bad : {"not a uri % with spaces", "a b", "%zz", "%4", "1abc:def", ":x", "caf\xc3\xa9",
                          "a\"b", "<x>", "a\\b", "{x}", "a|b", "a^b", "`x`", "a\x7f", "a\tb", "\xff"}) {
    INFO(bad);
    CHECK_FALSE(is_uri_reference(bad));
  }
}

TEST_CASE("required attributes are checked before sending, naming the attribute") {
  auto a = sample();
  CHECK_FALSE(invalid_attribute(a, true, true));
  CHECK_FALSE(invalid_attribute(a, false, false));
  auto check = [&](CloudEventAttributes b, bool has_data, bool is_json) {
    const auto why = invalid_attribute(b, has_data, is_json);
    REQUIRE(why);
    return *why;
  };
  auto b = a;
  b.source = "not a uri % with spaces";
  CHECK(check(b, true, true).starts_with("CloudEvents attribute 'source' is not a URI-reference: "));
  b = a;
  b.source.clear();
  CHECK(check(b, true, true) == "CloudEvents attribute 'source' is empty");
  b = a;
  b.id.clear();
  CHECK(check(b, true, true) == "CloudEvents attribute 'id' is empty");
  b = a;
  b.type.clear();
  CHECK(check(b, true, true) == "CloudEvents attribute 'type' is empty");
  b = a;
  b.specversion = "0.3";
  CHECK(check(b, true, true) == "CloudEvents attribute 'specversion' must be 1.0, not '0.3'");
  b = a;
  b.dataschema = "has space";
  CHECK(check(b, true, true).starts_with("CloudEvents attribute 'dataschema'"));
  // A JSON content type on data that is not JSON.
  CHECK(check(a, true, false)
            .starts_with(
                "CloudEvents attribute 'datacontenttype' is application/json but the data is not JSON"));
  b = a;
  b.datacontenttype = "text/plain";
  CHECK_FALSE(invalid_attribute(b, true, false));
}
