// publish_lines_pipelined: one worker thread builds batches of lines
// (JSON parse, schema check, envelope) while the calling thread reads the
// input and sends built records in input order. The session, its counts
// and its callbacks stay on the calling thread; the builder is used only
// by the worker. Lines past a stop are built but never sent or counted.
#include "evt/kafka/native_headers.hpp"
#include "evt/publish/publish.hpp"

#include "evt/schema/big_stack.hpp"
#include "evt/signals.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace evt::publish {
namespace {

constexpr size_t k_batch_lines = 512;
// And at most about this many bytes of lines (a batch always takes one
// line): four batches of 512 lines of up to --max-size each would hold
// gigabytes; this keeps a run's memory at a few MiB whatever the lines.
constexpr size_t k_batch_bytes = 1 << 20;
constexpr size_t k_batches = 4;  // in flight at once: reading, building, sending

struct Batch {
  struct Item {
    LineRef where;
    size_t offset = 0;
    size_t size = 0;
    bool too_long = false;
    BuildResult built = BuildResult::skipped;
  };
  std::string bytes;  // the lines, back to back
  std::vector<Item> items;
  std::vector<Record> records;  // one per item, reused between batches
  std::vector<Rejection> rejections;
  // A built record's headers in the producer's form, made on the worker
  // while the sending thread is the slower one (librdkafka copies each
  // header into its own allocation: a share of the sending thread's time
  // for enveloped events); empty for the rest.
  std::vector<kafka::NativeHeaders> native;
  size_t built_count = 0;  // items built; fewer than all after SIGINT/SIGTERM
};

// A FIFO of batches between the two threads.
class BatchQueue {
 public:
  void push(Batch* b) {
    {
      std::lock_guard lock(m_mutex);
      m_items.push_back(b);
    }
    m_ready.notify_one();
  }
  // nullptr once closed and empty.
  Batch* pop() {
    std::unique_lock lock(m_mutex);
    m_ready.wait(lock, [&] { return !m_items.empty() || m_closed; });
    if (m_items.empty()) {
      return nullptr;
    }
    Batch* b = m_items.front();
    m_items.pop_front();
    return b;
  }
  void close() {
    {
      std::lock_guard lock(m_mutex);
      m_closed = true;
    }
    m_ready.notify_all();
  }
  size_t size() {
    std::lock_guard lock(m_mutex);
    return m_items.size();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Batch*> m_items;
  bool m_closed = false;
};

// Forgets the buffers of records that held a large key, value or header:
// each of the 4 × 512 record slots would otherwise keep the largest one it
// ever held (gigabytes, with large lines placed at every slot in turn).
// Done by the worker before it builds into the slots again.
void release_large(std::vector<Record>& records) {
  constexpr size_t k_keep = 64 << 10;
  const auto large = [](const std::optional<std::string>& s) { return s && s->capacity() > k_keep; };
  for (auto& r : records) {
    bool drop = large(r.key) || large(r.value);
    for (const auto& h : r.headers) {
      drop = drop || h.key.capacity() > k_keep || large(h.value);
    }
    if (drop) {
      r = Record{};
    }
  }
}

void build_batch(Batch& batch, RecordBuilder& builder, bool prepare_headers) {
  release_large(batch.records);
  if (batch.records.size() < batch.items.size()) {
    batch.records.resize(batch.items.size());
    batch.rejections.resize(batch.items.size());
    batch.native.resize(batch.items.size());
  }
  // The lines of a batch were ready at the same moment: one clock reading
  // for their envelopes' time.
  builder.freeze_clock(std::chrono::system_clock::now());
  size_t i = 0;
  // Ctrl-C stops the building too: with a slow schema a batch can take a
  // while, and the lines after the signal are neither sent nor counted.
  for (; i < batch.items.size() && !interrupted(); ++i) {
    auto& item = batch.items[i];
    batch.native[i].reset();
    if (item.too_long) {
      continue;
    }
    item.built = builder.from_line(std::string_view(batch.bytes).substr(item.offset, item.size),
                                   batch.records[i], batch.rejections[i]);
    if (prepare_headers && (item.built == BuildResult::ok || item.built == BuildResult::ok_large)) {
      batch.native[i].add_all(batch.records[i].headers);
    }
  }
  batch.built_count = i;
  builder.unfreeze_clock();
}

// Fills a batch from the reader; false when the reader had nothing more.
// Waits only for the first line: the rest are the lines ready now, so a
// line typed or piped in slowly is sent without waiting for the next.
// A read error ends the batch and is kept in `read_error`: the lines read
// before it are still sent.
bool fill_batch(Batch& batch, read::LineReader& reader, std::exception_ptr& read_error) {
  batch.bytes.clear();
  batch.items.clear();
  std::string_view line;
  for (;;) {
    if (batch.items.size() >= k_batch_lines || batch.bytes.size() >= k_batch_bytes) {
      break;
    }
    try {
      if ((!batch.items.empty() && !reader.line_ready()) || !reader.next(line)) {
        break;
      }
    } catch (const Error&) {
      read_error = std::current_exception();
      break;
    }
    Batch::Item item;
    item.where = LineRef{reader.input_index(), reader.line_number()};
    item.offset = batch.bytes.size();
    item.size = line.size();
    item.too_long = reader.too_long();
    batch.bytes.append(line);
    batch.items.push_back(item);
    if (item.too_long) {
      break;  // reject it before reading on: its rest may never end
    }
  }
  return !batch.items.empty();
}

// reader.line_ready(), a read error kept like fill_batch keeps it (true:
// the next fill returns at once and ends the reading).
bool line_ready(read::LineReader& reader, std::exception_ptr& read_error) {
  try {
    return reader.line_ready();
  } catch (const Error&) {
    read_error = std::current_exception();
    return true;
  }
}

// How many items from `first` on form a run for PublishSession::submit_run
// (built ok, batchable, one topic); 0 when items[first] does not start one.
size_t batchable_run(const Batch& b, size_t first, const PublishSession& session) {
  const auto fits = [&](size_t i) {
    return !b.items[i].too_long && b.items[i].built == BuildResult::ok && session.batchable(b.records[i]);
  };
  if (!fits(first)) {
    return 0;
  }
  size_t end = first + 1;
  while (end < b.built_count && fits(end) && b.records[end].topic == b.records[first].topic) {
    ++end;
  }
  return end - first;
}

}  // namespace

PublishResult publish_lines_pipelined(read::LineReader& reader, PublishSession& session,
                                      RecordBuilder& builder) {
  std::vector<Batch> batches(k_batches);
  BatchQueue to_build;
  BatchQueue built;
  std::exception_ptr worker_error;
  const bool prepare_headers = session.produces();
  std::thread worker([&] {
    try {
      // The building runs on a big stack: valijson recurses with the
      // event's depth and std::regex with a string's length
      // (schema/regex_guard.hpp); this thread only waits for it.
      schema::run_with_big_stack([&] {
        while (Batch* b = to_build.pop()) {
          // Headers are put in librdkafka's form here only while the
          // sending thread is behind (built batches wait for it besides
          // the one just handed over); else it does that itself, and the
          // two threads share the work.
          build_batch(*b, builder, prepare_headers && built.size() > 1);
          built.push(b);
        }
      });
    } catch (...) {
      worker_error = std::current_exception();
    }
    built.close();
  });

  std::vector<LineRef> run_where;
  std::vector<const Record*> run_records;
  std::exception_ptr read_error;
  size_t in_flight = 0;
  bool reading = true;
  bool going = true;
  std::vector<Batch*> idle;
  for (auto& b : batches) {
    idle.push_back(&b);
  }
  try {
    for (;;) {
      // Hand the worker more lines, but wait for input only when nothing
      // is being built: built records are sent while the next line is
      // still on its way.
      while (reading && going && !idle.empty() && (in_flight == 0 || line_ready(reader, read_error))) {
        Batch* b = idle.back();
        const bool filled = fill_batch(*b, reader, read_error);
        if (filled) {
          idle.pop_back();
          to_build.push(b);
          ++in_flight;
        }
        if (!filled || read_error) {
          reading = false;
          break;
        }
      }
      if (in_flight == 0) {
        break;
      }
      Batch* b = built.pop();
      if (b == nullptr) {
        break;  // the worker failed
      }
      --in_flight;
      for (size_t i = 0; going && i < b->built_count; ++i) {
        const auto& item = b->items[i];
        if (const size_t n = batchable_run(*b, i, session); n > 0) {
          // Records the producer can take in one call (the common case of
          // plain values): one call for the run instead of one each.
          run_where.clear();
          run_records.clear();
          for (size_t k = i; k < i + n; ++k) {
            run_where.push_back(b->items[k].where);
            run_records.push_back(&b->records[k]);
          }
          going = session.submit_run(run_where.data(), run_records.data(), n);
          i += n - 1;
          continue;
        }
        if (item.too_long) {
          Rejection why;
          why.reason = "the line is longer than " + std::to_string(item.size) + " bytes";
          going = session.reject_line(item.where, why);
        } else {
          going =
              session.submit_built(item.where, item.built, b->records[i], b->rejections[i], &b->native[i]);
        }
      }
      going = going && b->built_count == b->items.size();  // else interrupted
      idle.push_back(b);
    }
  } catch (...) {
    to_build.close();
    worker.join();
    throw;
  }
  to_build.close();
  worker.join();
  if (worker_error) {
    std::rethrow_exception(worker_error);
  }
  if (read_error && going) {
    session.input_failed(read_error);  // after the lines read before it
  }
  if (interrupted()) {
    session.interrupt();
  }
  return session.finish();
}

}  // namespace evt::publish
