#include "evt/tail/tail.hpp"

#include "evt/error.hpp"
#include "evt/output/duration.hpp"

#include <chrono>
#include <thread>

namespace evt::tail {
namespace {

struct PartState {
  std::optional<int64_t> end;
  int64_t log_end = 0;
  int64_t next = -1;       // next offset to read (-1: nothing read yet)
  int64_t committed = -1;  // last next-offset committed (group mode)
  bool done = false;
};

using Clock = std::chrono::steady_clock;

// How long to wait before reading again after the group refused a commit
// (it is rebalancing: the revocation follows within a heartbeat).
constexpr auto k_rebalance_backoff = std::chrono::milliseconds(50);

class Engine : public RevokeHandler {
 public:
  Engine(const std::vector<read::PartitionPlan>& plans, const filter::RecordFilter& filter,
         TailOutput& output, const TailOptions& options)
      : m_filter(filter), m_output(output), m_options(options) {
    for (const auto& p : plans) {
      auto& s = m_parts[p.partition];
      s.end = p.end;
      s.log_end = p.log_end;
      s.done = p.empty();
      m_bounded = m_bounded && p.end.has_value();
    }
    m_bounded = m_bounded && !plans.empty();
  }

  TailStats run(RecordSource& source) {
    std::vector<TopicPartition> reached;
    auto last_progress = Clock::now();
    const auto visit = [this](const RecordView& r) { on_record(r); };
    if (m_options.count && *m_options.count == 0) {
      m_stats.count_reached = true;
      return m_stats;
    }
    struct Unregister {
      RecordSource& source;
      bool active;
      ~Unregister() {
        if (active) {
          source.set_revoke_handler(nullptr);
        }
      }
    } unregister{source, m_options.group};
    if (m_options.group) {
      source.set_revoke_handler(this);
    }
    while (!finished(source)) {
      if (m_options.stop_requested && m_options.stop_requested()) {
        m_stats.interrupted = true;
        break;
      }
      reached.clear();
      begin_batch();
      const size_t n = source.poll(visit, reached, m_options.batch_size, m_options.poll_timeout_ms,
                                   m_options.with_headers);
      for (const auto& tp : reached) {
        on_end_reached(tp);
      }
      // Group mode: commit first, then show, so what is shown is always
      // committed and the partitions' next owner never shows it again.
      if (m_options.group && !commit(source)) {
        drop_batch(source);
        std::this_thread::sleep_for(k_rebalance_backoff);
        continue;
      }
      if (m_batch_shown > 0) {
        m_output.batch_done();
      }
      if (m_stats.count_reached) {
        break;
      }
      if (n > 0 || !reached.empty() || m_assignment_changed) {
        // A new group assignment restarts the clock: joining is not a stall.
        m_assignment_changed = false;
        last_progress = Clock::now();
      } else if (stalled(last_progress)) {
        throw BrokerError("no records arrived for " +
                              output::format_duration(std::chrono::milliseconds(m_options.idle_timeout_ms)) +
                              " while partitions were short of their end: " + pending_list(),
                          "check that the brokers are up, or raise --timeout");
      }
    }
    return m_stats;
  }

  std::map<TopicPartition, int64_t> revoked(const std::vector<TopicPartition>& partitions) override {
    std::map<TopicPartition, int64_t> done;
    for (const auto& tp : partitions) {
      const auto it = m_parts.find(tp);
      if (it == m_parts.end()) {
        continue;
      }
      if (it->second.next >= 0) {
        done[tp] = it->second.next;
      }
      // If the group gives it back, reading restarts at its committed offset.
      it->second.next = -1;
      it->second.committed = -1;
      m_touched.erase(tp);
    }
    m_last = nullptr;
    return done;
  }

 private:
  // A partition's state before the current batch, and its first offset in it.
  struct Touched {
    PartState before;
    int64_t first_offset = -1;
  };

  void begin_batch() {
    m_batch_shown = 0;
    m_last = nullptr;  // the first record of each partition is remembered
    if (m_options.group) {
      m_touched.clear();
      m_stats_before = m_stats;
    }
  }

  // Group mode: remembers how a partition was before this batch touched it.
  void remember(const TopicPartition& tp, const PartState& s, int64_t first_offset) {
    if (m_options.group) {
      m_touched.emplace(tp, Touched{s, first_offset});
    }
  }

  // Group mode: forgets the batch (its offsets were not committed) and reads
  // its partitions again from its first records.
  void drop_batch(RecordSource& source) {
    m_output.batch_dropped();
    m_stats = m_stats_before;
    std::map<TopicPartition, int64_t> rewind;
    for (auto& [tp, t] : m_touched) {
      m_parts[tp] = t.before;
      if (t.first_offset >= 0) {
        rewind[tp] = t.first_offset;
      }
    }
    m_touched.clear();
    m_last = nullptr;
    if (!rewind.empty()) {
      source.rewind(rewind);
    }
  }

  PartState* state_of(const RecordView& r) {
    // Records come in runs per partition: remember the last lookup.
    if (m_last != nullptr && r.partition == m_last_partition && r.topic == m_last_topic) {
      return m_last;
    }
    const TopicPartition tp{std::string(r.topic), r.partition};
    auto it = m_parts.find(tp);
    if (it == m_parts.end()) {
      if (!m_options.group) {
        return nullptr;  // not ours (cannot happen with manual assignment)
      }
      it = m_parts.emplace(tp, PartState{}).first;
    }
    remember(tp, it->second, r.offset);
    m_last = &it->second;
    m_last_topic = it->first.topic;
    m_last_partition = r.partition;
    return m_last;
  }

  void on_record(const RecordView& r) {
    if (m_stats.count_reached) {
      return;  // the rest of the batch is neither shown nor committed
    }
    PartState* s = state_of(r);
    if (s == nullptr || s->done) {
      return;
    }
    if (s->end && r.offset >= *s->end) {
      s->done = true;  // the first record at or past the end (gaps are fine)
      return;
    }
    s->next = r.offset + 1;
    if (s->end && s->next >= *s->end) {
      s->done = true;
    }
    ++m_stats.read;
    if (m_filter.matches(r)) {
      m_output.record(r);
      ++m_stats.shown;
      ++m_batch_shown;
      if (m_options.count && m_stats.shown >= *m_options.count) {
        m_stats.count_reached = true;
      }
    }
  }

  void on_end_reached(const TopicPartition& tp) {
    const auto it = m_parts.find(tp);
    // The client reached the partition's current end, which is at or past
    // the end captured at start: everything before `end` has been read.
    if (it != m_parts.end() && it->second.end && *it->second.end <= it->second.log_end) {
      remember(tp, it->second, -1);
      it->second.done = true;
    }
  }

  bool finished(RecordSource& source) {
    if (m_options.group) {
      if (!m_bounded) {
        return false;
      }
      auto assigned = source.assignment();
      if (assigned != m_assigned) {
        m_assigned = std::move(assigned);
        m_assignment_changed = true;
      }
      if (m_assigned.empty()) {
        return false;  // still joining
      }
      for (const auto& tp : m_assigned) {
        const auto it = m_parts.find(tp);
        if (it != m_parts.end() && !it->second.done) {
          return false;
        }
      }
      return true;
    }
    if (!m_bounded) {
      return false;
    }
    for (const auto& [tp, s] : m_parts) {
      if (!s.done) {
        return false;
      }
    }
    return true;
  }

  // The partitions this reader is responsible for: all planned ones, or in
  // group mode those the group assigned to it.
  std::vector<std::pair<TopicPartition, const PartState*>> own_parts() const {
    std::vector<std::pair<TopicPartition, const PartState*>> own;
    if (!m_options.group) {
      for (const auto& [tp, s] : m_parts) {
        own.emplace_back(tp, &s);
      }
      return own;
    }
    for (const auto& tp : m_assigned) {
      const auto it = m_parts.find(tp);
      own.emplace_back(tp, it != m_parts.end() ? &it->second : nullptr);
    }
    return own;
  }

  bool stalled(Clock::time_point last_progress) const {
    if (m_options.idle_timeout_ms <= 0 || !m_bounded) {
      return false;
    }
    if (m_options.group && m_assigned.empty()) {
      return false;  // still joining the group
    }
    // A partition waiting for records beyond the current end (or without an
    // end: a group partition the plan did not know) is not stalled.
    for (const auto& [tp, s] : own_parts()) {
      if (s == nullptr || (!s->done && (!s->end || *s->end > s->log_end))) {
        return false;
      }
    }
    return Clock::now() - last_progress > std::chrono::milliseconds(m_options.idle_timeout_ms);
  }

  std::string pending_list() const {
    std::string list;
    for (const auto& [tp, s] : own_parts()) {
      if (s != nullptr && !s->done) {
        list += (list.empty() ? "" : ", ") + tp.topic + "/" + std::to_string(tp.partition);
      }
    }
    return list;
  }

  // Commits what this batch read; false when the group refused it.
  bool commit(RecordSource& source) {
    std::map<TopicPartition, int64_t> next;
    for (auto& [tp, s] : m_parts) {
      if (s.next >= 0 && s.next != s.committed) {
        next[tp] = s.next;
        s.committed = s.next;
      }
    }
    return next.empty() || source.commit(next);
  }

  const filter::RecordFilter& m_filter;
  TailOutput& m_output;
  const TailOptions& m_options;
  std::map<TopicPartition, PartState> m_parts;
  bool m_bounded = true;
  std::vector<TopicPartition> m_assigned;  // group mode: the current assignment
  bool m_assignment_changed = false;
  TailStats m_stats;
  TailStats m_stats_before;                     // group mode: before this batch
  std::map<TopicPartition, Touched> m_touched;  // group mode: partitions this batch touched
  uint64_t m_batch_shown = 0;
  PartState* m_last = nullptr;
  std::string_view m_last_topic;
  int32_t m_last_partition = -1;
};

}  // namespace

TailStats run_tail(RecordSource& source, const std::vector<read::PartitionPlan>& plans,
                   const filter::RecordFilter& filter, TailOutput& output, const TailOptions& options) {
  Engine engine(plans, filter, output, options);
  return engine.run(source);
}

}  // namespace evt::tail
