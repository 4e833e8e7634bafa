#include "evt/dlq/convention.hpp"
#include "evt/dlq/headers.hpp"
#include "evt/dlq/inspect.hpp"
#include "evt/dlq/numbers.hpp"
#include "evt/dlq/render.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace evt::dlq;

namespace {

std::string be(uint64_t v, int bytes) {
  std::string s;
  for (int i = bytes - 1; i >= 0; --i) {
    s += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
  return s;
}

struct H {
  std::vector<std::pair<std::string, std::optional<std::string>>> list;
  std::vector<evt::HeaderView> views;
  H& add(std::string k, std::optional<std::string> v) {
    list.emplace_back(std::move(k), std::move(v));
    return *this;
  }
  std::span<const evt::HeaderView> span() {
    views.clear();
    for (const auto& [k, v] : list) {
      views.push_back({k, v ? std::optional<std::string_view>(*v) : std::nullopt});
    }
    return views;
  }
};

DeadLetter decode(H& h, const DecodeOptions& o = {}, std::string_view topic = "orders.DLT") {
  return decode_dead_letter(topic, h.span(), o);
}

}  // namespace

TEST_CASE("numbers: big-endian ints of exact length, minimal two's complement, decimal") {
  CHECK(big_endian_int32(be(7, 4)).value == 7);
  CHECK(big_endian_int32(be(0xFFFFFFFF, 4)).value == -1);
  CHECK(big_endian_int32(be(7, 3)).problem == "3 byte(s), expected 4 (big-endian int32)");
  CHECK(big_endian_int64(be(1763900000123ULL, 8)).value == 1763900000123LL);
  CHECK_FALSE(big_endian_int64(be(5, 4)).ok());
  CHECK(big_endian_minimal(be(0x7F, 1)).value == 127);
  CHECK(big_endian_minimal(std::string("\x80", 1)).value == -128);
  CHECK(big_endian_minimal(be(1763900000123ULL, 6)).value == 1763900000123LL);
  CHECK_FALSE(big_endian_minimal("").ok());
  CHECK_FALSE(big_endian_minimal(std::string(9, '\1')).ok());
  CHECK(decimal("-42").value == -42);
  CHECK(decimal("abc").problem == "not a decimal number");
  CHECK(decimal("12x").problem == "not a decimal number");
  CHECK(decimal(" 1").problem == "not a decimal number");
  CHECK(decimal("").problem == "empty, expected a decimal number");
  CHECK(decimal("99999999999999999999").problem == "out of range for a 64-bit number");
}

TEST_CASE("spring: binary headers; the first original-* is the origin, the last exception the newest") {
  H h;
  h.add("kafka_dlt-original-topic", "orders")
      .add("kafka_dlt-original-partition", be(3, 4))
      .add("kafka_dlt-original-offset", be(1234567890123ULL, 8))
      .add("kafka_dlt-original-timestamp", be(1763900000123ULL, 8))
      .add("kafka_dlt-original-timestamp-type", "CreateTime")
      .add("kafka_dlt-original-consumer-group", "billing")
      .add("kafka_dlt-exception-fqcn", "java.lang.IllegalStateException")
      .add("kafka_dlt-exception-message", "first")
      .add("kafka_dlt-original-topic", "orders-retry-0")
      .add("kafka_dlt-original-partition", be(1, 4))
      .add("kafka_dlt-exception-fqcn", "org.acme.OrderRejected")
      .add("kafka_dlt-exception-cause-fqcn", "java.io.IOException")
      .add("kafka_dlt-exception-message", "Order 42 rejected")
      .add("kafka_dlt-exception-stacktrace", "org.acme.OrderRejected: x\n\tat a.b(C.java:1)");
  const auto d = decode(h);
  CHECK(d.convention == Convention::spring);
  CHECK(d.convention_name == "spring");
  CHECK(d.original_topic == "orders");
  CHECK(d.original_partition == 3);
  CHECK(d.original_offset == 1234567890123LL);
  CHECK(d.original_timestamp == 1763900000123LL);
  CHECK(d.group == "billing");
  CHECK(d.exception_class == "org.acme.OrderRejected");
  CHECK(d.cause_class == "java.io.IOException");
  CHECK(d.message == "Order 42 rejected");
  CHECK(d.stack_trace.starts_with("org.acme.OrderRejected"));
  CHECK(d.decodable());
}

TEST_CASE("spring: malformed binary values are problems naming the header; missing ones are unknown") {
  H h;
  h.add("kafka_dlt-original-topic", "orders")
      .add("kafka_dlt-original-partition", "3")  // text, not 4 bytes
      .add("kafka_dlt-original-offset", be(5, 4))
      .add("kafka_dlt-original-timestamp", std::nullopt);
  const auto d = decode(h);
  CHECK(d.original_topic == "orders");
  CHECK_FALSE(d.original_partition);
  CHECK_FALSE(d.original_offset);
  CHECK_FALSE(d.original_timestamp);
  REQUIRE(d.problems.size() == 2);
  CHECK(d.problems[0] == "header 'kafka_dlt-original-partition': 1 byte(s), expected 4 (big-endian int32)");
  CHECK(d.problems[1] == "header 'kafka_dlt-original-offset': 4 byte(s), expected 8 (big-endian int64)");
  H neg;
  neg.add("kafka_dlt-original-topic", "orders").add("kafka_dlt-original-partition", be(0xFFFFFFFF, 4));
  CHECK(decode(neg).problems.at(0) == "header 'kafka_dlt-original-partition': -1 is not a partition number");
  H key_only;
  key_only.add("kafka_dlt-key-exception-fqcn", "org.acme.BadKey").add("kafka_dlt-key-exception-message", "k");
  const auto k = decode(key_only);
  CHECK(k.convention == Convention::spring);
  CHECK(k.exception_class == "org.acme.BadKey");
  CHECK(k.message == "k");
  CHECK(k.original_topic.empty());
}

TEST_CASE("spring retry topics: attempts of 1 or 4 bytes, minimal timestamps, origin from the topic name") {
  H h;
  h.add("retry_topic-attempts", be(3, 4)).add("retry_topic-original-timestamp", be(1763900000123ULL, 6));
  auto d = decode(h, {}, "orders-retry-2");
  CHECK(d.convention == Convention::spring_retry);
  CHECK(d.attempts == 3);
  CHECK(d.original_timestamp == 1763900000123LL);
  CHECK(d.original_topic == "orders");
  H one;
  one.add("retry_topic-attempts", be(2, 1)).add("kafka_dlt-original-topic", "payments");
  d = decode(one, {}, "payments-dlt");
  CHECK(d.convention == Convention::spring_retry);
  CHECK(d.attempts == 2);
  CHECK(d.original_topic == "payments");
  H bad;
  bad.add("retry_topic-attempts", be(2, 2));
  d = decode(bad, {}, "x-retry");
  CHECK(d.problems.at(0) == "header 'retry_topic-attempts': 2 byte(s), expected 1 or 4 (big-endian integer)");
  CHECK(d.original_topic == "x");
  CHECK(decode(bad, {}, "unrelated").original_topic.empty());
}

TEST_CASE("spring cloud stream: x-original-* binary like spring") {
  H h;
  h.add("x-original-topic", "orders")
      .add("x-original-partition", be(2, 4))
      .add("x-original-offset", be(77, 8))
      .add("x-exception-fqcn", "org.acme.Boom")
      .add("x-exception-message", "boom")
      .add("x-exception-stacktrace", "trace");
  auto d = decode(h);
  CHECK(d.convention == Convention::spring_cloud_stream);
  CHECK(d.original_partition == 2);
  CHECK(d.original_offset == 77);
  CHECK(d.exception_class == "org.acme.Boom");
  CHECK(d.stack_trace == "trace");
  H bad;
  bad.add("x-original-topic", "orders").add("x-original-partition", "2");
  CHECK(decode(bad).problems.size() == 1);
}

TEST_CASE("connect: decimal strings, null message, group from the connector name") {
  H h;
  h.add("__connect.errors.topic", "orders")
      .add("__connect.errors.partition", "1")
      .add("__connect.errors.offset", "900")
      .add("__connect.errors.connector.name", "jdbc-sink")
      .add("__connect.errors.task.id", "0")
      .add("__connect.errors.stage", "VALUE_CONVERTER")
      .add("__connect.errors.exception.class.name", "org.apache.kafka.connect.errors.DataException")
      .add("__connect.errors.exception.message", std::nullopt)
      .add("__connect.errors.exception.stacktrace", "st");
  auto d = decode(h);
  CHECK(d.convention == Convention::connect);
  CHECK(d.original_partition == 1);
  CHECK(d.original_offset == 900);
  CHECK(d.group == "connect-jdbc-sink");
  CHECK(d.handler == "jdbc-sink/0 VALUE_CONVERTER");
  CHECK(d.message.empty());
  CHECK(d.decodable());
  H bad;
  bad.add("__connect.errors.topic", "orders").add("__connect.errors.partition", "one");
  d = decode(bad);
  CHECK(d.problems.at(0) == "header '__connect.errors.partition': not a decimal number");
}

TEST_CASE("kafka streams (KIP-1034), smallrye, watermill, generic, evt") {
  H s;
  s.add("__streams.errors.topic", "clicks")
      .add("__streams.errors.partition", "0")
      .add("__streams.errors.offset", "12")
      .add("__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException")
      .add("__streams.errors.message", "bad")
      .add("__streams.errors.stacktrace", "st");
  auto d = decode(s);
  CHECK(d.convention == Convention::streams);
  CHECK(d.original_topic == "clicks");
  CHECK(d.original_offset == 12);
  CHECK(d.exception_class == "org.apache.kafka.common.errors.SerializationException");

  H q;
  q.add("dead-letter-exception-class-name", "java.lang.RuntimeException")
      .add("dead-letter-reason", "nope")
      .add("dead-letter-cause-class-name", "java.io.IOException")
      .add("dead-letter-cause", "disk")
      .add("dead-letter-topic", "prices")
      .add("dead-letter-partition", "3")
      .add("dead-letter-offset", "-5x");
  d = decode(q);
  CHECK(d.convention == Convention::smallrye);
  CHECK(d.original_partition == 3);
  CHECK(d.message == "nope");
  CHECK(d.stack_trace == "Caused by: java.io.IOException: disk");
  CHECK(d.problems.at(0) == "header 'dead-letter-offset': not a decimal number");

  H w;
  w.add("topic_poisoned", "carts")
      .add("reason_poisoned", "cannot decode")
      .add("handler_poisoned", "cart_handler")
      .add("subscriber_poisoned", "carts-sub");
  d = decode(w);
  CHECK(d.convention == Convention::watermill);
  CHECK(d.original_topic == "carts");
  CHECK_FALSE(d.original_partition);
  CHECK(d.message == "cannot decode");
  CHECK(d.handler == "cart_handler");

  H g;
  g.add("x-dlq-original-topic", "users").add("x-error", "oops");
  d = decode(g);
  CHECK(d.convention == Convention::generic);
  CHECK(d.original_topic == "users");
  CHECK(d.message == "oops");

  H e;
  e.add("evt_dlq_original_topic", "orders")
      .add("evt_dlq_original_partition", "2")
      .add("evt_dlq_original_offset", "x")
      .add("evt_dlq_group", "g")
      .add("evt_dlq_error", "exit:3")
      .add("evt_dlq_error_message", "disk full\\n")
      .add("evt_dlq_attempts", "4");
  d = decode(e);
  CHECK(d.convention == Convention::evt);
  CHECK(d.original_partition == 2);
  CHECK(d.exception_class == "exit:3");
  CHECK(d.message == "disk full");
  CHECK(d.attempts == 4);
  CHECK(d.problems.at(0) == "header 'evt_dlq_original_offset': not a decimal number");

  H none;
  none.add("traceparent", "00-x");
  d = decode(none);
  CHECK(d.convention == Convention::none);
  CHECK(d.original_topic.empty());
}

TEST_CASE("forced and custom conventions") {
  H h;
  h.add("kafka_dlt-original-topic", "orders").add("__connect.errors.topic", "other");
  CHECK(decode(h).original_topic == "orders");
  const auto forced = decode_options("connect", {});
  CHECK(decode(h, forced).original_topic == "other");
  CHECK(decode(h, decode_options("auto", {})).convention == Convention::spring);
  CHECK_THROWS_AS(decode_options("kafka-nope", {}), evt::UsageError);

  CustomConvention acme;
  acme.name = "acme";
  acme.original_topic = "acme-src";
  acme.original_partition = "acme-part";
  acme.exception_message = "acme-err";
  acme.binary_numbers = true;
  H c;
  c.add("acme-src", "ledger").add("acme-part", be(5, 4)).add("acme-err", "E 7");
  auto d = decode(c, decode_options("", {acme}));
  CHECK(d.convention == Convention::custom);
  CHECK(d.convention_name == "acme");
  CHECK(d.original_partition == 5);
  CHECK(d.message == "E 7");
  H bad;
  bad.add("acme-src", "ledger").add("acme-part", "5");
  CHECK(decode(bad, decode_options("acme", {acme})).problems.size() == 1);
  CHECK(is_failure_header("acme-err", {acme}));
  CHECK(is_failure_header("kafka_dlt-original-topic", {}));
  CHECK(is_failure_header("topic_poisoned", {}));
  CHECK_FALSE(is_failure_header("traceparent", {}));
}

TEST_CASE("evt convention: the escaped message is shown escaped once, in text and in JSON") {
  H e;
  e.add("evt_dlq_original_topic", "orders")
      .add("evt_dlq_error", "exit:1")
      .add("evt_dlq_error_message", bounded_error_message("bad \x1b[31mred\\path\n"));
  const auto d = decode(e);
  CHECK(d.message == "bad \x1b[31mred\\path");
  InspectReport report;
  report.topic = "orders.DLT";
  ShownRecord shown;
  shown.dead = d;
  report.shown.push_back(shown);
  const auto text = render_inspect_text(report, false, 0);
  CHECK(text.find("  message:     bad \\x1b[31mred\\\\path\n") != std::string::npos);
  CHECK(text.find("\\\\x1b") == std::string::npos);
  const auto json = render_inspect_json(report);
  CHECK(json.find(R"("message":"bad \u001b[31mred\\path")") != std::string::npos);
}
