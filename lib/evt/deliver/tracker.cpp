#include "evt/deliver/tracker.hpp"

#include <algorithm>
#include <chrono>

namespace evt::deliver {
namespace {

using Clock = std::chrono::steady_clock;

bool source_order(const SourceRef& a, const SourceRef& b) {
  return a.source != b.source ? a.source < b.source : a.position < b.position;
}

}  // namespace

DeliveryTracker::DeliveryTracker(Producer& producer, OnReport on_report)
    : m_producer(producer), m_on_report(std::move(on_report)) {}

void DeliveryTracker::send(const Record& record, SourceRef from, kafka::NativeHeaders* prepared) {
  const uint64_t token = m_tokens.token(from);
  try {
    if (prepared != nullptr && prepared->size() > 0) {
      m_producer.produce_prepared(record, token, std::move(*prepared));
    } else {
      m_producer.produce(record, token);
    }
  } catch (...) {
    m_tokens.release(token);
    throw;
  }
  ++m_counts.produced;
}

size_t DeliveryTracker::send_batch(const std::string& topic, const Record* const* records,
                                   const SourceRef* from, size_t n) {
  m_batch_tokens.resize(n);
  for (size_t i = 0; i < n; ++i) {
    m_batch_tokens[i] = m_tokens.token(from[i]);
  }
  size_t sent = 0;
  try {
    sent = m_producer.produce_batch(topic, records, m_batch_tokens.data(), n);
  } catch (...) {
    for (size_t i = 0; i < n; ++i) {
      m_tokens.release(m_batch_tokens[i]);
    }
    throw;
  }
  for (size_t i = sent; i < n; ++i) {
    m_tokens.release(m_batch_tokens[i]);
  }
  m_counts.produced += sent;
  return sent;
}

void DeliveryTracker::note_client_error(const Error& e) {
  if (!m_client_error) {
    // Only called from inside a catch handler, so current_exception() is `e`.
    m_client_error = ClientError{e.what(), e.code(), std::current_exception()};
  }
}

void DeliveryTracker::serve(int timeout_ms) {
  try {
    m_producer.poll(timeout_ms, m_reports);
  } catch (const Error& e) {
    note_client_error(e);
  }
  handle_reports();
}

void DeliveryTracker::handle_reports() {
  for (const auto& report : m_reports) {
    const SourceRef where = m_tokens.release(report.token);
    if (report.delivered) {
      ++m_counts.delivered;
    } else {
      ++m_counts.failed;
      // Errors repeat (a broker outage fails every record the same way):
      // keep each text once.
      auto it = std::find(m_errors.begin(), m_errors.end(), report.error);
      if (it == m_errors.end()) {
        m_errors.push_back(report.error);
        it = m_errors.end() - 1;
      }
      m_failures.push_back({where, static_cast<uint32_t>(it - m_errors.begin())});
    }
    if (m_on_report) {
      m_on_report(where, report);
    }
  }
  m_reports.clear();
}

void DeliveryTracker::drain(int budget_ms, const std::function<void()>& tick, int after_failure_ms) {
  // A SIGINT does not cut this short: the records are already on their way,
  // and each gets its report within message.timeout.ms.
  auto deadline = Clock::now() + std::chrono::milliseconds(budget_ms);
  bool shortened = false;
  while (m_producer.in_flight() > 0 && Clock::now() < deadline) {
    if (after_failure_ms >= 0 && m_counts.failed > 0 && !shortened) {
      shortened = true;
      deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(after_failure_ms));
    }
    try {
      m_producer.flush(200, m_reports);
    } catch (const Error& e) {
      note_client_error(e);
      handle_reports();
      break;
    }
    handle_reports();
    if (tick) {
      tick();
    }
  }
  if (m_producer.in_flight() > 0) {
    m_producer.purge(m_reports);
    handle_reports();
  }
  m_counts.unreported += m_producer.in_flight();
}

std::vector<FailedRange> DeliveryTracker::failed_ranges() const {
  auto sorted = m_failures;
  std::sort(sorted.begin(), sorted.end(),
            [](const Failure& a, const Failure& b) { return source_order(a.where, b.where); });
  std::vector<FailedRange> out;
  for (const auto& f : sorted) {
    if (!out.empty() && out.back().source == f.where.source && out.back().last + 1 == f.where.position &&
        out.back().error == m_errors[f.error]) {
      out.back().last = f.where.position;
    } else {
      out.push_back({f.where.source, f.where.position, f.where.position, m_errors[f.error]});
    }
  }
  return out;
}

std::optional<SourceRef> DeliveryTracker::first_failure() const {
  if (m_failures.empty()) {
    return std::nullopt;
  }
  return std::min_element(m_failures.begin(), m_failures.end(),
                          [](const Failure& a, const Failure& b) { return source_order(a.where, b.where); })
      ->where;
}

}  // namespace evt::deliver
