#include "evt/deliver/watermark.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <vector>

using evt::TopicPartition;
using evt::deliver::AckWatermark;

TEST_CASE("watermark: nothing read, nothing to commit") {
  AckWatermark w;
  const TopicPartition tp{"t", 0};
  CHECK_FALSE(w.commit_offset(tp).has_value());
  CHECK(w.commit_offsets().empty());
  CHECK(w.in_flight() == 0);
}

TEST_CASE("watermark: acknowledgements out of order commit only the contiguous prefix") {
  AckWatermark w;
  const TopicPartition tp{"t", 3};
  w.sent(tp, 10);
  w.sent(tp, 11);
  w.sent(tp, 12);
  CHECK(w.commit_offset(tp) == 10);
  CHECK(w.acked(tp, 12));
  CHECK(w.commit_offset(tp) == 10);
  CHECK(w.acked(tp, 10));
  CHECK(w.commit_offset(tp) == 11);
  CHECK(w.in_flight() == 1);
  CHECK(w.in_flight(tp) == 1);
  CHECK(w.acked(tp, 11));
  CHECK(w.commit_offset(tp) == 13);
  CHECK(w.in_flight() == 0);
}

TEST_CASE("watermark: repeated and unknown acknowledgements are ignored") {
  AckWatermark w;
  const TopicPartition tp{"t", 0};
  w.sent(tp, 5);
  CHECK(w.acked(tp, 5));
  CHECK_FALSE(w.acked(tp, 5));
  CHECK_FALSE(w.acked(tp, 6));
  CHECK_FALSE(w.acked(TopicPartition{"other", 0}, 5));
  CHECK(w.commit_offset(tp) == 6);
}

TEST_CASE("watermark: filtered records between sent ones are passed once all before are done") {
  AckWatermark w;
  const TopicPartition tp{"t", 0};
  w.read_to(tp, 100);  // a whole batch filtered out
  CHECK(w.commit_offset(tp) == 100);
  w.sent(tp, 104);
  w.read_to(tp, 110);  // 105..109 filtered out
  CHECK(w.commit_offset(tp) == 104);
  CHECK(w.acked(tp, 104));
  CHECK(w.commit_offset(tp) == 110);
  w.read_to(tp, 50);  // never moves back
  CHECK(w.commit_offset(tp) == 110);
}

TEST_CASE("watermark: a failed (never acknowledged) record holds its partition only") {
  AckWatermark w;
  const TopicPartition a{"t", 0};
  const TopicPartition b{"t", 1};
  w.sent(a, 0);
  w.sent(a, 1);
  w.sent(b, 0);
  CHECK(w.acked(a, 1));
  CHECK(w.acked(b, 0));
  const auto all = w.commit_offsets();
  CHECK(all.at(a) == 0);
  CHECK(all.at(b) == 1);
}

TEST_CASE("watermark: offsets must increase per partition") {
  AckWatermark w;
  const TopicPartition tp{"t", 0};
  w.sent(tp, 7);
  CHECK_THROWS_AS(w.sent(tp, 7), std::logic_error);
  CHECK_THROWS_AS(w.sent(tp, 3), std::logic_error);
}

TEST_CASE("watermark: forget drops a revoked partition and its in-flight count") {
  AckWatermark w;
  const TopicPartition a{"t", 0};
  const TopicPartition b{"t", 1};
  w.sent(a, 0);
  w.sent(a, 1);
  w.sent(b, 0);
  CHECK(w.in_flight() == 3);
  w.forget(a);
  CHECK(w.in_flight() == 1);
  CHECK_FALSE(w.commit_offset(a).has_value());
  CHECK(w.commit_offset(b) == 0);
}

TEST_CASE("watermark: random acknowledgement orders never commit past an unacknowledged record") {
  std::mt19937 rng(42);
  for (int round = 0; round < 50; ++round) {
    AckWatermark w;
    const TopicPartition tp{"t", 0};
    std::vector<int64_t> offsets;
    int64_t o = 0;
    for (int i = 0; i < 200; ++i) {
      o += 1 + static_cast<int64_t>(rng() % 3);  // gaps like compacted logs
      offsets.push_back(o);
      w.sent(tp, o);
    }
    std::vector<int64_t> order = offsets;
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<bool> done(offsets.size(), false);
    for (const auto off : order) {
      REQUIRE(w.acked(tp, off));
      done[static_cast<size_t>(std::lower_bound(offsets.begin(), offsets.end(), off) - offsets.begin())] =
          true;
      const auto first_open = std::find(done.begin(), done.end(), false);
      const int64_t expected = first_open == done.end()
                                   ? offsets.back() + 1
                                   : offsets[static_cast<size_t>(first_open - done.begin())];
      REQUIRE(w.commit_offset(tp) == expected);
    }
    CHECK(w.in_flight() == 0);
  }
}
