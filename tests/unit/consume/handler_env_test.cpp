#include "evt/consume/handler_env.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

using evt::Record;
using evt::consume::handler_environment;
using evt::consume::HandlerContext;
using evt::consume::inherited_environment;

namespace {

std::map<std::string, std::string> as_map(const std::vector<std::string>& env) {
  std::map<std::string, std::string> m;
  for (const auto& e : env) {
    const auto eq = e.find('=');
    REQUIRE(eq != std::string::npos);
    CHECK(m.count(e.substr(0, eq)) == 0);  // no duplicates
    m[e.substr(0, eq)] = e.substr(eq + 1);
  }
  return m;
}

Record sample() {
  Record r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 41;
  r.timestamp = 1763900000123;
  r.timestamp_type = evt::TimestampType::create_time;
  r.key = "c-1";
  r.value = "{\"id\":1}";
  return r;
}

}  // namespace

TEST_CASE("handler env: metadata of a plain record") {
  const char* parent[] = {"PATH=/bin", "EVT_KEY=stale", "CE_ID=stale", "EVT_BROKERS=b:1", "HOME=/h", nullptr};
  const auto base = inherited_environment(parent);
  CHECK(base == std::vector<std::string>{"PATH=/bin", "EVT_BROKERS=b:1", "HOME=/h"});
  auto r = sample();
  r.headers = {{"trace", std::string("x")}, {"n", std::nullopt}};
  const auto env = as_map(handler_environment(base, r, HandlerContext{"g1", 2, 4}));
  CHECK(env.at("PATH") == "/bin");
  CHECK(env.at("EVT_BROKERS") == "b:1");
  CHECK(env.at("EVT_TOPIC") == "orders");
  CHECK(env.at("EVT_PARTITION") == "2");
  CHECK(env.at("EVT_OFFSET") == "41");
  CHECK(env.at("EVT_KEY") == "c-1");
  CHECK(env.count("EVT_KEY_BASE64") == 0);
  CHECK(env.at("EVT_TIMESTAMP") == "1763900000123");
  CHECK(env.at("EVT_TIMESTAMP_TYPE") == "create");
  CHECK(env.at("EVT_HEADERS") == R"([{"key":"trace","value":"x"},{"key":"n","value":null}])");
  CHECK(env.at("EVT_GROUP") == "g1");
  CHECK(env.at("EVT_ATTEMPT") == "2");
  CHECK(env.at("EVT_MAX_ATTEMPTS") == "4");
  CHECK(env.count("CE_ID") == 0);  // the stale one is gone
}

TEST_CASE("handler env: binary keys go base64, null keys and missing timestamps are absent") {
  auto r = sample();
  r.key = std::string("\xff\x00k", 3);
  r.headers = {{"bin", std::string("\xff")}};
  auto env = as_map(handler_environment({}, r, {}));
  CHECK(env.count("EVT_KEY") == 0);
  CHECK(env.at("EVT_KEY_BASE64") == "/wBr");
  CHECK(env.at("EVT_HEADERS") == R"([{"key":"bin","value_base64":"/w=="}])");
  r.key = std::string("a\0b", 3);  // valid UTF-8 but NUL cannot be in the environment
  CHECK(as_map(handler_environment({}, r, {})).at("EVT_KEY_BASE64") == "YQBi");
  r.key.reset();
  r.timestamp = -1;
  env = as_map(handler_environment({}, r, {}));
  CHECK(env.count("EVT_KEY") == 0);
  CHECK(env.count("EVT_KEY_BASE64") == 0);
  CHECK(env.count("EVT_TIMESTAMP") == 0);
  CHECK(env.count("EVT_GROUP") == 0);
}

TEST_CASE("handler env: CloudEvents attributes from binary-mode headers") {
  auto r = sample();
  r.headers = {{"ce_id", std::string("e-1")},
               {"ce_type", std::string("OrderPlaced")},
               {"ce_specversion", std::string("1.0")},
               {"ce_traceparent", std::string("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")},
               {"content-type", std::string("application/json")},
               {"ce_Bad-Name", std::string("x")},
               {"ce_nul", std::string("a\0b", 3)}};
  const auto env = as_map(handler_environment({}, r, {}));
  CHECK(env.at("CE_ID") == "e-1");
  CHECK(env.at("CE_TYPE") == "OrderPlaced");
  CHECK(env.at("CE_SPECVERSION") == "1.0");
  CHECK(env.at("CE_TRACEPARENT") == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  CHECK(env.at("CE_DATACONTENTTYPE") == "application/json");
  CHECK(std::none_of(env.begin(), env.end(), [](const auto& kv) { return kv.first.starts_with("CE_BAD"); }));
  CHECK(env.count("CE_NUL") == 0);
}

TEST_CASE("handler env: CloudEvents attributes from a structured-mode value") {
  auto r = sample();
  r.headers = {{"content-type", std::string("application/cloudevents+json; charset=UTF-8")}};
  r.value =
      R"({"specversion":"1.0","id":"e-2","type":"PaymentAuthorized","source":"/pay","seq":7,"data":{"x":1}})";
  const auto env = as_map(handler_environment({}, r, {}));
  CHECK(env.at("CE_ID") == "e-2");
  CHECK(env.at("CE_TYPE") == "PaymentAuthorized");
  CHECK(env.at("CE_SOURCE") == "/pay");
  CHECK(env.at("CE_SEQ") == "7");
  CHECK(env.count("CE_DATA") == 0);
  CHECK(env.count("CE_DATACONTENTTYPE") == 0);
  r.value = "not json";
  CHECK(as_map(handler_environment({}, r, {})).count("CE_ID") == 0);
}
