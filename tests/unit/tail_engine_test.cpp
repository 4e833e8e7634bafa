#include "evt/error.hpp"
#include "evt/ops/tail.hpp"

#include <doctest/doctest.h>

#include <deque>

using namespace evt::ops;
using evt::Record;
using evt::TopicPartition;

namespace {

// One scripted poll: records to deliver and partitions reaching their end.
struct Poll {
  std::vector<Record> records;
  std::vector<TopicPartition> eof;
};

class FakeSource : public RecordSource {
public:
  std::deque<Poll> polls;
  std::vector<TopicPartition> assigned;
  std::vector<std::map<TopicPartition, int64_t>> commits;
  int empty_polls = 0;

  size_t poll(const std::function<void(const evt::kafka::RecordView&)>& visit,
              std::vector<TopicPartition>& reached_end, size_t, int, bool) override {
    if (polls.empty()) {
      ++empty_polls;
      return 0;
    }
    Poll p = std::move(polls.front());
    polls.pop_front();
    std::vector<evt::kafka::HeaderView> hv;
    for (const auto& r : p.records) {
      visit(evt::kafka::view_of(r, hv));
    }
    reached_end.insert(reached_end.end(), p.eof.begin(), p.eof.end());
    return p.records.size();
  }
  std::vector<TopicPartition> assignment() override { return assigned; }
  void commit(const std::map<TopicPartition, int64_t>& next) override { commits.push_back(next); }
};

class CollectOutput : public TailOutput {
public:
  std::vector<std::string> shown;  // "partition@offset"
  int batches = 0;
  void record(const evt::kafka::RecordView& r) override {
    shown.push_back(std::to_string(r.partition) + "@" + std::to_string(r.offset));
  }
  void batch_done() override { ++batches; }
};

Record rec(int32_t partition, int64_t offset, std::string value = "{}") {
  Record r;
  r.topic = "t";
  r.partition = partition;
  r.offset = offset;
  r.value = std::move(value);
  return r;
}

PartitionPlan plan(int32_t p, int64_t start, std::optional<int64_t> end, int64_t log_end) {
  return {{"t", p}, start, end, log_end};
}

} // namespace

TEST_CASE("bounded read stops at the end offset across offset gaps") {
  FakeSource src;
  // Partition 0: compaction left 0,1,4,7; end 9 (8 is a transaction marker).
  // Partition 1: range 2..4; records past the end arrive and are not shown.
  src.polls.push_back({{rec(0, 0), rec(0, 1), rec(1, 2)}, {}});
  src.polls.push_back({{rec(0, 4), rec(1, 3), rec(1, 4), rec(1, 5)}, {}});
  src.polls.push_back({{rec(0, 7)}, {{"t", 0}}});
  src.polls.push_back({{rec(0, 99)}, {}});  // must never be polled
  CollectOutput out;
  const auto stats = run_tail(src, {plan(0, 0, 9, 9), plan(1, 2, 4, 6)}, RecordFilter(), out, TailOptions{});
  CHECK(out.shown == std::vector<std::string>{"0@0", "0@1", "1@2", "0@4", "1@3", "0@7"});
  CHECK(stats.read == 6);
  CHECK(out.batches == 3);
  CHECK(src.polls.size() == 1);
}

TEST_CASE("empty ranges finish without polling") {
  FakeSource src;
  CollectOutput out;
  run_tail(src, {plan(0, 5, 5, 5), plan(1, 0, 0, 0)}, RecordFilter(), out, TailOptions{});
  CHECK(src.empty_polls == 0);
  CHECK(out.shown.empty());
}

TEST_CASE("count stops after N matching records; filters apply first") {
  FakeSource src;
  src.polls.push_back({{rec(0, 0, R"({"n":1})"), rec(0, 1, R"({"n":2})"), rec(0, 2, R"({"n":3})"),
                        rec(0, 3, R"({"n":4})"), rec(0, 4, R"({"n":5})")}, {}});
  CollectOutput out;
  TailOptions o;
  o.count = 2;
  FilterSpec f;
  f.wheres = {"n > 1"};
  const auto stats = run_tail(src, {plan(0, 0, std::nullopt, 5)}, RecordFilter(f), out, o);
  CHECK(out.shown == std::vector<std::string>{"0@1", "0@2"});
  CHECK(stats.count_reached);
  CHECK(stats.read == 3);
}

TEST_CASE("following stops when asked to") {
  FakeSource src;
  src.polls.push_back({{rec(0, 10)}, {{"t", 0}}});
  CollectOutput out;
  TailOptions o;
  int calls = 0;
  o.stop_requested = [&] { return ++calls > 3; };
  const auto stats = run_tail(src, {plan(0, 10, std::nullopt, 10)}, RecordFilter(), out, o);
  CHECK(stats.interrupted);
  CHECK(out.shown == std::vector<std::string>{"0@10"});
}

TEST_CASE("group mode commits what was read and ends at the captured ends of its assignment") {
  FakeSource src;
  src.assigned = {{"t", 0}, {"t", 1}};
  src.polls.push_back({{rec(0, 3), rec(0, 4)}, {{"t", 1}}});  // partition 1 was already at its end
  src.polls.push_back({{rec(0, 5)}, {}});
  CollectOutput out;
  TailOptions o;
  o.group = true;
  const auto stats = run_tail(src, {plan(0, 0, 6, 6), plan(1, 0, 2, 2), plan(2, 0, 9, 9)}, RecordFilter(), out, o);
  CHECK(out.shown == std::vector<std::string>{"0@3", "0@4", "0@5"});
  REQUIRE(src.commits.size() == 2);
  CHECK(src.commits[0] == std::map<TopicPartition, int64_t>{{{"t", 0}, 5}});
  CHECK(src.commits[1] == std::map<TopicPartition, int64_t>{{{"t", 0}, 6}});
  CHECK_FALSE(stats.interrupted);
}

TEST_CASE("a bounded read with no progress fails after the idle timeout") {
  FakeSource src;
  CollectOutput out;
  TailOptions o;
  o.idle_timeout_ms = 50;
  o.poll_timeout_ms = 1;
  CHECK_THROWS_AS(run_tail(src, {plan(0, 0, 5, 5)}, RecordFilter(), out, o), evt::BrokerError);
}

TEST_CASE("a count of zero reads nothing") {
  FakeSource src;
  src.polls.push_back({{rec(0, 0)}, {}});
  CollectOutput out;
  TailOptions o;
  o.count = 0;
  run_tail(src, {plan(0, 0, std::nullopt, 1)}, RecordFilter(), out, o);
  CHECK(out.shown.empty());
  CHECK(src.polls.size() == 1);
}
