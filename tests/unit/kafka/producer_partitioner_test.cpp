// evt's partitioner (kafka/producer.cpp): keyed records where murmur2 puts
// them, keyless records sticky on a partition with a leader, and the
// producer's shortcut that sends the next keyless records of a run straight
// to that partition. Against librdkafka's in-process mock cluster.
#include "evt/kafka/mock_cluster.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/publish/partition_of.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace evt;

namespace {

kafka::ClientConfig config_for(const kafka::MockCluster& cluster, kafka::Properties properties = {}) {
  kafka::ClientConfig config;
  config.brokers = cluster.bootstraps();
  config.timeout_ms = 5000;
  config.properties = std::move(properties);
  return config;
}

Record keyless(const std::string& topic, int i) {
  Record r;
  r.topic = topic;
  r.value = "v" + std::to_string(i);
  return r;
}

// Sends `records` through produce_batch in slices of `slice` (as publish
// does), records the producer will not batch through produce(); returns the
// partition of each record by index, after every one was delivered.
std::vector<int32_t> send_all(kafka::Producer& producer, const std::vector<Record>& records, size_t slice) {
  std::vector<const Record*> pointers;
  std::vector<uint64_t> tokens;
  for (size_t i = 0; i < records.size(); ++i) {
    pointers.push_back(&records[i]);
    tokens.push_back(i);
  }
  size_t done = 0;
  while (done < records.size()) {
    const size_t n = std::min(slice, records.size() - done);
    if (!producer.batchable(records[done])) {
      producer.produce(records[done], tokens[done]);
      ++done;
      continue;
    }
    size_t run = 1;
    while (run < n && producer.batchable(records[done + run])) {
      ++run;
    }
    const size_t sent =
        producer.produce_batch(records[done].topic, pointers.data() + done, tokens.data() + done, run);
    REQUIRE(sent == run);
    done += sent;
  }
  std::vector<kafka::DeliveryReport> reports;
  REQUIRE(producer.flush(20000, reports) == 0);
  std::vector<int32_t> partitions(records.size(), -1);
  for (const auto& r : reports) {
    REQUIRE(r.delivered);
    REQUIRE(r.token < records.size());
    partitions[r.token] = r.partition;
  }
  for (const auto p : partitions) {
    REQUIRE(p >= 0);
  }
  return partitions;
}

// Sends one keyed record to each of `partitions` and waits for them: a
// partition counts as having a leader for the partitioner only once the
// client has joined it to its broker, which takes a moment after the
// metadata (longer on a loaded machine); before that, keyless records go
// to any partition, leaderless ones included, as with librdkafka's own
// partitioners.
void warm_up(kafka::Producer& producer, const std::string& topic, int partition_count,
             const std::set<int32_t>& partitions) {
  std::vector<Record> records;
  std::set<int32_t> covered;
  for (int i = 0; covered.size() < partitions.size() && i < 10000; ++i) {
    const std::string key = "warm-" + std::to_string(i);
    const auto p = publish::partitions_of({key}, partition_count).at(0).partition;
    if (partitions.count(p) != 0 && covered.insert(p).second) {
      Record r = keyless(topic, i);
      r.key = key;
      records.push_back(std::move(r));
    }
  }
  REQUIRE(covered == partitions);
  send_all(producer, records, records.size());
}

size_t longest_run(const std::vector<int32_t>& partitions) {
  size_t longest = 0;
  size_t run = 0;
  for (size_t i = 0; i < partitions.size(); ++i) {
    run = i > 0 && partitions[i] == partitions[i - 1] ? run + 1 : 1;
    longest = std::max(longest, run);
  }
  return longest;
}

size_t changes(const std::vector<int32_t>& partitions) {
  size_t n = 0;
  for (size_t i = 1; i < partitions.size(); ++i) {
    n += partitions[i] != partitions[i - 1] ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE(
    "evt's partitioner: keyless records stick to a partition a run at a time and spread over the topic") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 4);
  // A linger longer than the test: the runs end by count (a new partition
  // each time the partitioner is asked again would need the linger).
  kafka::Producer producer(config_for(cluster, {{"sticky.partitioning.linger.ms", "600000"}}));
  REQUIRE(producer.partition_count("t") == 4);
  std::vector<Record> records;
  for (int i = 0; i < 20000; ++i) {
    records.push_back(keyless("t", i));
  }
  const auto partitions = send_all(producer, records, 512);
  // All on the first partition chosen: asked again every 513 records, the
  // partitioner keeps it for the linger.
  CHECK(changes(partitions) == 0);
}

TEST_CASE("evt's partitioner: a keyless record after the linger may go elsewhere") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 4);
  SUBCASE("linger 0: a new partition every time") {
    kafka::Producer producer(config_for(cluster, {{"sticky.partitioning.linger.ms", "0"}}));
    warm_up(producer, "t", 4, {0, 1, 2, 3});
    std::vector<Record> records;
    for (int i = 0; i < 3000; ++i) {
      records.push_back(keyless("t", i));
    }
    const auto partitions = send_all(producer, records, 512);
    // Random among 4: about 3/4 of neighbours differ, and no long runs
    // (a run of 40 has odds of 4^-39).
    CHECK(changes(partitions) > 1000);
    CHECK(longest_run(partitions) < 40);
  }
  SUBCASE("records slower than the linger (--rate) spread over the partitions") {
    kafka::Producer producer(config_for(cluster));  // linger 10 ms, librdkafka's default
    std::vector<Record> records;
    for (int i = 0; i < 40; ++i) {
      records.push_back(keyless("t", i));
    }
    std::vector<int32_t> partitions;
    for (const auto& r : records) {
      // One at a time, 15 ms apart, as publish --rate 60/s sends them.
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
      partitions.push_back(send_all(producer, {r}, 1).at(0));
    }
    CHECK(std::set<int32_t>(partitions.begin(), partitions.end()).size() > 1);
  }
}

TEST_CASE("evt's partitioner: keyed records go where murmur2 puts them, batched or not") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 6);
  kafka::Producer producer(config_for(cluster));
  REQUIRE(producer.partition_count("t") == 6);
  std::vector<Record> records;
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) {
    Record r = keyless("t", i);
    if (i % 3 != 0) {  // a third keyless, mixed in
      r.key = "customer-" + std::to_string(i % 97);
      keys.push_back(*r.key);
    }
    if (i % 10 == 0) {  // some with headers: produce(), one by one
      r.headers.push_back(Header{"h", std::string("x")});
    }
    records.push_back(std::move(r));
  }
  const auto partitions = send_all(producer, records, 512);
  const auto expected = publish::partitions_of(keys, 6);
  size_t k = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].key) {
      CHECK(partitions[i] == expected[k].partition);
      ++k;
    }
  }
  CHECK(k == keys.size());
}

TEST_CASE("evt's partitioner: keyless records avoid partitions without a leader") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 4);
  cluster.set_partition_leader("t", 0, -1);
  cluster.set_partition_leader("t", 1, -1);
  cluster.set_partition_leader("t", 3, -1);
  kafka::Producer producer(config_for(cluster, {{"sticky.partitioning.linger.ms", "0"}}));
  REQUIRE(producer.partition_count("t") == 4);
  warm_up(producer, "t", 4, {2});
  std::vector<Record> records;
  for (int i = 0; i < 5000; ++i) {
    Record r = keyless("t", i);
    if (i % 7 == 0) {
      r.headers.push_back(Header{"h", std::string("x")});  // produce(), one by one
    }
    records.push_back(std::move(r));
  }
  const auto partitions = send_all(producer, records, 512);
  CHECK(std::set<int32_t>(partitions.begin(), partitions.end()) == std::set<int32_t>{2});
}

TEST_CASE("evt's partitioner: keyless records spread evenly over the partitions that have a leader") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 4);
  cluster.set_partition_leader("t", 1, -1);
  kafka::Producer producer(config_for(cluster, {{"sticky.partitioning.linger.ms", "0"}}));
  REQUIRE(producer.partition_count("t") == 4);
  warm_up(producer, "t", 4, {0, 2, 3});
  std::vector<Record> records;
  for (int i = 0; i < 6000; ++i) {
    records.push_back(keyless("t", i));
  }
  std::map<int32_t, int> counts;
  for (const auto p : send_all(producer, records, 512)) {
    ++counts[p];
  }
  // About 2000 each (sd ~37); the partition after the leaderless one must
  // not take its share too.
  CHECK(counts.count(1) == 0);
  for (const int32_t p : {0, 2, 3}) {
    CHECK(counts[p] > 1600);
    CHECK(counts[p] < 2400);
  }
}

TEST_CASE("-X topic.partitioner=… is librdkafka's, not evt's murmur2") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 6);
  kafka::Producer producer(config_for(cluster, {{"topic.partitioner", "consistent"}}));
  std::vector<Record> records;
  std::vector<std::string> keys;
  for (int i = 0; i < 97; ++i) {
    Record r = keyless("t", i);
    r.key = "customer-" + std::to_string(i);
    keys.push_back(*r.key);
    records.push_back(std::move(r));
  }
  const auto partitions = send_all(producer, records, 512);
  const auto murmur = publish::partitions_of(keys, 6);
  size_t same = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    same += partitions[i] == murmur[i].partition ? 1 : 0;
  }
  CHECK(same < keys.size() / 2);  // CRC32 placement agrees with murmur2 on about 1 in 6
}

TEST_CASE("another partitioner (-X partitioner=…) partitions on its own, nothing lost") {
  kafka::MockCluster cluster(1, nullptr);
  cluster.create_topic("t", 3);
  // With the linger off, librdkafka's random partitioner picks per record;
  // evt's sticky shortcut (which linger 0 would not turn off) is not used.
  kafka::Producer producer(
      config_for(cluster, {{"partitioner", "random"}, {"sticky.partitioning.linger.ms", "0"}}));
  std::vector<Record> records;
  for (int i = 0; i < 3000; ++i) {
    records.push_back(keyless("t", i));
  }
  const auto partitions = send_all(producer, records, 512);
  CHECK(changes(partitions) > 3000 / 513 + 100);
}
