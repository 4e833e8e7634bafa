#include "evt/topics/topics.hpp"
#include "evt/error.hpp"
#include "evt/topics/report.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

using namespace evt;
using namespace evt::topics;

namespace {

TopicDescription sample() {
  TopicDescription d;
  d.topic.name = "orders";
  kafka::PartitionInfo p0;
  p0.id = 0;
  p0.leader = 1;
  p0.replicas = {1, 2};
  p0.isrs = {1, 2};
  kafka::PartitionInfo p1;
  p1.id = 1;
  p1.leader = -1;
  p1.replicas = {2};
  p1.isrs = {};
  d.topic.partitions = {p0, p1};
  d.ranges[{"orders", 0}] = OffsetRange{3, 10};
  return d;
}

}  // namespace

TEST_CASE("topic names follow Kafka's rule") {
  CHECK_NOTHROW(check_topic_name("orders.v1_eu-west"));
  CHECK_NOTHROW(check_topic_name(std::string(249, 'a')));
  CHECK_THROWS_AS(check_topic_name(std::string(250, 'a')), UsageError);
  CHECK_THROWS_AS(check_topic_name(""), UsageError);
  CHECK_THROWS_AS(check_topic_name("."), UsageError);
  CHECK_THROWS_AS(check_topic_name(".."), UsageError);
  CHECK_THROWS_AS(check_topic_name("a b"), UsageError);
  CHECK_THROWS_WITH_AS(check_topic_name("a\x1b[2Jb"), "invalid topic name 'a\\x1b[2Jb'", UsageError);
}

TEST_CASE("a partition without a leader or with an error has no offsets") {
  const auto d = sample();
  CHECK(has_offsets(d.topic.partitions[0]));
  CHECK_FALSE(has_offsets(d.topic.partitions[1]));
  kafka::PartitionInfo offline;
  offline.leader = 1;
  offline.error = "Broker: Leader not available";
  CHECK_FALSE(has_offsets(offline));
}

TEST_CASE("describe: warnings for the topic and partitions without offsets") {
  auto d = sample();
  CHECK(description_warnings(d) == std::vector<std::string>{"partition 1: no leader"});
  d.topic.error = "Broker: Unknown topic";
  d.topic.partitions[1].error = "Broker: Leader not available";
  CHECK(description_warnings(d) == std::vector<std::string>{"topic orders: Broker: Unknown topic",
                                                            "partition 1: Broker: Leader not available"});
}

TEST_CASE("describe: table and JSON, a partition without offsets shown with dashes and nulls") {
  const auto d = sample();
  const auto text = render_description_text(d);
  CHECK(text.rfind("topic orders\n", 0) == 0);
  CHECK(text.find("PARTITION") != std::string::npos);
  CHECK(text.find("1,2") != std::string::npos);
  const auto json = nlohmann::json::parse(render_description_json(d));
  CHECK(json["topic"] == "orders");
  CHECK(json["partitions"][0]["log_start"] == 3);
  CHECK(json["partitions"][0]["log_end"] == 10);
  CHECK(json["partitions"][0]["records"] == 7);
  CHECK(json["partitions"][1]["log_end"].is_null());
  CHECK(json["partitions"][1]["error"] == "no leader");
}

TEST_CASE("list: counts of partitions and replicas; names terminal-safe in the table") {
  kafka::ClusterInfo cluster;
  cluster.topics.push_back(sample().topic);
  kafka::TopicInfo empty;
  empty.name = "evil\x1b";
  cluster.topics.push_back(empty);
  const auto json = nlohmann::json::parse(render_list_json(cluster));
  CHECK(json[0] == nlohmann::json({{"topic", "orders"}, {"partitions", 2}, {"replicas", 2}}));
  CHECK(json[1]["replicas"] == 0);
  const auto text = render_list_text(cluster);
  CHECK(text.find("evil\\x1b") != std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}
