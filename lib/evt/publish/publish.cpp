#include "evt/publish/publish.hpp"

#include "evt/signals.hpp"

#include <algorithm>
#include <thread>

namespace evt::publish {
namespace {

using Clock = std::chrono::steady_clock;

// A delivery token carries the input line itself, so no table maps tokens
// to lines: 24 bits of input index, 40 bits of line number.
constexpr int k_line_bits = 40;
constexpr uint64_t k_line_mask = (uint64_t{1} << k_line_bits) - 1;

uint64_t token_of(LineRef where) {
  return (static_cast<uint64_t>(where.input) << k_line_bits) | (where.line & k_line_mask);
}

LineRef line_of(uint64_t token) {
  return LineRef{static_cast<size_t>(token >> k_line_bits), token & k_line_mask};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Serve delivery reports after this many records, so they never pile up.
constexpr uint64_t k_poll_every = 512;
constexpr auto k_progress_interval = std::chrono::milliseconds(500);
// After message.timeout.ms every record has its report; allow a margin.
constexpr int k_flush_margin_ms = 5000;

}  // namespace

ExitCode publish_exit_code(const PublishResult& r) {
  if (r.stop == StopReason::client_error) {
    return r.client_error_code;
  }
  if (r.counts.failed > 0) {
    return ExitCode::runtime;
  }
  if (r.stop == StopReason::interrupted) {
    return ExitCode::interrupted;
  }
  if (r.counts.rejected > 0) {
    return ExitCode::bad_input;
  }
  return ExitCode::ok;
}

PublishSession::PublishSession(RecordBuilder& builder, kafka::Producer* producer, DeliveryOptions options,
                               PublishEvents events)
    : m_builder(builder),
      m_producer(producer),
      m_options(options),
      m_events(std::move(events)),
      m_start(Clock::now()),
      m_last_progress(m_start) {}

void PublishSession::stop(StopReason reason, LineRef where) {
  if (m_result.stop == StopReason::none) {
    m_result.stop = reason;
    m_result.stopped_at = where;
  }
}

void PublishSession::interrupt() {
  stop(StopReason::interrupted, {});
}

void PublishSession::note_client_error(const Error& e) {
  if (m_result.stop != StopReason::client_error) {
    m_result.client_error = e.what();
    m_result.client_error_code = e.code();
    m_result.client_exception = std::current_exception();  // only called inside a handler
    m_result.stop = StopReason::client_error;
  }
}

bool PublishSession::submit_line(LineRef where, std::string_view line) {
  if (m_result.stop != StopReason::none) {
    return false;
  }
  const auto built = m_builder.from_line(line, m_record, m_rejection);
  return submit_built(where, built, m_record, m_rejection);
}

bool PublishSession::submit_built(LineRef where, BuildResult built, const Record& record,
                                  const Rejection& why) {
  if (m_result.stop != StopReason::none) {
    return false;
  }
  switch (built) {
    case BuildResult::skipped:
      ++m_result.counts.lines;
      return true;
    case BuildResult::rejected:
      return reject_line(where, why);  // counts the line
    case BuildResult::ok_large:
      ++m_result.counts.large;
      if (m_events.large) {
        m_events.large(where, record_size(record));
      }
      break;
    case BuildResult::ok:
      break;
  }
  ++m_result.counts.lines;
  return send(where, record);
}

bool PublishSession::reject_line(LineRef where, const Rejection& why) {
  if (m_result.stop != StopReason::none) {
    return false;
  }
  ++m_result.counts.lines;
  ++m_result.counts.rejected;
  if (m_events.rejected) {
    m_events.rejected(where, why);
  }
  if (!m_options.skip_invalid) {
    stop(StopReason::rejected, where);
    return false;
  }
  return true;
}

bool PublishSession::submit_data(const std::optional<std::string>& data) {
  const LineRef where{0, 1};
  ++m_result.counts.lines;
  const auto built = m_builder.from_data(data, m_record, m_rejection);
  if (built == BuildResult::rejected || built == BuildResult::skipped) {
    ++m_result.counts.rejected;
    if (m_events.rejected) {
      m_events.rejected(where, m_rejection);
    }
    stop(StopReason::rejected, where);
    return false;
  }
  if (built == BuildResult::ok_large) {
    ++m_result.counts.large;
    if (m_events.large) {
      m_events.large(where, record_size(m_record));
    }
  }
  return send(where, m_record);
}

bool PublishSession::send(LineRef where, const Record& record) {
  if (m_options.rate > 0) {
    // Pace against the start time, not the previous record, so short
    // stalls are caught up and the average rate holds.
    const auto due = m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                   static_cast<double>(m_result.counts.produced) / m_options.rate));
    while (Clock::now() < due && !interrupted()) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count();
      const int ms = static_cast<int>(std::clamp<int64_t>(wait, 0, 100));
      if (m_producer != nullptr) {
        serve_reports(ms);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      }
      maybe_progress();
    }
    if (interrupted()) {
      interrupt();
      return false;
    }
  }
  m_result.counts.bytes += record_size(record);
  if (m_producer == nullptr) {
    ++m_result.counts.produced;
    if (m_events.dry_run) {
      m_events.dry_run(record);
    }
  } else {
    try {
      m_producer->produce(record, token_of(where));
    } catch (const Interrupted&) {
      // Ctrl-C while the local queue was full: stop reading, flush the rest.
      interrupt();
      return false;
    } catch (const InputError& e) {
      // This record cannot go where it asks to (a partition that does not
      // exist): rejected like an invalid line, named, and counted.
      m_result.counts.bytes -= record_size(record);
      Rejection why;
      why.reason = e.what();
      ++m_result.counts.rejected;
      if (m_events.rejected) {
        m_events.rejected(where, why);
      }
      if (!m_options.skip_invalid) {
        stop(StopReason::rejected, where);
        return false;
      }
      return true;
    } catch (const Error& e) {
      m_result.client_error = e.what();
      m_result.client_error_code = e.code();
      m_result.client_exception = std::current_exception();
      stop(StopReason::client_error, where);
      return false;
    }
    ++m_result.counts.produced;
    if (m_result.counts.produced % k_poll_every == 0) {
      serve_reports(0);
    }
  }
  if ((m_result.counts.lines & 1023) == 0) {
    maybe_progress();
  }
  return m_result.stop == StopReason::none;
}

void PublishSession::serve_reports(int timeout_ms) {
  try {
    m_producer->poll(timeout_ms, m_reports);
  } catch (const Error& e) {
    note_client_error(e);
  }
  handle_reports();
}

void PublishSession::handle_reports() {
  for (const auto& report : m_reports) {
    if (report.delivered) {
      ++m_result.counts.delivered;
      continue;
    }
    ++m_result.counts.failed;
    // Errors repeat (a broker outage lag::fails every record the same way):
    // keep each text once.
    auto it = std::find(m_errors.begin(), m_errors.end(), report.error);
    if (it == m_errors.end()) {
      m_errors.push_back(report.error);
      it = m_errors.end() - 1;
    }
    const LineRef where = line_of(report.token);
    m_failures.push_back({where, static_cast<uint32_t>(it - m_errors.begin())});
    stop(StopReason::delivery_failed, where);
  }
  m_reports.clear();
}

void PublishSession::maybe_progress() {
  if (!m_events.progress) {
    return;
  }
  const auto now = Clock::now();
  if (now - m_last_progress >= k_progress_interval) {
    m_last_progress = now;
    m_events.progress(m_result.counts, seconds_since(m_start));
  }
}

PublishResult PublishSession::finish() {
  if (interrupted()) {
    interrupt();
  }
  if (m_producer != nullptr) {
    // Everything in flight gets its report within message.timeout.ms; a
    // SIGINT does not cut this short (the records are already on their way).
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(m_options.delivery_timeout_ms + k_flush_margin_ms);
    while (m_producer->in_flight() > 0 && Clock::now() < deadline) {
      try {
        m_producer->flush(200, m_reports);
      } catch (const Error& e) {
        note_client_error(e);
        handle_reports();
        break;
      }
      handle_reports();
      maybe_progress();
    }
    if (m_producer->in_flight() > 0) {
      m_producer->purge(m_reports);
      handle_reports();
    }
    // Records without any report even after the purge count as failed;
    // their lines are unknown, so they only show in the counts.
    m_result.counts.failed += m_producer->in_flight();
  } else if (m_options.dry_run) {
    // nothing was sent, nothing to wait for
  }
  m_result.seconds = seconds_since(m_start);

  std::sort(m_failures.begin(), m_failures.end(), [](const Failure& a, const Failure& b) {
    return a.where.input != b.where.input ? a.where.input < b.where.input : a.where.line < b.where.line;
  });
  for (const auto& f : m_failures) {
    auto& out = m_result.failures;
    if (!out.empty() && out.back().input == f.where.input && out.back().last_line + 1 == f.where.line &&
        out.back().error == m_errors[f.error]) {
      out.back().last_line = f.where.line;
    } else {
      out.push_back({f.where.input, f.where.line, f.where.line, m_errors[f.error]});
    }
  }
  if (!m_failures.empty()) {
    // The first failed line in input order is the one to name.
    if (m_result.stop == StopReason::delivery_failed) {
      m_result.stopped_at = m_failures.front().where;
    }
  }
  return m_result;
}

PublishResult publish_lines(LineReader& reader, PublishSession& session) {
  std::string_view line;
  while (reader.next(line)) {
    const LineRef where{reader.input_index(), reader.line_number()};
    if (reader.too_long()) {
      // The builder would only see a cut line; reject it for what it is.
      Rejection why;
      why.reason = "the line is longer than " + std::to_string(line.size()) + " bytes";
      if (!session.reject_line(where, why)) {
        break;
      }
      continue;
    }
    if (!session.submit_line(where, line)) {
      break;
    }
  }
  if (interrupted()) {
    session.interrupt();
  }
  return session.finish();
}

}  // namespace evt::publish
