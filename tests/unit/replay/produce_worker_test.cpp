#include "evt/replay/produce_worker.hpp"

#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

using namespace evt;
using namespace evt::replay;

namespace {

// A producer without a broker, called on the worker thread: it records what
// was produced and reports records when (and as far as) the test allows.
struct Fake {
  struct Produced {
    int32_t partition;
    std::optional<std::string> key;
    std::optional<std::string> value;
    int64_t timestamp;
    size_t headers;
    std::optional<std::string> tag;
    uint64_t token;
  };
  std::mutex mutex;
  std::vector<Produced> produced;
  std::deque<uint64_t> unreported;
  size_t release = static_cast<size_t>(-1);  // reports the test still allows
  uint64_t throw_at = 0;                     // produce of this token throws
  size_t most_unreported = 0;

  ProduceWorker::ProduceFn produce_fn() {
    return [this](int32_t partition, const RecordView& r, kafka::NativeHeaders headers,
                  std::optional<std::string_view> tag, uint64_t token) {
      std::lock_guard lock(mutex);
      if (token == throw_at) {
        throw BrokerError("the destination is gone");
      }
      produced.push_back({partition, r.key ? std::optional<std::string>(*r.key) : std::nullopt,
                          r.value ? std::optional<std::string>(*r.value) : std::nullopt, r.timestamp,
                          headers.size(), tag ? std::optional<std::string>(*tag) : std::nullopt, token});
      unreported.push_back(token);
      most_unreported = std::max(most_unreported, unreported.size());
    };
  }
  ProduceWorker::PollFn poll_fn() {
    return [this](int timeout_ms, std::vector<kafka::DeliveryReport>& out) {
      {
        std::lock_guard lock(mutex);
        while (!unreported.empty() && release > 0) {
          kafka::DeliveryReport rep;
          rep.token = unreported.front();
          rep.delivered = true;
          out.push_back(rep);
          unreported.pop_front();
          --release;
        }
      }
      if (out.empty() && timeout_ms > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    };
  }
  void allow(size_t n) {
    std::lock_guard lock(mutex);
    release = n;
  }
  size_t produced_count() {
    std::lock_guard lock(mutex);
    return produced.size();
  }
};

RecordView view(const std::string* key, const std::string* value, int64_t ts) {
  RecordView v;
  if (key != nullptr) {
    v.key = *key;
  }
  if (value != nullptr) {
    v.value = *value;
  }
  v.timestamp = ts;
  return v;
}

// Takes reports until `n` came or ~5 s passed.
std::vector<kafka::DeliveryReport> take_all(ProduceWorker& w, size_t n) {
  std::vector<kafka::DeliveryReport> got;
  for (int i = 0; i < 500 && got.size() < n; ++i) {
    w.flush();
    w.take(got, 10);
  }
  return got;
}

// Queues records 1..n on a worker whose fake destination reports nothing
// and gives it time (bounded) to produce all its window of 10 allows.
void add_unreported(Fake& fake, ProduceWorker& w, uint64_t n) {
  const std::string v = "x";  // copied by add()
  for (uint64_t t = 1; t <= n; ++t) {
    w.add(0, view(nullptr, &v, -1), {}, t);
  }
  w.flush();
  for (int i = 0; i < 100 && fake.produced_count() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

TEST_CASE("produce worker: every record produced once, in order, with its bytes; every report handed back") {
  Fake fake;
  ProduceWorker w(fake.produce_fn(), fake.poll_fn(), 1000, 64, 7);
  const size_t n = 1000;
  for (size_t i = 0; i < n; ++i) {
    // Keys and values die after add(): the worker must hold copies.
    const std::string key = "k" + std::to_string(i);
    const std::string value(i % 50, static_cast<char>('a' + i % 26));
    kafka::NativeHeaders h;
    if (i % 3 == 0) {
      h.add("evt_replay_src", "t/0@" + std::to_string(i));
    }
    // The tag's text dies after add() too.
    const std::string tag = "t/" + std::to_string(i % 4) + "@" + std::to_string(i);
    w.add(static_cast<int32_t>(i % 4),
          view(i % 5 == 0 ? nullptr : &key, i % 7 == 0 ? nullptr : &value, 1000 + i), std::move(h), i + 1,
          i % 2 == 0 ? std::optional<std::string_view>(tag) : std::nullopt);
  }
  const auto reports = take_all(w, n);
  CHECK(w.stop(true) == 0);
  REQUIRE(fake.produced.size() == n);
  for (size_t i = 0; i < n; ++i) {
    const auto& p = fake.produced[i];
    CHECK(p.token == i + 1);
    CHECK(p.partition == static_cast<int32_t>(i % 4));
    CHECK(p.timestamp == static_cast<int64_t>(1000 + i));
    CHECK(p.key == (i % 5 == 0 ? std::nullopt : std::optional<std::string>("k" + std::to_string(i))));
    CHECK(p.value ==
          (i % 7 == 0 ? std::nullopt : std::optional<std::string>(std::string(i % 50, 'a' + i % 26))));
    CHECK(p.headers == (i % 3 == 0 ? 1u : 0u));
    CHECK(p.tag == (i % 2 == 0
                        ? std::optional<std::string>("t/" + std::to_string(i % 4) + "@" + std::to_string(i))
                        : std::nullopt));
  }
  REQUIRE(reports.size() == n);
  std::set<uint64_t> tokens;
  for (const auto& r : reports) {
    tokens.insert(r.token);
  }
  CHECK(tokens.size() == n);
  CHECK(*tokens.begin() == 1);
  CHECK(*tokens.rbegin() == n);
}

TEST_CASE("produce worker: no more than max_unreported records wait for reports") {
  Fake fake;
  fake.allow(0);
  ProduceWorker w(fake.produce_fn(), fake.poll_fn(), 10, 1000, 5);
  add_unreported(fake, w, 100);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(fake.produced_count() == 10);
  fake.allow(static_cast<size_t>(-1));
  const auto reports = take_all(w, 100);
  CHECK(reports.size() == 100);
  CHECK(fake.most_unreported <= 10);
  CHECK(w.stop(true) == 0);
}

TEST_CASE("produce worker: a stop without finishing drops what waits, and is prompt") {
  Fake fake;
  fake.allow(0);  // the destination never answers
  ProduceWorker w(fake.produce_fn(), fake.poll_fn(), 10, 1000, 5);
  add_unreported(fake, w, 50);
  const auto t0 = std::chrono::steady_clock::now();
  const size_t dropped = w.stop(false);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  CHECK(fake.produced_count() == 10);
  CHECK(dropped == 40);
  CHECK(w.stop(false) == 40);  // idempotent
}

TEST_CASE("produce worker: a stop that finishes produces everything queued") {
  Fake fake;
  ProduceWorker w(fake.produce_fn(), fake.poll_fn(), 1000, 1000, 8);
  const std::string v = "x";
  for (uint64_t t = 1; t <= 30; ++t) {
    w.add(0, view(nullptr, &v, -1), {}, t);
  }
  w.flush();
  CHECK(w.stop(true) == 0);
  CHECK(fake.produced_count() == 30);
}

TEST_CASE("produce worker: a produce that throws reaches the caller; nothing after it is produced") {
  Fake fake;
  fake.throw_at = 7;
  ProduceWorker w(fake.produce_fn(), fake.poll_fn(), 1000, 1000, 4);
  const std::string v = "x";
  bool thrown = false;
  try {
    for (uint64_t t = 1; t <= 20; ++t) {
      w.add(0, view(nullptr, &v, -1), {}, t);
    }
    take_all(w, 20);
  } catch (const BrokerError& e) {
    thrown = true;
    CHECK(std::string(e.what()).find("the destination is gone") != std::string::npos);
  }
  CHECK(thrown);
  CHECK(fake.produced_count() == 6);
  CHECK_THROWS_AS(w.flush(), BrokerError);
  w.stop(false);
}
