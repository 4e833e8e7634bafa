// publish_lines_pipelined: one worker thread builds batches of lines
// (JSON parse, schema check, envelope) while the calling thread reads the
// input and sends built records in input order. The session, its counts
// and its callbacks stay on the calling thread; the builder is used only
// by the worker. Lines past a stop are built but never sent or counted.
#include "evt/publish/publish.hpp"

#include "evt/signals.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace evt::publish {
namespace {

constexpr size_t k_batch_lines = 512;
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

 private:
  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<Batch*> m_items;
  bool m_closed = false;
};

void build_batch(Batch& batch, RecordBuilder& builder) {
  if (batch.records.size() < batch.items.size()) {
    batch.records.resize(batch.items.size());
    batch.rejections.resize(batch.items.size());
  }
  for (size_t i = 0; i < batch.items.size(); ++i) {
    auto& item = batch.items[i];
    if (item.too_long) {
      continue;
    }
    item.built = builder.from_line(std::string_view(batch.bytes).substr(item.offset, item.size),
                                   batch.records[i], batch.rejections[i]);
  }
}

// Fills a batch from the reader; false when the reader had nothing more.
bool fill_batch(Batch& batch, read::LineReader& reader) {
  batch.bytes.clear();
  batch.items.clear();
  std::string_view line;
  while (batch.items.size() < k_batch_lines && reader.next(line)) {
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

}  // namespace

PublishResult publish_lines_pipelined(read::LineReader& reader, PublishSession& session,
                                      RecordBuilder& builder) {
  std::vector<Batch> batches(k_batches);
  BatchQueue to_build;
  BatchQueue built;
  std::exception_ptr worker_error;
  std::thread worker([&] {
    try {
      while (Batch* b = to_build.pop()) {
        build_batch(*b, builder);
        built.push(b);
      }
    } catch (...) {
      worker_error = std::current_exception();
    }
    built.close();
  });

  size_t in_flight = 0;
  bool reading = true;
  bool going = true;
  const auto refill = [&](Batch& b) {
    if (reading && going && fill_batch(b, reader)) {
      to_build.push(&b);
      ++in_flight;
    } else {
      reading = false;
    }
  };
  for (auto& b : batches) {
    refill(b);
  }
  try {
    while (in_flight > 0) {
      Batch* b = built.pop();
      if (b == nullptr) {
        break;  // the worker failed
      }
      --in_flight;
      for (size_t i = 0; going && i < b->items.size(); ++i) {
        const auto& item = b->items[i];
        if (item.too_long) {
          Rejection why;
          why.reason = "the line is longer than " + std::to_string(item.size) + " bytes";
          going = session.reject_line(item.where, why);
        } else {
          going = session.submit_built(item.where, item.built, b->records[i], b->rejections[i]);
        }
      }
      refill(*b);
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
  if (interrupted()) {
    session.interrupt();
  }
  return session.finish();
}

}  // namespace evt::publish
