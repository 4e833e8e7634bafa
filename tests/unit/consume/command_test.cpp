#include "evt/consume/command.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

using namespace evt::consume;

namespace {
ConsumeCommand basic() {
  ConsumeCommand c;
  c.topics = {"orders"};
  c.group = "g";
  c.exec = "sh -c 'exit 0'";
  return c;
}
}  // namespace

TEST_CASE("consume command: documented defaults") {
  const auto o = consume_options(basic(), "/bin:/usr/bin");
  CHECK(o.argv == std::vector<std::string>{"sh", "-c", "exit 0"});
  CHECK(o.handler_text == "sh -c 'exit 0'");
  CHECK(o.mode == HandlerMode::exec);
  CHECK(o.concurrency == 1);
  CHECK(o.ordering == Ordering::key);
  CHECK(o.retries == 3);
  CHECK(o.backoff.min_ms == 1000);
  CHECK(o.backoff.max_ms == 60000);
  CHECK(o.handler_timeout_ms == 60000);
  CHECK(o.shutdown_timeout_ms == 30000);
  CHECK(o.commit_interval_ms == 1000);
  CHECK(o.on_failure == OnFailure::stop);
  CHECK(o.batch == 0);
  CHECK(o.dlq_topic.empty());
}

TEST_CASE("consume command: flags that do not go together or do not parse") {
  auto c = basic();
  c.pipe = true;
  c.batch = 4;
  CHECK_THROWS_AS(consume_options(c, "/bin"), evt::UsageError);
  c = basic();
  c.dlq = "dlq";
  c.on_failure = "skip";
  CHECK_THROWS_AS(consume_options(c, "/bin"), evt::UsageError);
  c = basic();
  c.handler_timeout = "soon";
  CHECK_THROWS_AS(consume_options(c, "/bin"), evt::UsageError);
  c.handler_timeout = "0ms";
  CHECK_THROWS_AS(consume_options(c, "/bin"), evt::UsageError);
  c = basic();
  c.exec = "no-such-handler-xyz";
  CHECK_THROWS_AS(consume_options(c, "/bin:/usr/bin"), evt::UsageError);
  c = basic();
  c.shell = true;
  c.exec = "no-such-handler-xyz | true";  // the shell runs it: evt checks /bin/sh only
  CHECK(consume_options(c, "").argv.front() == "/bin/sh");
}

TEST_CASE("consume command: summary and status texts") {
  ConsumeStats s;
  s.done = 5;
  s.attempts = 9;
  s.retries = 3;
  s.dead_lettered = 1;
  s.skipped = 0;
  s.in_flight = 2;
  s.queued = 7;
  CHECK(summary_text(s) == "handled 5 record(s) in 9 attempt(s); 3 retried, 1 dead-lettered, 0 skipped");
  CHECK(status_text(s, 12.4) == "handled 5 (12/s) · in flight 2 · queued 7 · retried 3 · dead-lettered 1");
  s.lag = 42;
  CHECK(status_text(s, 12.4) ==
        "handled 5 (12/s) · in flight 2 · queued 7 · retried 3 · dead-lettered 1 · lag 42");
}

TEST_CASE("consume command: --to, --dedupe-by and --metrics") {
  auto c = basic();
  c.to = "payments";
  c.metrics = "/tmp/m.prom";
  c.dedupe_by = "json:order.id";
  c.dedupe_window = "1000";
  c.dedupe_store = "/tmp/s.sqlite";
  const auto o = consume_options(c, "/bin:/usr/bin");
  CHECK(o.to_topic == "payments");
  CHECK(o.metrics_path == "/tmp/m.prom");
  REQUIRE(o.dedupe_by.has_value());
  CHECK(o.dedupe_by->text() == "json:order.id");
  CHECK(o.dedupe_window.count == 1000);
  CHECK(o.dedupe_store == "/tmp/s.sqlite");
  auto piped = c;
  piped.pipe = true;
  CHECK_THROWS_AS(consume_options(piped, "/bin:/usr/bin"), evt::UsageError);
  auto batched = basic();
  batched.batch = 10;
  batched.dedupe_by = "key";
  CHECK_THROWS_AS(consume_options(batched, "/bin:/usr/bin"), evt::UsageError);
  auto store_only = basic();
  store_only.dedupe_store = "/tmp/s.sqlite";
  CHECK_THROWS_AS(consume_options(store_only, "/bin:/usr/bin"), evt::UsageError);
  ConsumeStats s;
  s.done = 4;
  s.deduplicated = 2;
  s.published = 3;
  CHECK(summary_text(s) ==
        "handled 4 record(s) in 0 attempt(s); 0 retried, 0 dead-lettered, 0 skipped, 2 deduplicated, 3 "
        "output(s) "
        "published");
  CHECK(status_text(s, 0) ==
        "handled 4 (0/s) · in flight 0 · queued 0 · retried 0 · dead-lettered 0 · deduplicated 2 · published "
        "3");
}
