#include "evt/consume/outputs.hpp"

#include <doctest/doctest.h>

using namespace evt;
using namespace evt::consume;

namespace {

Record input_with(std::vector<Header> headers) {
  Record r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 7;
  r.key = "c-1";
  r.value = R"({"id":1})";
  r.headers = std::move(headers);
  return r;
}

std::optional<std::string> header(const Record& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.key == name) {
      return h.value;
    }
  }
  return std::nullopt;
}

const std::string k_tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

}  // namespace

TEST_CASE("--to outputs: JSON values keep the input's key; record lines bring their own") {
  const auto in = input_with({{"ce_id", "e-1"}});
  const auto out = handler_outputs(
      "{\"paid\":1}\n\n  "
      "\n[1,2]\r\n{\"key\":\"k2\",\"value\":\"v\",\"headers\":[{\"key\":\"h\",\"value\":\"x\"}]}",
      in, "payments");
  REQUIRE(out.size() == 3);
  CHECK(out[0].topic == "payments");
  CHECK(out[0].partition == -1);
  CHECK(out[0].key == std::optional<std::string>("c-1"));
  CHECK(out[0].value == std::optional<std::string>(R"({"paid":1})"));
  CHECK(out[1].value == std::optional<std::string>("[1,2]"));
  CHECK(out[2].key == std::optional<std::string>("k2"));
  CHECK(out[2].value == std::optional<std::string>("v"));
  CHECK(header(out[2], "h") == std::optional<std::string>("x"));
  // The correlation id is the input's CloudEvents id when it has no other.
  CHECK(header(out[0], "ce_correlationid") == std::optional<std::string>("e-1"));
  CHECK_THROWS_AS(handler_outputs("ok\n", in, "payments"), OutputError);
  CHECK(handler_outputs("", in, "payments").empty());
}

TEST_CASE("--to outputs: correlation id and a child traceparent") {
  const auto in = input_with({{"ce_id", "e-1"}, {"ce_correlationid", "corr"}, {"traceparent", k_tp}});
  Record out;
  propagate_context(out, in);
  CHECK(header(out, "ce_correlationid") == std::optional<std::string>("corr"));
  const auto tp = header(out, "traceparent");
  REQUIRE(tp);
  CHECK(tp->size() == k_tp.size());
  CHECK(tp->substr(0, 36) == k_tp.substr(0, 36));  // version and trace id
  CHECK(tp->substr(52) == k_tp.substr(52));        // flags
  CHECK(tp->substr(36, 16) != k_tp.substr(36, 16));
  CHECK_FALSE(header(out, "ce_traceparent"));
  // What the handler set itself is kept.
  Record own;
  own.headers = {{"ce_correlationid", "mine"}, {"traceparent", "x"}};
  propagate_context(own, in);
  CHECK(own.headers.size() == 2);
  CHECK(header(own, "ce_correlationid") == std::optional<std::string>("mine"));
  // An invalid input traceparent is not propagated.
  Record none;
  propagate_context(none, input_with({{"traceparent", "00-0-0-01"}}));
  CHECK(none.headers.empty());
}

TEST_CASE("--to outputs: a structured CloudEvent input's id and traceparent") {
  Record in = input_with({{"content-type", "application/cloudevents+json; charset=UTF-8"}});
  in.value = R"({"specversion":"1.0","id":"s-9","type":"t","source":"/s","traceparent":")" + k_tp + R"("})";
  Record out;
  propagate_context(out, in);
  CHECK(header(out, "ce_correlationid") == std::optional<std::string>("s-9"));
  const auto tp = header(out, "ce_traceparent");
  REQUIRE(tp);
  CHECK(tp->substr(0, 36) == k_tp.substr(0, 36));
}
