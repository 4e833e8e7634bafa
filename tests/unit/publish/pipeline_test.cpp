// publish_lines_pipelined must behave exactly like publish_lines: same
// records in the same order, same counts, same stop line, same messages.
#include "evt/publish/publish.hpp"
#include "evt/publish/report.hpp"

#include "../deliver/fake_producer.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

using namespace evt::publish;

namespace {

struct Outcome {
  PublishResult result;
  std::vector<std::string> rejected;
  std::vector<std::string> sent;
};

Outcome run_file(const std::filesystem::path& file, bool pipelined, bool skip_invalid,
                 size_t max_line = 1 << 20) {
  Outcome out;
  PublishSpec spec;
  spec.topic = "t";
  spec.envelope = evt::codec::EnvelopeMode::binary;
  spec.attributes.type = "T";
  spec.attributes.source = "/s";
  spec.attributes.id = "fixed";  // ids and times differ per run otherwise
  spec.attributes.time = "2024-01-01T00:00:00.000Z";
  RecordBuilder builder(spec, nullptr);
  PublishEvents events;
  events.rejected = [&](LineRef w, const Rejection& why) {
    out.rejected.push_back(describe_rejection("in", w.line, why));
  };
  events.dry_run = [&](const evt::Record& r) {
    std::string text = *r.value;
    for (const auto& h : r.headers) {
      text += " " + h.key + "=" + h.value.value_or("<null>");
    }
    out.sent.push_back(text);
  };
  DeliveryOptions options;
  options.dry_run = true;
  options.skip_invalid = skip_invalid;
  PublishSession session(builder, nullptr, options, events);
  evt::read::LineReader reader({file.string()}, max_line);
  out.result = pipelined ? publish_lines_pipelined(reader, session, builder) : publish_lines(reader, session);
  return out;
}

void check_same(const Outcome& a, const Outcome& b) {
  CHECK(a.sent == b.sent);
  CHECK(a.rejected == b.rejected);
  CHECK(a.result.counts.lines == b.result.counts.lines);
  CHECK(a.result.counts.produced == b.result.counts.produced);
  CHECK(a.result.counts.rejected == b.result.counts.rejected);
  CHECK(a.result.stop == b.result.stop);
  CHECK(a.result.stopped_at.line == b.result.stopped_at.line);
}

}  // namespace

TEST_CASE("pipelined publish matches the sequential one, across batches and stops") {
  const auto file =
      std::filesystem::temp_directory_path() / ("evt-pipeline-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream f(file);
    for (int i = 1; i <= 5000; ++i) {
      if (i == 1700 || i == 4100) {
        f << "not json " << i << "\n";
      } else if (i % 333 == 0) {
        f << "\n";
      } else if (i == 2500) {
        f << "[" << std::string(200, 'x') << "]\n";  // over the line limit below
      } else {
        f << R"({"n":)" << i << "}\n";
      }
    }
  }
  for (const bool skip : {false, true}) {
    const auto seq = run_file(file, false, skip, 100);
    const auto par = run_file(file, true, skip, 100);
    check_same(seq, par);
    if (skip) {
      CHECK(par.result.counts.rejected == 3);
      CHECK(par.result.counts.lines == 5000);
    } else {
      CHECK(par.result.stop == StopReason::rejected);
      CHECK(par.result.stopped_at.line == 1700);
      CHECK(par.sent.size() == 1699 - 5);  // blank lines 333 … 1665 are skipped
    }
  }
  std::filesystem::remove(file);
}

namespace {

struct Sent {
  PublishResult result;
  std::vector<std::string> values;  // in the order the producer got them
  int batches = 0;
};

// Plain JSON lines (no envelope: records without headers, which the
// producer takes in batches) through a fake producer.
Sent send_file(const std::filesystem::path& file, bool pipelined, bool batch, size_t queue_limit = 0,
               bool fail_first = false) {
  evt::test::FakeProducer producer;
  producer.batch = batch;
  producer.queue_limit = queue_limit;
  if (fail_first) {
    producer.throw_on_produce = evt::BrokerError("broker says no");
  }
  PublishSpec spec;
  spec.topic = "t";
  RecordBuilder builder(spec, nullptr);
  DeliveryOptions options;
  options.skip_invalid = true;
  PublishSession session(builder, &producer, options, {});
  evt::read::LineReader reader({file.string()}, 1 << 20);
  Sent out;
  out.result = pipelined ? publish_lines_pipelined(reader, session, builder) : publish_lines(reader, session);
  out.values = producer.received;
  out.batches = producer.batches;
  return out;
}

}  // namespace

TEST_CASE("records sent in batches arrive as sent one by one: order, counts, stops") {
  const auto file = std::filesystem::temp_directory_path() /
                    ("evt-pipeline-batch-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream f(file);
    for (int i = 1; i <= 3000; ++i) {
      if (i % 701 == 0) {
        f << "not json " << i << "\n";  // rejected, skipped: splits a run
      } else {
        f << R"({"n":)" << i << "}\n";
      }
    }
  }
  // The fake answers every record on the final flush.
  const auto one_by_one = send_file(file, false, false);
  CHECK(one_by_one.batches == 0);
  CHECK(one_by_one.result.counts.produced == 3000 - 4);
  CHECK(one_by_one.result.counts.delivered == 3000 - 4);
  CHECK(one_by_one.result.counts.rejected == 4);
  CHECK(one_by_one.result.counts.lines == 3000);

  const auto batched = send_file(file, true, true);
  CHECK(batched.batches > 0);
  CHECK(batched.batches < 100);  // runs, not one call per record
  CHECK(batched.result.counts.produced == one_by_one.result.counts.produced);
  CHECK(batched.result.counts.delivered == one_by_one.result.counts.delivered);
  CHECK(batched.result.counts.rejected == one_by_one.result.counts.rejected);
  CHECK(batched.result.counts.lines == one_by_one.result.counts.lines);
  CHECK(batched.result.counts.bytes == one_by_one.result.counts.bytes);
  CHECK(batched.result.stop == StopReason::none);
  CHECK(batched.values == one_by_one.values);
  CHECK(batched.values.size() == 3000 - 4);

  // A producer that takes only part of a run: the rest goes one by one.
  const auto partly = send_file(file, true, true, 700);
  CHECK(partly.result.counts.produced == one_by_one.result.counts.produced);
  CHECK(partly.result.counts.delivered == one_by_one.result.counts.delivered);
  CHECK(partly.result.counts.lines == 3000);
  CHECK(partly.values == one_by_one.values);

  // A client error on the first record stops both at line 1 with the same counts.
  const auto seq_fail = send_file(file, false, false, 0, true);
  const auto batch_fail = send_file(file, true, true, 0, true);
  CHECK(seq_fail.result.stop == StopReason::client_error);
  CHECK(batch_fail.result.stop == StopReason::client_error);
  CHECK(batch_fail.result.stopped_at.line == seq_fail.result.stopped_at.line);
  CHECK(batch_fail.result.stopped_at.line == 1);
  CHECK(batch_fail.result.counts.produced == seq_fail.result.counts.produced);
  CHECK(batch_fail.result.counts.lines == seq_fail.result.counts.lines);
  CHECK(batch_fail.result.client_error == "broker says no");
  std::filesystem::remove(file);
}
