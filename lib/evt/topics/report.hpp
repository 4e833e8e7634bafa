#pragma once
// How `evt topics` shows topics: tables for people, JSON for programs.

#include "evt/kafka/admin.hpp"
#include "evt/topics/topics.hpp"

#include <string>

namespace evt::topics {

// TOPIC / PARTITIONS / REPLICAS table; names terminal-safe.
std::string render_list_text(const kafka::ClusterInfo& cluster);

// [{"topic", "partitions", "replicas"}, …], pretty-printed.
std::string render_list_json(const kafka::ClusterInfo& cluster);

// "topic T" and a table of partitions: leader, replicas, ISR, log start
// and end, records ("-" for a partition without offsets).
std::string render_description_text(const TopicDescription& description);

// {"topic", "partitions": [{… "log_start", "log_end", "records"}]}; a
// partition without offsets has nulls and an "error".
std::string render_description_json(const TopicDescription& description);

}  // namespace evt::topics
