#include "evt/tail/command.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/signals.hpp"
#include "evt/tail/plan.hpp"
#include "evt/tail/source.hpp"

#include <malloc.h>

#include <chrono>

namespace evt::tail {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

filter::FilterSpec filter_spec(const TailCommand& command) {
  auto spec = command.filter;
  if (!command.key.empty()) {
    spec.key = command.key;
  }
  return spec;
}

}  // namespace

read::PositionSpec position_of(const TailCommand& o, int64_t now_ms) {
  const bool bounded = o.exit_at_end || !o.end.empty();
  // Default: follow new records; with an end, read what is there.
  return read::parse_start_end(o.start, o.end,
                               {bounded ? read::BoundKind::beginning : read::BoundKind::end, 0}, now_ms);
}

void check_group_flags(const TailCommand& o, const read::PositionSpec& position) {
  // In a group the start is the committed offset; -s only picks the
  // reset policy for partitions the group has never committed.
  const bool plain =
      position.start.kind == read::BoundKind::beginning || position.start.kind == read::BoundKind::end;
  if (!plain || position.end || !o.partitions.empty()) {
    throw UsageError("with -g, reading starts at the group's committed offsets",
                     "-s accepts only beginning or end (for partitions without a commit); -p, --end and "
                     "ranges need no -g");
  }
}

TailJob::TailJob(TailCommand command)
    : m_command(std::move(command)),
      m_filter(filter_spec(m_command)),
      m_position(position_of(m_command, now_ms())) {}

TailStats TailJob::run(kafka::ClientConfig config, TailOutput& output, bool output_needs_headers,
                       const std::function<void(const std::string&)>& on_note) {
  const auto& o = m_command;
  // Bounded reads end on the client's end-of-partition event (the last
  // offsets may be transaction markers or compacted away, so no record
  // reaches the end offset); the time search needs it too.
  kafka::require_partition_eof(config);
  kafka::Admin admin(config);
  TailOptions options;
  if (o.count >= 0) {
    options.count = static_cast<uint64_t>(o.count);
  }
  options.with_headers = output_needs_headers || m_filter.needs_headers();
  options.idle_timeout_ms = config.timeout_ms;
  options.stop_requested = [] { return interrupted(); };
  TailRequest request{o.topics, {}, m_position, o.exit_at_end};
  kafka::ConsumerOptions consumer_options;
  if (!o.partitions.empty()) {
    request.partitions = read::parse_partition_list(o.partitions);
  }
  if (!o.group.empty()) {
    check_group_flags(o, m_position);
    consumer_options.group = o.group;
    consumer_options.auto_offset_reset =
        m_position.start.kind == read::BoundKind::end ? "latest" : "earliest";
    request.position = {{read::BoundKind::beginning, 0}, std::nullopt};
    options.group = true;
  }
  const auto plan = plan_tail(admin, config, request);
  for (const auto& n : plan.notes) {
    on_note(n);
  }
  // Fetch responses are large short-lived buffers; above glibc's mmap
  // threshold each one is a fresh mmap whose pages the kernel must zero.
  // Serving them from the heap instead is measurably faster (see benchmarks).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  kafka::Consumer consumer(config, consumer_options);
  ConsumerSource source(consumer);  // the group's rebalance listener: before subscribe()
  if (options.group) {
    consumer.subscribe(o.topics);
  } else {
    consumer.assign(start_positions(plan.partitions));
  }
  const auto stats =
      run_tail(source, o.exit_at_end || !options.group ? plan.partitions : std::vector<read::PartitionPlan>{},
               m_filter, output, options);
  output.batch_done();
  consumer.close();
  return stats;
}

}  // namespace evt::tail
