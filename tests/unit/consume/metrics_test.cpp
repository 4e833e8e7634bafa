#include "evt/consume/metrics.hpp"

#include <doctest/doctest.h>

using namespace evt::consume;

TEST_CASE("consume metrics: Prometheus text with the group label escaped") {
  ConsumeStats s;
  s.done = 7;
  s.in_flight = 2;
  const auto text = prometheus_text(s, "a\"b\\c\nd");
  CHECK(text.find("# TYPE evt_consume_records_handled_total counter\n"
                  "evt_consume_records_handled_total{group=\"a\\\"b\\\\c\\nd\"} 7\n") != std::string::npos);
  CHECK(
      text.find("# TYPE evt_consume_in_flight gauge\nevt_consume_in_flight{group=\"a\\\"b\\\\c\\nd\"} 2\n") !=
      std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("consume metrics: lag in total and per partition, only when known") {
  ConsumeStats s;
  CHECK(prometheus_text(s, "g").find("evt_consume_lag") == std::string::npos);
  s.lag = 5;
  s.partition_lag = {{{"orders", 0}, 2}, {{"a\"b", 3}, 3}};
  const auto text = prometheus_text(s, "g");
  CHECK(text.find("# TYPE evt_consume_lag gauge\nevt_consume_lag{group=\"g\"} 5\n") != std::string::npos);
  CHECK(text.find("# TYPE evt_consume_partition_lag gauge\n"
                  "evt_consume_partition_lag{group=\"g\",topic=\"orders\",partition=\"0\"} 2\n"
                  "evt_consume_partition_lag{group=\"g\",topic=\"a\\\"b\",partition=\"3\"} 3\n") !=
        std::string::npos);
}
