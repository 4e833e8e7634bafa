#include "evt/replay/capture.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/replay/checkpoint.hpp"
#include "evt/replay/dest_scan.hpp"
#include "evt/replay/provenance.hpp"
#include "evt/replay/retention.hpp"
#include "evt/replay/run_id.hpp"
#include "evt/replay/sender.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>

#include <unistd.h>

namespace evt::replay {

std::string capture_state_path(const std::string& capture, const std::string& run_id) {
  return capture + ".evt-replay-" + run_id + ".state";
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view k_state_magic = "evt-replay-capture/1";
constexpr size_t k_max_line = 64u << 20;  // bounded memory on hostile input

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

struct State {
  int64_t next_line = 1;
  CheckpointMeta meta;
};

std::optional<State> read_state(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  std::string magic, next, meta;
  std::getline(in, magic);
  std::getline(in, next);
  std::getline(in, meta);
  State s;
  const auto decoded = decode_checkpoint(meta);
  char* end = nullptr;
  s.next_line = std::strtoll(next.c_str(), &end, 10);
  if (magic != k_state_magic || !decoded || end == next.c_str() || *end != '\0' || s.next_line < 1) {
    throw InputError("'" + path + "' is not an evt replay state file", "remove it to start the run afresh");
  }
  s.meta = *decoded;
  return s;
}

// Write + fsync + rename: a kill leaves either the old or the new state.
void write_state(const std::string& path, const State& s) {
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    throw RuntimeError("cannot write the checkpoint '" + tmp + "': " + std::strerror(errno),
                       "the capture's directory must be writable");
  }
  const std::string text = std::string(k_state_magic) + "\n" + std::to_string(s.next_line) + "\n" +
                           encode_checkpoint(s.meta) + "\n";
  const bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
                  fsync(fileno(f)) == 0;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw RuntimeError("cannot write the checkpoint '" + path + "': " + std::strerror(errno));
  }
}

int64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  }
  int64_t lines = 0;
  char buf[1 << 16];
  bool last_newline = true;
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    const auto n = static_cast<size_t>(in.gcount());
    for (size_t i = 0; i < n; ++i) {
      lines += buf[i] == '\n';
    }
    last_newline = buf[n - 1] == '\n';
  }
  return lines + (last_newline ? 0 : 1);
}

class CaptureReplayer {
 public:
  CaptureReplayer(const CaptureRequest& request, const Destination& dest, const filter::RecordFilter& filter,
                  const CopyOptions& options)
      : m_request(request),
        m_dest(dest),
        m_filter(filter),
        m_options(options),
        m_sender(dest, options, 1),
        m_state_path(capture_state_path(request.path, options.run_id)),
        m_label(base_name(request.path)) {}

  CopyReport run() {
    const auto started = Clock::now();
    m_report.run_id = m_options.run_id;
    m_report.group = "(state file " + m_state_path + ")";
    m_part.partition = {m_request.path, 0};
    const int64_t lines = count_lines(m_request.path);
    kafka::Admin admin(m_dest.config);
    m_report.dest_partitions = static_cast<int32_t>(admin.describe_topic(m_dest.topic).partitions.size());
    m_report.partition_by = m_options.partition_by;
    if (m_options.keep_timestamps) {
      m_ts_check.emplace(m_dest.config, m_dest.topic, std::min(m_options.idle_timeout_ms, 3000),
                         m_report.notes);
    }
    State state;
    state.meta.end = lines + 1;
    state.meta.provenance = m_options.provenance;
    state.meta.to = m_dest.topic;
    std::optional<State> previous;
    if (!m_options.dry_run) {
      previous = read_state(m_state_path);
    }
    if (previous) {
      if (!previous->meta.to.empty() && previous->meta.to != m_dest.topic) {
        // Its resume scan would look in the wrong topic.
        throw UsageError("run '" + m_options.run_id + "' copies into '" + previous->meta.to +
                             "', not into '" + m_dest.topic + "'",
                         "resume it with --to " + previous->meta.to + ", or give the copy into '" +
                             m_dest.topic + "' another --run-id");
      }
      state = *previous;
      state.meta.to = m_dest.topic;
      m_report.resumed = true;
      if (state.next_line >= state.meta.end) {
        m_report.already_complete = true;
        return finish(started);
      }
    }
    m_part.start = state.next_line;
    m_part.end = state.meta.end;
    if (!m_options.dry_run) {
      std::vector<TopicPartition> tps;
      for (int32_t i = 0; i < m_report.dest_partitions; ++i) {
        tps.push_back({m_dest.topic, i});
      }
      std::map<int32_t, int64_t> dest_end;
      for (const auto& [tp, range] : admin.offset_ranges(tps)) {
        dest_end[tp.partition] = range.end;
      }
      m_sender.begin(dest_end);
      if (previous) {
        scan(*previous, dest_end);
      } else {
        commit(state, true);
      }
    }
    copy(state);
    return finish(started);
  }

 private:
  void scan(const State& previous, const std::map<int32_t, int64_t>& dest_end) {
    if (!previous.meta.provenance || !m_options.provenance) {
      m_report.warnings.push_back(
          "resuming without provenance headers: records the previous attempt wrote "
          "after its last checkpoint are written again");
      return;
    }
    std::map<int32_t, std::pair<int64_t, int64_t>> ranges;
    for (const auto& [dp, from] : previous.meta.dest_scan) {
      const auto it = dest_end.find(dp);
      if (it != dest_end.end() && from < it->second) {
        ranges[dp] = {from, it->second};
      }
    }
    const auto found = scan_for_run(m_dest.config, m_dest.topic, ranges, m_options.run_id,
                                    m_options.idle_timeout_ms, m_options.stop_requested);
    m_report.scanned = found.scanned;
    for (const auto& hit : found.records) {
      if (hit.source.partition.topic == m_label && hit.source.offset >= previous.next_line) {
        m_already.insert(hit.source.offset);
        m_sender.found(0, hit.source.offset, hit.dest_partition, hit.dest_offset);
      }
    }
  }

  void commit(State& state, bool must) {
    if (m_sender.failed()) {
      return;
    }
    state.next_line = m_sender.commit_offset(0, m_part.start);
    m_sender.prune({state.next_line});
    state.meta.provenance = m_options.provenance;
    state.meta.dest_scan.clear();
    for (int32_t dp = 0; dp < m_report.dest_partitions; ++dp) {
      state.meta.dest_scan[dp] = m_sender.scan_start(dp);
    }
    try {
      write_state(m_state_path, state);
    } catch (const RuntimeError&) {
      if (must) {
        throw;
      }
    }
  }

  int32_t partition_for(const Record& r, int64_t line) const {
    const bool fits = r.partition >= 0 && r.partition < m_report.dest_partitions;
    if (m_options.partition_by == PartitionBy::same && !fits) {
      throw InputError(m_request.path + ":" + std::to_string(line) + ": partition " +
                       std::to_string(r.partition) + " does not exist in '" + m_dest.topic +
                       "' (--partition-by same)");
    }
    return m_options.partition_by == PartitionBy::key || !fits ? -1 : r.partition;
  }

  void copy(State& state) {
    std::ifstream in(m_request.path, std::ios::binary);
    std::string line;
    int64_t line_no = 0;
    auto last_commit = Clock::now();
    auto last_progress = Clock::now();
    const auto started = Clock::now();
    std::string input_error;
    std::vector<HeaderView> header_views;
    while (!m_sender.stopping() && std::getline(in, line)) {
      ++line_no;
      if (line.size() > k_max_line) {
        input_error = m_request.path + ":" + std::to_string(line_no) + ": line longer than 64 MiB";
        break;
      }
      if (line_no < m_part.start) {
        continue;
      }
      if (line_no >= m_part.end) {
        break;
      }
      if (m_options.stop_requested && m_options.stop_requested()) {
        m_report.interrupted = true;
        break;
      }
      ++m_part.read;
      if (line.find_first_not_of(" \t\r") == std::string::npos) {
        pass(line_no);
        continue;
      }
      Record r;
      try {
        r = codec::parse_record_line(line);
      } catch (const codec::RecordLineError& e) {
        --m_part.read;
        input_error = m_request.path + ":" + std::to_string(line_no) + ": " + e.what();
        break;
      }
      if (m_already.erase(line_no) > 0) {
        ++m_part.selected;
        ++m_part.already;
        m_sender.done(0, line_no);
        continue;
      }
      if (!m_filter.matches(view_of(r, header_views))) {
        pass(line_no);
        continue;
      }
      ++m_part.selected;
      if (m_request.redactor != nullptr) {
        m_request.redactor->apply(r);
      }
      r.topic = m_dest.topic;
      r.partition = partition_for(r, line_no);
      r.offset = -1;
      if (!m_options.keep_timestamps) {
        r.timestamp = -1;
      } else if (m_ts_check) {
        m_ts_check->check(r.timestamp, [this](const std::string& w) {
          if (m_options.on_warning) {
            m_options.on_warning(w);
          } else {
            m_report.warnings.push_back(w);
          }
        });
      }
      if (m_options.provenance) {
        r.headers.push_back({std::string(k_source_header), format_source({m_label, 0}, line_no)});
        r.headers.push_back({std::string(k_run_header), m_options.run_id});
      }
      if (m_options.dry_run) {
        if (m_report.sample.size() < m_options.sample_size) {
          m_report.sample.push_back(std::move(r));
        }
        continue;
      }
      if (!m_sender.send(0, line_no, r)) {
        m_report.interrupted = true;
        --m_part.read;
        --m_part.selected;
        break;
      }
      m_sender.serve(0);
      if (Clock::now() - last_commit >= std::chrono::milliseconds(m_options.commit_interval_ms)) {
        commit(state, false);
        last_commit = Clock::now();
      }
      if (m_options.on_progress && Clock::now() - last_progress >= std::chrono::milliseconds(200)) {
        m_options.on_progress({static_cast<uint64_t>(line_no - m_part.start + 1),
                               static_cast<uint64_t>(m_part.end - m_part.start), m_sender.written(0),
                               m_sender.bytes(),
                               std::chrono::duration<double>(Clock::now() - started).count()});
        last_progress = Clock::now();
      }
    }
    if (m_options.dry_run) {
      return;
    }
    if (input_error.empty() && !m_report.interrupted && !m_sender.stopping()) {
      pass(m_part.end - 1);  // every line read: the run is complete once acknowledged
    }
    const size_t lost = m_sender.drain();
    m_part.written = m_sender.written(0);
    commit(state, true);
    if (lost > 0 || m_sender.failed()) {
      throw BrokerError(m_sender.failed() ? m_sender.failure()
                                          : std::to_string(lost) + " record(s) were not acknowledged in time",
                        "resume with --run-id " + m_options.run_id);
    }
    if (!input_error.empty()) {
      throw InputError(input_error, "fix the line and resume with --run-id " + m_options.run_id);
    }
  }

  void pass(int64_t line_no) {
    if (!m_options.dry_run) {
      m_sender.pass(0, line_no + 1);
    }
  }

  CopyReport finish(Clock::time_point started) {
    m_report.partitions = {m_part};
    m_report.bytes = m_sender.bytes();
    m_report.elapsed_s = std::chrono::duration<double>(Clock::now() - started).count();
    return std::move(m_report);
  }

  const CaptureRequest& m_request;
  const Destination& m_dest;
  const filter::RecordFilter& m_filter;
  const CopyOptions& m_options;
  Sender m_sender;
  std::string m_state_path;
  std::string m_label;
  PartitionReport m_part;
  std::set<int64_t> m_already;
  std::optional<KeptTimestampCheck> m_ts_check;
  CopyReport m_report;
};

}  // namespace

CopyReport replay_capture(const CaptureRequest& request, const Destination& destination,
                          const filter::RecordFilter& filter, const CopyOptions& options) {
  CaptureReplayer replayer(request, destination, filter, options);
  return replayer.run();
}

}  // namespace evt::replay
