#include "evt/publish/publish.hpp"

#include "evt/signals.hpp"

#include <algorithm>
#include <thread>

namespace evt::publish {
namespace {

using Clock = std::chrono::steady_clock;

deliver::SourceRef source_of(LineRef where) {
  return deliver::SourceRef{static_cast<uint32_t>(where.input), static_cast<int64_t>(where.line)};
}

LineRef line_of(deliver::SourceRef ref) {
  return LineRef{ref.source, static_cast<uint64_t>(ref.position)};
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Serve delivery reports after this many records, so they never pile up.
constexpr uint64_t k_poll_every = 512;
constexpr auto k_progress_interval = std::chrono::milliseconds(500);
// After message.timeout.ms every record has its report; allow a margin
// (librdkafka scans for timed-out records about once a second).
constexpr int k_flush_margin_ms = 2000;
// Once a delivery failed, the run fails (exit 3): the records produced after
// that one would only fail the same way one by one, up to a whole delivery
// timeout later. Wait this long for their reports, then name them failed.
constexpr int k_after_failure_ms = 2000;

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

PublishSession::PublishSession(RecordBuilder& builder, deliver::Producer* producer, DeliveryOptions options,
                               PublishEvents events)
    : m_builder(builder),
      m_options(options),
      m_events(std::move(events)),
      m_start(Clock::now()),
      m_last_progress(m_start),
      m_limiter(options.rate, m_start) {
  if (producer != nullptr) {
    m_tracker.emplace(*producer);
  }
}

PublishSession::PublishSession(RecordBuilder& builder, kafka::Producer* producer, DeliveryOptions options,
                               PublishEvents events)
    : PublishSession(builder, static_cast<deliver::Producer*>(nullptr), options, std::move(events)) {
  if (producer != nullptr) {
    m_kafka.emplace(*producer);
    m_tracker.emplace(*m_kafka);
  }
}

void PublishSession::stop(StopReason reason, LineRef where) {
  if (m_result.stop == StopReason::none) {
    m_result.stop = reason;
    m_result.stopped_at = where;
  }
}

void PublishSession::interrupt() {
  stop(StopReason::interrupted, {});
}

void PublishSession::input_failed(std::exception_ptr error) {
  if (m_result.stop != StopReason::none) {
    return;  // stopped before the lines that failed to be read
  }
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    stop_on_error(e, error, {});
  }
}

void PublishSession::stop_on_error(const Error& e, std::exception_ptr error, LineRef where) {
  m_result.client_error = e.what();
  m_result.client_error_code = e.code();
  m_result.client_exception = std::move(error);
  stop(StopReason::client_error, where);
}

void PublishSession::note_client_error(const deliver::ClientError& error) {
  if (m_result.stop != StopReason::client_error) {
    m_result.client_error = error.message;
    m_result.client_error_code = error.code;
    m_result.client_exception = error.exception;
    m_result.stop = StopReason::client_error;
  }
}

void PublishSession::sync_delivery() {
  const auto& c = m_tracker->counts();
  m_result.counts.delivered = c.delivered;
  m_result.counts.failed = c.failed + c.unreported;
  if (const auto& e = m_tracker->client_error()) {
    note_client_error(*e);
  }
  if (c.failed > 0) {
    // Where exactly is settled in finish(): the first failed line in input order.
    stop(StopReason::delivery_failed, {});
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
                                  const Rejection& why, kafka::NativeHeaders* prepared) {
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
  return send(where, record, prepared);
}

bool PublishSession::batchable(const Record& record) const {
  return m_tracker && !m_limiter.limited() && m_tracker->batchable(record);
}

bool PublishSession::submit_run(const LineRef* where, const Record* const* records, size_t n) {
  size_t i = 0;
  while (i < n) {
    if (m_result.stop != StopReason::none) {
      return false;
    }
    m_run_sources.resize(n - i);
    for (size_t k = i; k < n; ++k) {
      m_run_sources[k - i] = source_of(where[k]);
    }
    size_t sent = 0;
    try {
      sent = m_tracker->send_batch(records[i]->topic, records + i, m_run_sources.data(), n - i);
    } catch (const Interrupted&) {
      interrupt();
      return false;
    } catch (const Error& e) {
      ++m_result.counts.lines;  // the line it stopped at, as send() would count it
      stop_on_error(e, std::current_exception(), where[i]);
      return false;
    }
    const uint64_t polls_before = m_result.counts.produced / k_poll_every;
    for (size_t k = i; k < i + sent; ++k) {
      m_result.counts.bytes += record_size(*records[k]);
    }
    m_result.counts.lines += sent;
    m_result.counts.produced += sent;
    if (m_result.counts.produced / k_poll_every != polls_before) {
      serve_reports(0);
    }
    i += sent;
    if (i < n) {
      // The producer did not take this one in the batch: sent alone, it
      // either goes or fails with its own error, as without batches.
      ++m_result.counts.lines;
      if (!send(where[i], *records[i])) {
        return false;
      }
      ++i;
    }
  }
  maybe_progress();
  return m_result.stop == StopReason::none;
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

bool PublishSession::send(LineRef where, const Record& record, kafka::NativeHeaders* prepared) {
  if (m_limiter.limited()) {
    const bool go = m_limiter.wait(m_result.counts.produced, [&](int ms) {
      if (m_tracker) {
        serve_reports(ms);
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      }
      maybe_progress();
    });
    if (!go) {
      interrupt();
      return false;
    }
  }
  m_result.counts.bytes += record_size(record);
  if (!m_tracker) {
    ++m_result.counts.produced;
    if (m_events.dry_run) {
      m_events.dry_run(record);
    }
  } else {
    try {
      m_tracker->send(record, source_of(where), prepared);
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
      stop_on_error(e, std::current_exception(), where);
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
  m_tracker->serve(timeout_ms);
  sync_delivery();
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
  if (m_tracker) {
    // Everything in flight gets its report within message.timeout.ms.
    m_tracker->drain(
        m_options.delivery_timeout_ms + k_flush_margin_ms,
        [&] {
          sync_delivery();
          maybe_progress();
        },
        k_after_failure_ms);
    sync_delivery();
    for (const auto& range : m_tracker->failed_ranges()) {
      m_result.failures.push_back(
          {range.source, static_cast<uint64_t>(range.first), static_cast<uint64_t>(range.last), range.error});
    }
    // The first failed line in input order is the one to name.
    const auto first = m_tracker->first_failure();
    if (first && m_result.stop == StopReason::delivery_failed) {
      m_result.stopped_at = line_of(*first);
    }
  }
  m_result.seconds = seconds_since(m_start);
  return m_result;
}

PublishResult publish_lines(read::LineReader& reader, PublishSession& session) {
  std::string_view line;
  for (;;) {
    try {
      if (!reader.next(line)) {
        break;
      }
    } catch (const Error&) {
      // A read error (EIO, …): what was read before is sent and reported.
      session.input_failed(std::current_exception());
      break;
    }
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
