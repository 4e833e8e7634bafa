#include "evt/dlq/route.hpp"
#include "evt/dlq/redrive.hpp"
#include "evt/dlq/select.hpp"
#include "evt/dlq/status.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::dlq;

namespace {

struct Fixture {
  evt::Record record;
  std::vector<evt::HeaderView> views;
  evt::RecordView view() { return evt::view_of(record, views); }
};

std::optional<int32_t> sizes(const std::string& topic) {
  if (topic == "orders") {
    return 4;
  }
  if (topic == "other") {
    return 2;
  }
  return std::nullopt;
}

Route make_route(bool park, std::string topic, int32_t partition, std::string reason) {
  Route r;
  r.park = park;
  r.topic = std::move(topic);
  r.partition = partition;
  r.reason = std::move(reason);
  return r;
}

}  // namespace

TEST_CASE("route: original partition, by key, --to, and every parking reason") {
  Fixture f;
  f.record.key = "k";
  f.record.headers = {{"kafka_dlt-original-topic", std::string("orders")}};
  RouteSettings s;
  s.parking_topic = "orders.DLT.parked";
  DeadLetter d;
  d.original_topic = "orders";
  d.original_partition = 3;
  auto r = decide_route(f.view(), d, s, sizes);
  CHECK_FALSE(r.park);
  CHECK(r.topic == "orders");
  CHECK(r.partition == 3);
  s.to = "other";  // partition 3 does not exist there: by key
  r = decide_route(f.view(), d, s, sizes);
  CHECK(r.topic == "other");
  CHECK(r.partition == -1);
  f.record.key.reset();
  r = decide_route(f.view(), d, s, sizes);
  CHECK(r.park);
  CHECK(r.topic == "orders.DLT.parked");
  CHECK(r.reason == "partition 3 of 'other' does not exist and the record has no key");
  s.to.clear();
  d.original_partition.reset();
  CHECK(decide_route(f.view(), d, s, sizes).reason == "no original partition and no key");
  d.original_topic = "gone";
  CHECK(decide_route(f.view(), d, s, sizes).reason == "unknown topic 'gone'");
  d.original_topic.clear();
  CHECK(decide_route(f.view(), d, s, sizes).reason == "no original topic");
  d.problems.push_back("header 'x': bad");
  CHECK(decide_route(f.view(), d, s, sizes).reason == "undecodable: header 'x': bad");
  DeadLetter ok;
  ok.original_topic = "orders";
  ok.original_partition = 0;
  f.record.headers.push_back({"evt_redrive_count", std::string("3")});
  CHECK(decide_route(f.view(), ok, s, sizes).reason == "re-driven 3 time(s) already (--max-redrives 3)");
  s.max_redrives = 4;
  CHECK_FALSE(decide_route(f.view(), ok, s, sizes).park);
  f.record.headers.push_back({"evt_redrive_count", std::string("x")});
  CHECK(decide_route(f.view(), ok, s, sizes).reason ==
        "undecodable: header 'evt_redrive_count' is not a count");
}

TEST_CASE("route: re-driven records lose failure headers and count up; parked ones keep them") {
  Fixture f;
  f.record.key = "k";
  f.record.headers = {
      {"kafka_dlt-original-topic", std::string("orders")}, {"traceparent", std::string("t")},
      {"evt_replay_src", std::string("old/0@1")},          {"evt_redrive_count", std::string("1")},
      {"__connect.errors.topic", std::string("orders")},   {"error", std::string("app-level")}};
  const auto view = f.view();
  RouteSettings s;
  evt::Record out = f.record;
  rewrite_record(make_route(false, "orders", 2, ""), view, s, out);
  CHECK(out.topic == "orders");
  CHECK(out.partition == 2);
  REQUIRE(out.headers.size() == 3);
  CHECK(out.headers[0].key == "traceparent");
  CHECK(out.headers[1].key == "error");  // a generic name, not of this convention
  CHECK(out.headers[2].key == "evt_redrive_count");
  CHECK(out.headers[2].value == "2");
  out = f.record;
  auto generic = make_route(false, "orders", 2, "");
  generic.convention = Convention::generic;
  rewrite_record(generic, view, s, out);
  CHECK(out.headers.size() == 2);
  out = f.record;
  s.keep_headers = true;
  rewrite_record(make_route(false, "orders", -1, ""), view, s, out);
  CHECK(out.headers.size() == 5);
  out = f.record;
  rewrite_record(make_route(true, "p", -1, "why"), view, s, out);
  CHECK(out.topic == "p");
  CHECK(out.headers.size() == 6);
  CHECK(out.headers[4].key == "evt_redrive_parked");
  CHECK(out.headers[4].value == "why");
  CHECK(out.headers[5].value == "1");
}

TEST_CASE("select: every condition must hold; offsets parse") {
  Fixture f;
  f.record.key = "k1";
  f.record.offset = 7;
  f.record.timestamp = 1000;
  DeadLetter d;
  d.original_topic = "orders";
  d.exception_class = "org.acme.Outer$OrderRejected";
  d.message = "Order 7 rejected";
  SelectSpec s;
  CHECK(s.empty());
  CHECK(selected(s, f.view(), d));
  s.exceptions = {"OrderRejected"};
  CHECK(selected(s, f.view(), d));
  s.exceptions = {"Rejected"};
  CHECK_FALSE(selected(s, f.view(), d));
  s.exceptions = {"org.acme.Outer$OrderRejected"};
  s.messages = {evt::filter::WherePattern("^Order [0-9]+ rej")};
  s.original_topics = {"orders", "x"};
  s.key = "k1";
  CHECK(selected(s, f.view(), d));
  s.messages.emplace_back("nope");  // alternatives: one match is enough
  CHECK(selected(s, f.view(), d));
  s.messages = {evt::filter::WherePattern("^rejected")};
  CHECK_FALSE(selected(s, f.view(), d));
  s.messages.clear();
  CHECK_THROWS_AS(evt::filter::WherePattern("("), evt::UsageError);
  parse_offset_range("7:8", s);
  CHECK(selected(s, f.view(), d));
  parse_offset_range("8:", s);
  CHECK_FALSE(selected(s, f.view(), d));
  s = {};
  s.since_ms = 1001;
  CHECK_FALSE(selected(s, f.view(), d));
  CHECK_THROWS_AS(parse_offset_range(":", s), evt::UsageError);
  CHECK_THROWS_AS(parse_offset_range("5", s), evt::UsageError);
  CHECK_THROWS_AS(parse_offset_range("a:b", s), evt::UsageError);
}

TEST_CASE("status: dead-letter names, check reasons, ages") {
  for (const char* t : {"orders.DLT", "orders-dlt", "x.dlq", "x-dlq", "dead-letter-orders", "payments-error",
                        "DLQ-x", "error-orders"}) {
    CHECK_MESSAGE(looks_like_dlq(t), t);
  }
  for (const char* t : {"orders", "orders.DLT.parked", "terror", "dlqueue"}) {
    CHECK_FALSE_MESSAGE(looks_like_dlq(t), t);
  }
  TopicStatus st;
  st.topic = "o.DLT";
  st.pending = 5;
  st.newest_ms = 1'000'000;
  CheckLimits l;
  l.max_records = 5;
  CHECK(check_reason(st, l, 2'000'000).empty());
  l.max_records = 4;
  CHECK(check_reason(st, l, 2'000'000) == "5 record(s) to re-drive, more than --max-records 4");
  l.max_records.reset();
  l.max_age_ms = 600'000;
  CHECK(check_reason(st, l, 2'000'000).empty());
  l.max_age_ms = 1'200'000;
  CHECK(check_reason(st, l, 2'000'000) == "newest record to re-drive is 16m old, newer than --max-age");
  CHECK(format_age(std::nullopt, 0) == "-");
  CHECK(format_age(0, 59'000) == "59s");
  CHECK(format_age(0, 3 * 3600'000) == "3h");
  CHECK(format_age(0, 5 * 86400'000LL) == "5d");
}

TEST_CASE("route: a dead letter of the dead-letter topic itself (or of the parking topic) is parked") {
  Fixture f;
  f.record.key = "k";
  RouteSettings settings;
  settings.dlq_topic = "orders.DLT";  // a consumer of the DLQ dead-lettered into it
  settings.parking_topic = "orders.DLT.parked";
  const auto where = [&](const char* origin) {
    DeadLetter dead;
    dead.original_topic = origin;
    dead.original_partition = 1;
    const auto r = decide_route(f.view(), dead, settings, [](const std::string&) { return 2; });
    return r.park ? r.topic + ": " + r.reason : r.topic + "/" + std::to_string(r.partition);
  };
  CHECK(where("orders.DLT") ==
        "orders.DLT.parked: original topic 'orders.DLT' is the dead-letter topic itself");
  CHECK(where("orders.DLT.parked") ==
        "orders.DLT.parked: original topic 'orders.DLT.parked' is the parking topic");
  CHECK(where("orders") == "orders/1");
}

TEST_CASE("route: wire size counts key, value, serialized headers and the record overhead") {
  evt::Record r;
  CHECK(wire_size(r, 0, 0) == 36);  // librdkafka's worst-case v2 record overhead
  r.key = std::string(10, 'k');
  r.value = std::string(1000, 'v');
  CHECK(wire_size(r, 0, 0) == 36 + 1010);
  r.headers = {{"ab", std::string(100, 'x')}, {"n", std::nullopt}};
  // "ab": 1 + 2 + 2 (100 zig-zags to 200: two bytes) + 100; "n": 1 + 1 + 1 (-1) + 0.
  CHECK(wire_size(r, 0, 0) == 36 + 1010 + 105 + 3);
  CHECK(wire_size(r, 2, 50) == 36 + 1010 + 105 + 3 + 50 + 8);
}

TEST_CASE("redrive: the destination's limit is the producer's message.max.bytes") {
  evt::kafka::ClientConfig c;
  CHECK(producer_max_message_bytes(c) == 1000000);
  c.properties = {{"message.max.bytes", "5242880"}};
  CHECK(producer_max_message_bytes(c) == 5242880);
  CHECK(redrive_run_id("orders.DLT") == "dlq-orders.DLT");
}
