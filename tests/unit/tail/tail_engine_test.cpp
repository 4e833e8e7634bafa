#include "evt/error.hpp"
#include "evt/tail/tail.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <deque>

using namespace evt::tail;
using namespace evt::read;
using namespace evt::filter;
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
  std::map<size_t, std::vector<TopicPartition>> revoke_at;  // before the Nth scripted poll (0-based)
  size_t polled = 0;
  std::vector<TopicPartition> assigned;
  std::vector<std::map<TopicPartition, int64_t>> commits;
  int empty_polls = 0;

  size_t poll(const std::function<void(const evt::RecordView&)>& visit,
              std::vector<TopicPartition>& reached_end, size_t, int, bool) override {
    if (polls.empty() || assignment().empty() != assigned.empty()) {
      ++empty_polls;
      return 0;
    }
    Poll p = std::move(polls.front());
    polls.pop_front();
    if (const auto it = revoke_at.find(polled++); it != revoke_at.end() && handler != nullptr) {
      revoke_commits.push_back(handler->revoked(it->second));
    }
    std::vector<evt::HeaderView> hv;
    for (const auto& r : p.records) {
      visit(evt::view_of(r, hv));
    }
    reached_end.insert(reached_end.end(), p.eof.begin(), p.eof.end());
    return p.records.size();
  }
  // Group mode: the assignment is empty (still joining) until this time.
  std::chrono::steady_clock::time_point assigned_from{};
  std::vector<TopicPartition> assignment() override {
    return std::chrono::steady_clock::now() >= assigned_from ? assigned : std::vector<TopicPartition>{};
  }
  int refuse_commits = 0;  // the next N commits meet a rebalance
  bool commit(const std::map<TopicPartition, int64_t>& next) override {
    if (refuse_commits > 0) {
      --refuse_commits;
      return false;
    }
    commits.push_back(next);
    return true;
  }
  std::vector<std::map<TopicPartition, int64_t>> rewinds;
  void rewind(const std::map<TopicPartition, int64_t>& positions) override { rewinds.push_back(positions); }
  RevokeHandler* handler = nullptr;
  std::vector<std::map<TopicPartition, int64_t>> revoke_commits;
  void set_revoke_handler(RevokeHandler* h) override { handler = h; }
};

class CollectOutput : public TailOutput {
 public:
  std::vector<std::string> shown;  // "partition@offset", once written
  std::vector<std::string> pending;
  int batches = 0;
  int dropped = 0;
  void record(const evt::RecordView& r) override {
    pending.push_back(std::to_string(r.partition) + "@" + std::to_string(r.offset));
  }
  void batch_done() override {
    ++batches;
    shown.insert(shown.end(), pending.begin(), pending.end());
    pending.clear();
  }
  void batch_dropped() override {
    ++dropped;
    pending.clear();
  }
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

}  // namespace

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
                        rec(0, 3, R"({"n":4})"), rec(0, 4, R"({"n":5})")},
                       {}});
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
  const auto stats =
      run_tail(src, {plan(0, 0, 6, 6), plan(1, 0, 2, 2), plan(2, 0, 9, 9)}, RecordFilter(), out, o);
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

TEST_CASE(
    "a bounded read ends on EOF when a transaction marker or compaction leaves the last offset unused") {
  // Records 0..3, then a commit marker at 4: the end is 5 and no record has
  // offset 4, so only the client's end-of-partition event can finish the read.
  FakeSource src;
  src.polls.push_back({{rec(0, 0), rec(0, 1), rec(0, 2), rec(0, 3)}, {}});
  src.polls.push_back({{}, {{"t", 0}}});
  src.polls.push_back({{rec(0, 5)}, {}});  // written after the start: never polled
  CollectOutput out;
  const auto stats = run_tail(src, {plan(0, 0, 5, 5)}, RecordFilter(), out, TailOptions{});
  CHECK(stats.read == 4);
  CHECK(out.shown == std::vector<std::string>{"0@0", "0@1", "0@2", "0@3"});
  CHECK(src.polls.size() == 1);
}

TEST_CASE(
    "group mode: a bounded read that stops making progress after the join fails after the idle timeout") {
  FakeSource src;
  src.assigned = {{"t", 0}};
  src.polls.push_back({{rec(0, 0)}, {}});  // then nothing: the broker went away
  CollectOutput out;
  TailOptions o;
  o.group = true;
  o.idle_timeout_ms = 50;
  const auto started = std::chrono::steady_clock::now();
  // Guard: without a stall check the loop would never end.
  o.stop_requested = [&] { return std::chrono::steady_clock::now() - started > std::chrono::seconds(20); };
  try {
    run_tail(src, {plan(0, 0, 3, 3), plan(1, 0, 4, 4)}, RecordFilter(), out, o);
    FAIL("no error");
  } catch (const evt::BrokerError& e) {
    // Only the partition assigned to this member is pending.
    CHECK(std::string(e.what()).ends_with("short of their end: t/0"));
  }
}

TEST_CASE("group mode: a slow join is not a stall") {
  FakeSource src;
  src.assigned = {{"t", 0}};
  src.assigned_from = std::chrono::steady_clock::now() + std::chrono::milliseconds(150);
  src.polls.push_back({{}, {}});  // the first fetch after the join brings nothing yet
  src.polls.push_back({{rec(0, 0), rec(0, 1)}, {{"t", 0}}});
  CollectOutput out;
  TailOptions o;
  o.group = true;
  o.idle_timeout_ms = 30;  // shorter than the join
  const auto stats = run_tail(src, {plan(0, 0, 2, 2)}, RecordFilter(), out, o);
  CHECK(out.shown == std::vector<std::string>{"0@0", "0@1"});
  CHECK_FALSE(stats.interrupted);
}

TEST_CASE("group mode: a batch whose commit a rebalance refused is dropped and read again") {
  FakeSource src;
  src.assigned = {{"t", 0}, {"t", 1}};
  src.polls.push_back({{rec(0, 0), rec(0, 1)}, {}});
  src.polls.push_back({{rec(0, 2), rec(1, 7), rec(0, 3)}, {}});  // refused
  src.polls.push_back({{rec(0, 2), rec(1, 7), rec(0, 3)}, {}});  // read again after the rewind
  CollectOutput out;
  TailOptions o;
  o.group = true;
  o.poll_timeout_ms = 1;
  int polls = 0;
  o.stop_requested = [&] {
    if (++polls == 2) {
      src.refuse_commits = 1;  // the second batch meets the rebalance
    }
    return src.polls.empty();
  };
  const auto stats = run_tail(src, {}, RecordFilter(), out, o);
  CHECK(out.shown == std::vector<std::string>{"0@0", "0@1", "0@2", "1@7", "0@3"});
  CHECK(out.dropped == 1);
  REQUIRE(src.rewinds.size() == 1);
  CHECK(src.rewinds[0] == std::map<TopicPartition, int64_t>{{{"t", 0}, 2}, {{"t", 1}, 7}});
  REQUIRE(src.commits.size() == 2);
  CHECK(src.commits[1] == std::map<TopicPartition, int64_t>{{{"t", 0}, 4}, {{"t", 1}, 8}});
  CHECK(stats.shown == 5);
  CHECK(stats.read == 5);
}

TEST_CASE("group mode: revoked partitions hand over their shown progress and restart clean") {
  FakeSource src;
  src.assigned = {{"t", 0}, {"t", 1}};
  src.polls.push_back({{rec(0, 0), rec(1, 5)}, {}});
  src.polls.push_back({{rec(0, 1)}, {}});
  src.revoke_at[1] = {{"t", 1}};
  // Partition 1 comes back from its committed offset (6).
  src.polls.push_back({{rec(1, 6)}, {}});
  CollectOutput out;
  TailOptions o;
  o.group = true;
  o.poll_timeout_ms = 1;
  o.stop_requested = [&] { return src.polls.empty(); };
  run_tail(src, {}, RecordFilter(), out, o);
  REQUIRE(src.revoke_commits.size() == 1);
  CHECK(src.revoke_commits[0] == std::map<TopicPartition, int64_t>{{{"t", 1}, 6}});
  CHECK(out.shown == std::vector<std::string>{"0@0", "1@5", "0@1", "1@6"});
  REQUIRE(src.commits.size() == 3);
  CHECK(src.commits[1] == std::map<TopicPartition, int64_t>{{{"t", 0}, 2}});
  CHECK(src.commits[2] == std::map<TopicPartition, int64_t>{{{"t", 1}, 7}});
  CHECK(src.handler == nullptr);  // unregistered when the run ends
}
