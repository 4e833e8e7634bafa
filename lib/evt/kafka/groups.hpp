#pragma once

#include "evt/kafka/client.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/record.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::kafka {

// A consumer group's state as the group coordinator reports it.
enum class GroupState { unknown, preparing_rebalance, completing_rebalance, stable, dead, empty };

// "Stable", "Empty", … as Kafka's tools spell the states.
std::string to_string(GroupState state);

// One group as ListConsumerGroups reports it.
struct GroupListing {
  std::string group;
  GroupState state = GroupState::unknown;
  bool simple = false;  // a group that only commits offsets (no members ever joined)
};

// One member of a group and the partitions assigned to it.
struct GroupMember {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::vector<TopicPartition> assignment;
};

// A group as DescribeConsumerGroups reports it; `error` set when the broker
// could not describe this one group.
struct GroupDescription {
  std::string group;
  GroupState state = GroupState::unknown;
  std::string assignor;
  int32_t coordinator = -1;
  std::vector<GroupMember> members;
  std::string error;
};

// The answer of a group API the broker may not implement (the sandbox
// implements neither ListGroups nor DescribeGroups): `supported` is false
// when the broker rejected the request kind, with the broker's words in `error`.
template <typename T>
struct MaybeSupported {
  bool supported = true;
  std::string error;
  T value{};
};

// The offset a group committed for a partition: the next offset it will read.
inline constexpr int64_t k_no_commit = -1001;

// Consumer-group administration over one admin client. Every call is
// bounded by the client's timeout.
class Groups {
 public:
  explicit Groups(const ClientConfig& config);
  // Over a client shared with other users.
  explicit Groups(const Client& client);
  ~Groups();
  Groups(const Groups&) = delete;
  Groups& operator=(const Groups&) = delete;

  // Committed offsets of many groups: one OffsetFetch per group, all sent at
  // once. An empty `partitions` asks for everything each group committed;
  // otherwise those partitions, with k_no_commit where there is none.
  std::map<std::string, std::map<TopicPartition, int64_t>> committed_offsets(
      const std::vector<std::string>& groups, const std::vector<TopicPartition>& partitions);

  // Every consumer group (ListConsumerGroups, one request per broker).
  MaybeSupported<std::vector<GroupListing>> list_groups();

  // Members and state of groups (DescribeConsumerGroups, one request per coordinator).
  MaybeSupported<std::vector<GroupDescription>> describe_groups(const std::vector<std::string>& groups);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace evt::kafka
