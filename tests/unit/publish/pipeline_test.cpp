// publish_lines_pipelined must behave exactly like publish_lines: same
// records in the same order, same counts, same stop line, same messages.
#include "evt/publish/publish.hpp"
#include "evt/publish/report.hpp"

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
