#include "tail.hpp"

#include "evt/error.hpp"
#include "evt/kafka/admin.hpp"
#include "evt/kafka/consumer.hpp"
#include "evt/filter/filter.hpp"
#include "evt/tail/tail.hpp"
#include "evt/tail/plan.hpp"
#include "evt/tail/source.hpp"
#include "evt/output/record_format.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/signals.hpp"

#include <malloc.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

namespace evt::cli {
namespace {

struct TailOpts {
  std::vector<std::string> topics;
  std::string start;
  std::string end;
  std::string partitions;
  int64_t count = -1;
  bool exit_at_end = false;
  std::string group;
  std::string format;
  std::string out_file;
  std::string binary = "escape";
  filter::FilterSpec filter;
  std::string key;
};

// Formats matching records into one buffer per batch and writes it with one
// write per batch to stdout and/or the --out file.
class BatchWriter : public tail::TailOutput {
public:
  BatchWriter(std::unique_ptr<output::RecordFormatter> shown, output::Sink* stdout_sink,
              output::Sink* file_sink)
      : m_shown(std::move(shown)), m_stdout(stdout_sink), m_file(file_sink),
        m_capture(capture_options()) {}

  void record(const RecordView& r) override {
    if (m_shown) {
      m_shown->append(m_buffer, r);
    }
    if (m_file != nullptr) {
      m_capture.append(m_file_buffer, r);
    }
  }

  void batch_done() override {
    if (m_file != nullptr) {
      m_file->write(m_file_buffer);
      m_file_buffer.clear();
      m_file->flush();
    }
    if (m_shown) {
      m_stdout->write(m_buffer);
      m_buffer.clear();
      m_stdout->flush();
    }
  }

  void batch_dropped() override {
    m_buffer.clear();
    m_file_buffer.clear();
  }

  static output::FormatOptions capture_options() {
    output::FormatOptions f;
    f.style = output::RecordStyle::jsonl;
    return f;
  }

  bool needs_headers() const { return m_file != nullptr || (m_shown && m_shown->needs_headers()); }

private:
  std::unique_ptr<output::RecordFormatter> m_shown;
  output::Sink* m_stdout;
  output::Sink* m_file;
  output::RecordFormatter m_capture;
  std::string m_buffer;
  std::string m_file_buffer;
};

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

read::PositionSpec position_of(const TailOpts& o) {
  const auto now = now_ms();
  read::PositionSpec spec;
  const bool bounded = o.exit_at_end || !o.end.empty();
  // Default: follow new records; with an end, read what is there.
  spec.start = {bounded ? read::BoundKind::beginning : read::BoundKind::end, 0};
  if (!o.start.empty()) {
    spec = read::parse_position(o.start, now);
  }
  if (!o.end.empty()) {
    if (spec.end) {
      throw UsageError("--end conflicts with the range given by --start '" + o.start + "'");
    }
    spec.end = read::parse_end_position(o.end, now);
  }
  return spec;
}

std::unique_ptr<output::RecordFormatter> stdout_formatter(const Globals& g, const TailOpts& o,
                                                          const output::Sink& sink) {
  if (!o.format.empty() && !g.output.empty() && g.output != "template") {
    throw UsageError("-f/--format is a template: it cannot be combined with -o " + g.output);
  }
  if (!o.out_file.empty() && g.output.empty() && o.format.empty()) {
    return nullptr;  // --out alone: records go to the file only
  }
  const std::string fallback = !o.format.empty() ? "template" : sink.is_terminal() ? "pretty" : "jsonl";
  const auto name = output_format(g, {"pretty", "jsonl", "raw", "template"}, fallback);
  if (name == "template" && o.format.empty()) {
    throw UsageError("-o template needs a template", "give one with -f, e.g. -f '%t/%p@%o %k %s\\n'");
  }
  output::FormatOptions f;
  f.style = *output::parse_record_style(name);
  f.color = output::use_color(g.color, stdout);
  f.terminal_safe = sink.is_terminal();
  f.binary = output::parse_binary_display(o.binary);
  f.template_text = o.format;
  return std::make_unique<output::RecordFormatter>(f);
}

int run_tail(const Globals& g, TailOpts& o) {
  if (!o.key.empty()) {
    o.filter.key = o.key;
  }
  const filter::RecordFilter filter(o.filter);
  auto spec = position_of(o);
  output::Sink out;
  auto formatter = stdout_formatter(g, o, out);
  std::unique_ptr<output::Sink> file;
  if (!o.out_file.empty()) {
    FILE* f = std::fopen(o.out_file.c_str(), "w");
    if (f == nullptr) {
      throw UsageError("cannot write '" + o.out_file + "': " + std::strerror(errno));
    }
    file = std::make_unique<output::Sink>(f);
  }
  BatchWriter writer(std::move(formatter), &out, file.get());
  auto config = client_config(g);
  // Bounded reads end on the client's end-of-partition event (the last
  // offsets may be transaction markers or compacted away, so no record
  // reaches the end offset); the time search needs it too. -X cannot turn it off.
  config.properties.emplace_back("enable.partition.eof", "true");
  kafka::Admin admin(config);
  tail::TailOptions options;
  if (o.count >= 0) {
    options.count = static_cast<uint64_t>(o.count);
  }
  options.with_headers = writer.needs_headers() || filter.needs_headers();
  options.idle_timeout_ms = config.timeout_ms;
  options.stop_requested = [] { return interrupted(); };
  tail::TailRequest request{o.topics, {}, spec, o.exit_at_end};
  kafka::ConsumerOptions consumer_options;
  if (!o.partitions.empty()) {
    request.partitions = read::parse_partition_list(o.partitions);
  }
  if (!o.group.empty()) {
    // In a group the start is the committed offset; -s only picks the
    // reset policy for partitions the group has never committed.
    const bool plain = spec.start.kind == read::BoundKind::beginning || spec.start.kind == read::BoundKind::end;
    if (!plain || spec.end || !o.partitions.empty()) {
      throw UsageError("with -g, reading starts at the group's committed offsets",
                       "-s accepts only beginning or end (for partitions without a commit); -p, --end and ranges need no -g");
    }
    consumer_options.group = o.group;
    consumer_options.auto_offset_reset = spec.start.kind == read::BoundKind::end ? "latest" : "earliest";
    request.position = {{read::BoundKind::beginning, 0}, std::nullopt};
    options.group = true;
  }
  const auto plan = tail::plan_tail(admin, config, request);
  if (g.verbose > 0) {
    for (const auto& n : plan.notes) {
      note(g, output::terminal_safe(n));
    }
  }
  // Fetch responses are large short-lived buffers; above glibc's mmap
  // threshold each one is a fresh mmap whose pages the kernel must zero.
  // Serving them from the heap instead is measurably faster (see benchmarks).
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  kafka::Consumer consumer(config, consumer_options);
  if (options.group) {
    consumer.subscribe(o.topics);
  } else {
    consumer.assign(tail::start_positions(plan.partitions));
  }
  tail::ConsumerSource source(consumer);
  const auto stats = tail::run_tail(source, o.exit_at_end || !options.group ? plan.partitions
                                                                           : std::vector<read::PartitionPlan>{},
                                   filter, writer, options);
  writer.batch_done();
  consumer.close();
  if (file) {
    note(g, "wrote " + std::to_string(stats.shown) + " record(s) to " + output::terminal_safe(o.out_file));
  }
  if (g.verbose > 0) {
    note(g, "read " + std::to_string(stats.read) + " record(s), showed " + std::to_string(stats.shown));
  }
  if (stats.interrupted) {
    throw Interrupted();
  }
  return 0;
}

} // namespace

void add_tail(CLI::App& root, const Globals& g) {
  auto o = std::make_shared<TailOpts>();
  auto* sub = root.add_subcommand("tail", "Read records: follow, ranges, times, filters");
  sub->add_option("topics", o->topics, "Topics to read")->required();
  sub->add_option("-s,--start,--offset", o->start,
                  "Position: beginning|end|N|+N|-N|N:M|:end|@TIME|@T1:T2 (rpk's grammar)");
  sub->add_option("--end", o->end, "Stop before: end, offset N or @TIME");
  sub->add_option("-p,--partitions", o->partitions, "Only these partitions, e.g. 0,2 or 0-3");
  sub->add_option("-n,--count", o->count, "Stop after N matching records")->check(CLI::NonNegativeNumber);
  sub->add_flag("-e,--exit", o->exit_at_end, "Stop at the end offsets taken at start");
  sub->add_option("-g,--group", o->group, "Read as this consumer group and commit what was shown");
  sub->add_option("-f,--format", o->format, "Template: %t %p %o %k %s %h %T %S %K %d (time)");
  sub->add_option("--out", o->out_file, "Write record lines to FILE (stdout only with -o/-f)");
  sub->add_option("--binary", o->binary, "Non-text bytes as: escape, hex or base64")
      ->check(CLI::IsMember({"escape", "hex", "base64"}));
  sub->add_option("--type", o->filter.types, "Only CloudEvents type T (repeatable: any of)")
      ->allow_extra_args(false);
  sub->add_option("--type-field", o->filter.type_field, "JSON path of the type in plain JSON values");
  sub->add_option("--key", o->key, "Only records with this key");
  sub->add_option("--header", o->filter.headers, "Only records with header K=V (or K)")
      ->allow_extra_args(false);
  sub->add_option("--where", o->filter.wheres, "Only values where 'PATH OP VALUE' (== != < > ~ exists)")
      ->allow_extra_args(false);
  sub->add_option("--grep", o->filter.greps, "Only records whose raw value or key contains TEXT")
      ->allow_extra_args(false);
  sub->footer("Output (-o): pretty (terminal default), jsonl (pipe default), raw, template.\n"
              "Without -e or an end, evt starts at the end and follows new records.\n"
              "See 'man evt-tail' for positions, filters and tokens.");
  sub->final_callback([&g, o] { throw Exit{run_tail(g, *o)}; });
}

} // namespace evt::cli
