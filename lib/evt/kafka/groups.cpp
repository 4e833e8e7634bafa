#include "evt/kafka/groups.hpp"

#include "evt/error.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/signals.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace evt::kafka {

std::string to_string(GroupState state) {
  switch (state) {
    case GroupState::preparing_rebalance:
      return "PreparingRebalance";
    case GroupState::completing_rebalance:
      return "CompletingRebalance";
    case GroupState::stable:
      return "Stable";
    case GroupState::dead:
      return "Dead";
    case GroupState::empty:
      return "Empty";
    case GroupState::unknown:
      break;
  }
  return "Unknown";
}

struct Groups::Impl : ClientParts {
  using ClientParts::ClientParts;
};

Groups::Groups(const ClientConfig& config) : Groups(Client(config)) {}

Groups::Groups(const Client& client) : m_impl(std::make_unique<Impl>(client.core())) {}

Groups::~Groups() = default;

namespace {

GroupState to_state(rd_kafka_consumer_group_state_t s) {
  switch (s) {
    case RD_KAFKA_CONSUMER_GROUP_STATE_PREPARING_REBALANCE:
      return GroupState::preparing_rebalance;
    case RD_KAFKA_CONSUMER_GROUP_STATE_COMPLETING_REBALANCE:
      return GroupState::completing_rebalance;
    case RD_KAFKA_CONSUMER_GROUP_STATE_STABLE:
      return GroupState::stable;
    case RD_KAFKA_CONSUMER_GROUP_STATE_DEAD:
      return GroupState::dead;
    case RD_KAFKA_CONSUMER_GROUP_STATE_EMPTY:
      return GroupState::empty;
    default:
      return GroupState::unknown;
  }
}

AdminOptionsPtr admin_options(rd_kafka_t* rk, rd_kafka_admin_op_t op, int timeout_ms) {
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(rk, op));
  std::array<char, 512> err{};
  rd_kafka_AdminOptions_set_request_timeout(options.get(), timeout_ms, err.data(), err.size());
  return options;
}

// Waits for one admin result; the admin call has its own timeout, so a
// little grace on top of it means it answers before we give up.
EventPtr wait_result(rd_kafka_queue_t* queue, int timeout_ms, const std::string& what,
                     const std::string& brokers) {
  // In short slices, so that SIGINT/SIGTERM ends the wait at once.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms + 2000);
  EventPtr ev;
  while (!ev && Clock::now() < deadline) {
    if (interrupted()) {
      throw Interrupted();
    }
    ev.reset(rd_kafka_queue_poll(queue, 200));
  }
  if (!ev) {
    throw_kafka_error(RD_KAFKA_RESP_ERR__TIMED_OUT, what, brokers);
  }
  return ev;
}

// Error codes by which a broker says it does not implement a request kind.
bool is_unsupported(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE || err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
         err == RD_KAFKA_RESP_ERR_INVALID_REQUEST;
}

std::vector<TopicPartition> to_partitions(const rd_kafka_topic_partition_list_t* tpl) {
  std::vector<TopicPartition> out;
  if (tpl == nullptr) {
    return out;
  }
  for (int i = 0; i < tpl->cnt; ++i) {
    out.push_back({tpl->elems[i].topic, tpl->elems[i].partition});
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::map<std::string, std::map<TopicPartition, int64_t>> Groups::committed_offsets(
    const std::vector<std::string>& groups, const std::vector<TopicPartition>& partitions) {
  const auto& c = m_impl->config;
  rd_kafka_t* rk = m_impl->rk.get();
  QueuePtr queue(rd_kafka_queue_new(rk));
  // Matching an OffsetFetch answer to its request is quadratic in librdkafka
  // 2.0.2, so long partition lists go in a few slices (a bounded number of
  // requests per group, whatever the partition count).
  std::vector<TplPtr> slices;
  const size_t chunk = partitions.empty() ? 1 : std::max<size_t>(2500, (partitions.size() + 3) / 4);
  for (size_t begin = 0; begin < partitions.size(); begin += chunk) {
    const size_t n = std::min(chunk, partitions.size() - begin);
    TplPtr tpl(rd_kafka_topic_partition_list_new(static_cast<int>(n)));
    for (size_t i = begin; i < begin + n; ++i) {
      rd_kafka_topic_partition_list_add(tpl.get(), partitions[i].topic.c_str(), partitions[i].partition);
    }
    slices.push_back(std::move(tpl));
  }
  if (slices.empty()) {
    slices.emplace_back();  // no list: everything the group committed
  }
  // librdkafka takes one group per call; issuing every call before waiting
  // for any lets the requests of all groups travel at the same time.
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, c.timeout_ms);
  for (const auto& group : groups) {
    for (const auto& tpl : slices) {
      GroupOffsetsPtr request(rd_kafka_ListConsumerGroupOffsets_new(group.c_str(), tpl.get()));
      rd_kafka_ListConsumerGroupOffsets_t* requests[] = {request.get()};
      rd_kafka_ListConsumerGroupOffsets(rk, requests, 1, options.get(), queue.get());
    }
  }
  std::map<std::string, std::map<TopicPartition, int64_t>> result;
  for (size_t n = 0; n < groups.size() * slices.size(); ++n) {
    auto ev = wait_result(queue.get(), c.timeout_ms, "cannot fetch committed offsets", c.brokers);
    if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw BrokerError(std::string("cannot fetch committed offsets: ") +
                        rd_kafka_event_error_string(ev.get()));
    }
    const auto* res = rd_kafka_event_ListConsumerGroupOffsets_result(ev.get());
    size_t cnt = 0;
    const rd_kafka_group_result_t** results = rd_kafka_ListConsumerGroupOffsets_result_groups(res, &cnt);
    for (size_t i = 0; i < cnt; ++i) {
      const std::string name = rd_kafka_group_result_name(results[i]);
      if (const auto* error = rd_kafka_group_result_error(results[i])) {
        const auto code = rd_kafka_error_code(error);
        const std::string what = "cannot fetch the committed offsets of group '" + name + "'";
        if (code == RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED) {
          throw_kafka_error(code, what, c.brokers);
        }
        throw BrokerError(what + ": " + rd_kafka_error_string(error));
      }
      auto& offsets = result[name];
      const auto* parts = rd_kafka_group_result_partitions(results[i]);
      for (int p = 0; parts != nullptr && p < parts->cnt; ++p) {
        const auto& e = parts->elems[p];
        if (e.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
          offsets[{e.topic, e.partition}] = k_no_commit;
          continue;
        }
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          throw_kafka_error(e.err,
                            "cannot fetch the committed offset of group '" + name + "' for " + e.topic + "[" +
                                std::to_string(e.partition) + "]",
                            c.brokers);
        }
        offsets[{e.topic, e.partition}] = e.offset < 0 ? k_no_commit : e.offset;
      }
    }
  }
  // Groups the broker knows nothing about still get an (empty) entry.
  for (const auto& group : groups) {
    auto& offsets = result[group];
    for (const auto& tp : partitions) {
      offsets.try_emplace(tp, k_no_commit);
    }
  }
  return result;
}

namespace {

// True (with `out` marked unsupported) when the broker does not implement
// the admin API behind `ev`; throws for any other request-level error.
template <class T>
bool broker_lacks_api(rd_kafka_event_t* ev, MaybeSupported<T>& out, const char* what,
                      const std::string& brokers) {
  const auto top = rd_kafka_event_error(ev);
  if (top == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return false;
  }
  if (is_unsupported(top)) {
    out.supported = false;
    out.error = rd_kafka_event_error_string(ev);
    return true;
  }
  throw_kafka_error(top, what, brokers);
}

}  // namespace

MaybeSupported<std::vector<GroupListing>> Groups::list_groups() {
  const auto& c = m_impl->config;
  rd_kafka_t* rk = m_impl->rk.get();
  QueuePtr queue(rd_kafka_queue_new(rk));
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, c.timeout_ms);
  rd_kafka_ListConsumerGroups(rk, options.get(), queue.get());
  auto ev = wait_result(queue.get(), c.timeout_ms, "cannot list consumer groups", c.brokers);
  MaybeSupported<std::vector<GroupListing>> out;
  if (broker_lacks_api(ev.get(), out, "cannot list consumer groups", c.brokers)) {
    return out;
  }
  const auto* res = rd_kafka_event_ListConsumerGroups_result(ev.get());
  size_t cnt = 0;
  // Per-broker errors: a broker that cannot answer ListGroups makes the
  // listing incomplete, which is as good as no listing for lag purposes.
  const rd_kafka_error_t** errors = rd_kafka_ListConsumerGroups_result_errors(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    const auto code = rd_kafka_error_code(errors[i]);
    out.error = rd_kafka_error_string(errors[i]);
    if (is_unsupported(code)) {
      out.supported = false;
      return out;
    }
    throw BrokerError("cannot list consumer groups: " + out.error);
  }
  const rd_kafka_ConsumerGroupListing_t** listings = rd_kafka_ListConsumerGroups_result_valid(res, &cnt);
  for (size_t i = 0; i < cnt; ++i) {
    out.value.push_back({rd_kafka_ConsumerGroupListing_group_id(listings[i]),
                         to_state(rd_kafka_ConsumerGroupListing_state(listings[i])),
                         rd_kafka_ConsumerGroupListing_is_simple_consumer_group(listings[i]) != 0});
  }
  std::sort(out.value.begin(), out.value.end(),
            [](const auto& a, const auto& b) { return a.group < b.group; });
  return out;
}

MaybeSupported<std::vector<GroupDescription>> Groups::describe_groups(
    const std::vector<std::string>& groups) {
  MaybeSupported<std::vector<GroupDescription>> out;
  if (groups.empty()) {
    return out;
  }
  const auto& c = m_impl->config;
  rd_kafka_t* rk = m_impl->rk.get();
  QueuePtr queue(rd_kafka_queue_new(rk));
  auto options = admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, c.timeout_ms);
  std::vector<const char*> names;
  for (const auto& g : groups) {
    names.push_back(g.c_str());
  }
  rd_kafka_DescribeConsumerGroups(rk, names.data(), names.size(), options.get(), queue.get());
  auto ev = wait_result(queue.get(), c.timeout_ms, "cannot describe consumer groups", c.brokers);
  if (broker_lacks_api(ev.get(), out, "cannot describe consumer groups", c.brokers)) {
    return out;
  }
  const auto* res = rd_kafka_event_DescribeConsumerGroups_result(ev.get());
  size_t cnt = 0;
  const rd_kafka_ConsumerGroupDescription_t** descs =
      rd_kafka_DescribeConsumerGroups_result_groups(res, &cnt);
  size_t unsupported = 0;
  for (size_t i = 0; i < cnt; ++i) {
    const auto* d = descs[i];
    GroupDescription gd;
    gd.group = rd_kafka_ConsumerGroupDescription_group_id(d);
    if (const auto* error = rd_kafka_ConsumerGroupDescription_error(d)) {
      gd.error = rd_kafka_error_string(error);
      if (is_unsupported(rd_kafka_error_code(error))) {
        ++unsupported;
        out.error = gd.error;
      }
      out.value.push_back(std::move(gd));
      continue;
    }
    gd.state = to_state(rd_kafka_ConsumerGroupDescription_state(d));
    if (const char* assignor = rd_kafka_ConsumerGroupDescription_partition_assignor(d)) {
      gd.assignor = assignor;
    }
    if (const auto* node = rd_kafka_ConsumerGroupDescription_coordinator(d)) {
      gd.coordinator = rd_kafka_Node_id(node);
    }
    const size_t members = rd_kafka_ConsumerGroupDescription_member_count(d);
    for (size_t m = 0; m < members; ++m) {
      const auto* md = rd_kafka_ConsumerGroupDescription_member(d, m);
      GroupMember member;
      member.member_id = rd_kafka_MemberDescription_consumer_id(md);
      member.client_id = rd_kafka_MemberDescription_client_id(md);
      member.host = rd_kafka_MemberDescription_host(md);
      if (const auto* a = rd_kafka_MemberDescription_assignment(md)) {
        member.assignment = to_partitions(rd_kafka_MemberAssignment_partitions(a));
      }
      gd.members.push_back(std::move(member));
    }
    out.value.push_back(std::move(gd));
  }
  if (cnt > 0 && unsupported == cnt) {
    out.supported = false;
  }
  return out;
}

}  // namespace evt::kafka
