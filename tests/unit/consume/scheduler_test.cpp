#include "evt/consume/scheduler.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <random>
#include <vector>

using evt::TopicPartition;
using evt::consume::Ordering;
using evt::consume::Scheduler;

namespace {
const TopicPartition p0{"t", 0};
const TopicPartition p1{"t", 1};
}  // namespace

TEST_CASE("scheduler: key ordering runs one record per key, other keys in parallel, oldest first") {
  Scheduler s(Ordering::key);
  s.add(1, p0, "a");
  s.add(2, p0, "a");
  s.add(3, p0, "b");
  s.add(4, p1, "a");  // same key, other partition: another lane
  CHECK(s.next(0) == 1);
  CHECK(s.next(0) == 3);
  CHECK(s.next(0) == 4);
  CHECK_FALSE(s.next(0).has_value());  // 2 waits for 1
  s.finish(3);
  CHECK_FALSE(s.next(0).has_value());
  s.finish(1);
  CHECK(s.next(0) == 2);
  CHECK(s.size() == 2);
  CHECK(s.size(p0) == 1);
  CHECK(s.size(p1) == 1);
}

TEST_CASE("scheduler: null keys share one lane per partition") {
  Scheduler s(Ordering::key);
  s.add(1, p0, std::nullopt);
  s.add(2, p0, std::nullopt);
  s.add(3, p0, std::string());  // the empty key is a key, not NULL
  CHECK(s.next(0) == 1);
  CHECK(s.next(0) == 3);
  CHECK_FALSE(s.next(0).has_value());
}

TEST_CASE("scheduler: partition ordering serialises a partition, none runs everything") {
  Scheduler part(Ordering::partition);
  part.add(1, p0, "a");
  part.add(2, p0, "b");
  part.add(3, p1, "a");
  CHECK(part.next(0) == 1);
  CHECK(part.next(0) == 3);
  CHECK_FALSE(part.next(0).has_value());

  Scheduler none(Ordering::none);
  none.add(1, p0, "a");
  none.add(2, p0, "a");
  CHECK(none.next(0) == 1);
  CHECK(none.next(0) == 2);
}

TEST_CASE("scheduler: a retry holds its lane until due; other lanes go on") {
  Scheduler s(Ordering::key);
  s.add(1, p0, "a");
  s.add(2, p0, "a");
  s.add(3, p0, "b");
  CHECK(s.next(0) == 1);
  s.retry_at(1, 100);
  CHECK(s.next_due() == 100);
  CHECK(s.next(50) == 3);               // b is not blocked
  CHECK_FALSE(s.next(99).has_value());  // 2 waits behind the retrying 1
  CHECK(s.next(100) == 1);              // the retry itself comes first
  CHECK_FALSE(s.next_due().has_value());
  s.finish(1);
  CHECK(s.next(100) == 2);
}

TEST_CASE("scheduler: drop_partition removes queued, waiting and running records of one partition") {
  Scheduler s(Ordering::key);
  s.add(1, p0, "a");
  s.add(2, p0, "a");
  s.add(3, p0, "b");
  s.add(4, p1, "c");
  CHECK(s.next(0) == 1);
  s.retry_at(1, 10);
  auto dropped = s.drop_partition(p0);
  std::sort(dropped.begin(), dropped.end());
  CHECK(dropped == std::vector<uint64_t>{1, 2, 3});
  CHECK(s.size() == 1);
  CHECK(s.size(p0) == 0);
  CHECK_FALSE(s.next_due().has_value());
  CHECK(s.next(1000) == 4);
  s.finish(4);
  CHECK(s.size() == 0);
  CHECK_FALSE(s.next(1000).has_value());
}

TEST_CASE("scheduler: random interleavings keep every key's order and run each record once") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    Scheduler s(Ordering::key);
    std::map<uint64_t, std::string> key_of;
    uint64_t next_id = 1;
    std::vector<uint64_t> running;
    std::map<std::string, uint64_t> last_done;
    size_t finished = 0;
    for (int step = 0; step < 400; ++step) {
      const int action = static_cast<int>(rng() % 3);
      if (action == 0 && next_id <= 200) {
        const std::string key(1, static_cast<char>('a' + rng() % 5));
        key_of[next_id] = key;
        s.add(next_id++, p0, key);
      } else if (action == 1) {
        if (auto id = s.next(step)) {
          for (auto r : running) {
            CHECK(key_of[r] != key_of[*id]);  // never two of one key at once
          }
          running.push_back(*id);
        }
      } else if (!running.empty()) {
        const size_t pick = rng() % running.size();
        const uint64_t id = running[pick];
        running.erase(running.begin() + static_cast<long>(pick));
        if (rng() % 4 == 0) {
          s.retry_at(id, step + 3);
        } else {
          CHECK(last_done[key_of[id]] < id);  // each key in arrival order
          last_done[key_of[id]] = id;
          s.finish(id);
          ++finished;
        }
      }
    }
    CHECK(s.size() == next_id - 1 - finished);
  }
}

TEST_CASE("scheduler: --ordering names") {
  CHECK(evt::consume::parse_ordering("key") == Ordering::key);
  CHECK(evt::consume::parse_ordering("partition") == Ordering::partition);
  CHECK(evt::consume::parse_ordering("none") == Ordering::none);
  CHECK_THROWS_AS(evt::consume::parse_ordering("keys"), evt::UsageError);
}

TEST_CASE("scheduler: batches come from the front of one partition lane, requeued batches split") {
  Scheduler s(Ordering::partition);
  for (uint64_t id = 1; id <= 7; ++id) {
    s.add(id, p0, "k");
  }
  s.add(8, p1, "k");
  size_t limit = 4;
  auto max_for = [&](const TopicPartition&) { return limit; };
  auto b = s.next_batch(0, max_for);
  CHECK(b == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(s.next_batch(0, max_for) == std::vector<uint64_t>{8});
  CHECK(s.next_batch(0, max_for).empty());  // p0 runs a batch already
  s.requeue_batch(b);                       // failed: split it
  limit = 2;
  b = s.next_batch(0, max_for);
  CHECK(b == std::vector<uint64_t>{1, 2});
  s.finish_batch(b);
  CHECK(s.size(p0) == 5);
  b = s.next_batch(0, max_for);
  CHECK(b == std::vector<uint64_t>{3, 4});
  s.finish_batch(b);
  limit = 10;
  b = s.next_batch(0, max_for);
  CHECK(b == std::vector<uint64_t>{5, 6, 7});
  s.finish_batch(b);
  s.finish_batch({8});
  CHECK(s.size() == 0);
  CHECK(s.next_batch(0, max_for).empty());
}
