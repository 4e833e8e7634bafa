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
