#include "evt/dlq/route.hpp"

#include "evt/dlq/numbers.hpp"

#include <algorithm>

namespace evt::dlq {

std::optional<int64_t> redrive_count(std::span<const HeaderView> headers) {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (it->key == k_redrive_count) {
      if (!it->value) {
        return std::nullopt;
      }
      const auto d = decimal(*it->value);
      return d.ok() && d.value >= 0 ? std::optional<int64_t>(d.value) : std::nullopt;
    }
  }
  return 0;
}

Route decide_route(const RecordView& record, const DeadLetter& dead, const RouteSettings& settings,
                   const PartitionCount& partitions) {
  Route r;
  r.convention = dead.convention;
  const auto park = [&](std::string reason) {
    r.park = true;
    r.topic = settings.parking_topic;
    r.partition = -1;
    r.reason = std::move(reason);
    return r;
  };
  if (!dead.decodable()) {
    return park("undecodable: " + dead.problems.front());
  }
  const auto count = redrive_count(record.headers);
  if (!count) {
    return park("undecodable: header '" + std::string(k_redrive_count) + "' is not a count");
  }
  if (*count >= settings.max_redrives) {
    return park("re-driven " + std::to_string(*count) + " time(s) already (--max-redrives " +
                std::to_string(settings.max_redrives) + ")");
  }
  r.topic = settings.to.empty() ? dead.original_topic : settings.to;
  if (r.topic.empty()) {
    return park("no original topic");
  }
  // A dead letter of a consumer of the dead-letter topic itself: sending it
  // "back" would put it where it is, to be re-driven by the next run again.
  if (r.topic == settings.dlq_topic) {
    return park("original topic '" + r.topic + "' is the dead-letter topic itself");
  }
  if (r.topic == settings.parking_topic) {
    return park("original topic '" + r.topic + "' is the parking topic");
  }
  const auto n = partitions(r.topic);
  if (!n) {
    return park("unknown topic '" + r.topic + "'");
  }
  if (dead.original_partition && *dead.original_partition < *n) {
    r.partition = *dead.original_partition;
  } else if (!record.key) {
    return park(dead.original_partition ? "partition " + std::to_string(*dead.original_partition) + " of '" +
                                              r.topic + "' does not exist and the record has no key"
                                        : "no original partition and no key");
  }
  return r;
}

void rewrite_record(const Route& route, const RecordView& record, const RouteSettings& settings,
                    Record& out) {
  out.topic = route.topic;
  out.partition = route.partition;
  const auto count = redrive_count(record.headers).value_or(0);
  std::erase_if(out.headers, [&](const Header& h) {
    if (h.key.starts_with("evt_replay_") || h.key.starts_with("evt_redrive_")) {
      return true;
    }
    return !route.park && !settings.keep_headers &&
           is_failure_header(h.key, settings.custom, route.convention == Convention::generic);
  });
  if (route.park) {
    out.headers.push_back({std::string(k_parked_reason), route.reason});
    if (count > 0) {
      out.headers.push_back({std::string(k_redrive_count), std::to_string(count)});
    }
  } else {
    out.headers.push_back({std::string(k_redrive_count), std::to_string(count + 1)});
  }
}

}  // namespace evt::dlq

namespace evt::dlq {
namespace {

// Bytes of a zig-zag varint (Kafka's record format) holding n.
uint64_t varint_size(int64_t n) {
  auto z = (static_cast<uint64_t>(n) << 1) ^ static_cast<uint64_t>(n >> 63);
  uint64_t bytes = 1;
  while (z >= 0x80) {
    z >>= 7;
    ++bytes;
  }
  return bytes;
}

// librdkafka's RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD: length, attributes,
// timestamp delta, offset delta, key and value lengths, header count.
constexpr uint64_t k_record_overhead = 5 + 1 + 10 + 5 + 5 + 5 + 5;

}  // namespace

uint64_t wire_size(const Record& record, size_t extra_headers, uint64_t extra_header_bytes) {
  uint64_t size = k_record_overhead + (record.key ? record.key->size() : 0) +
                  (record.value ? record.value->size() : 0) + extra_header_bytes + 2 * 2 * extra_headers;
  for (const auto& h : record.headers) {
    const auto v = h.value ? static_cast<int64_t>(h.value->size()) : -1;
    size += varint_size(static_cast<int64_t>(h.key.size())) + h.key.size() + varint_size(v) +
            static_cast<uint64_t>(std::max<int64_t>(v, 0));
  }
  return size;
}

}  // namespace evt::dlq
