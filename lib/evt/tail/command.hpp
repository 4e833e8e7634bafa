#pragma once
// One `evt tail` run from its flags: the position grammar with its
// defaults, the filter, the group rules, planning, the consumer (assigned
// or subscribed) and the read loop, ending with the consumer closed.

#include "evt/filter/filter.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/read/position.hpp"
#include "evt/tail/tail.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace evt::tail {

// The flags of `evt tail` that say what to read, as given.
struct TailCommand {
  std::vector<std::string> topics;
  std::string start;       // -s; "" = default
  std::string end;         // --end
  std::string partitions;  // -p list
  int64_t count = -1;      // -n; -1: no limit
  bool exit_at_end = false;
  std::string group;
  filter::FilterSpec filter;
  std::string key;  // --key ("" = any)
};

// Where to start and stop: -s (default: the end, following new records;
// the beginning when -e or --end bounds the read) and --end. Throws
// UsageError for bad positions or --end with a range in -s.
read::PositionSpec position_of(const TailCommand& command, int64_t now_ms);

// With -g: reading starts at the group's committed offsets, so only a
// plain beginning/end -s (the reset policy) goes with it; throws UsageError.
void check_group_flags(const TailCommand& command, const read::PositionSpec& position);

// A tail run: filter and positions checked up front.
class TailJob {
 public:
  // Compiles the filter and parses the positions (UsageError).
  explicit TailJob(TailCommand command);

  // True when the filter looks at headers.
  bool filter_needs_headers() const { return m_filter.needs_headers(); }

  // Plans the read (notes for -v go to `on_note`), reads into `output`
  // until the end, the count or Ctrl-C, and closes the consumer.
  // `output_needs_headers`: the output shows headers.
  TailStats run(kafka::ClientConfig config, TailOutput& output, bool output_needs_headers,
                const std::function<void(const std::string&)>& on_note);

 private:
  TailCommand m_command;
  filter::RecordFilter m_filter;
  read::PositionSpec m_position;
};

}  // namespace evt::tail
