#include "publish.hpp"

#include "evt/codec/murmur2.hpp"
#include "evt/codec/record_line.hpp"
#include "evt/error.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/publish/publish.hpp"
#include "evt/publish/report.hpp"
#include "evt/publish/schema.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <unistd.h>

namespace evt::cli {
namespace {

struct PublishOpts {
  std::string topic;
  std::vector<std::string> files;
  std::optional<std::string> data;
  std::string data_file;
  std::optional<std::string> key;
  std::string key_field;
  std::vector<std::string> headers;
  int partition = -1;
  std::string partitioner = "murmur2_random";
  std::string input = "auto";
  std::string envelope;  // "" = by --type
  std::string type, source, subject, dataschema, content_type = "application/json";
  std::string correlation_id, traceparent;
  std::string schema, schema_dir;
  bool skip_invalid = false;
  std::string max_size = "1MiB", warn_size = "64KiB";
  bool allow_pii = false;
  std::string compression;
  std::string rate;
  bool dry_run = false;
  bool worker_thread = false;
  double delivery_timeout_s = 30;
  std::vector<std::string> keep;
};

struct PartitionOfOpts {
  std::vector<std::string> keys;
  int partitions = 0;
  std::string topic;
};

// Drawn on stderr when it is a terminal; cleared before any other message.
Header parse_header_flag(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == 0 || text.empty()) {
    throw UsageError("--header '" + text + "' has no name", "use --header name=value");
  }
  if (eq == std::string::npos) {
    return Header{text, std::nullopt};  // "name" alone: a NULL header value
  }
  return Header{text.substr(0, eq), text.substr(eq + 1)};
}

double parse_rate(const std::string& text) {
  std::string number = text;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0) {
    number.resize(number.size() - 2);
  }
  try {
    size_t used = 0;
    const double rate = std::stod(number, &used);
    if (used == number.size() && rate > 0) {
      return rate;
    }
  } catch (const std::exception&) {
  }
  throw UsageError("--rate '" + text + "' is not a rate", "use records per second, e.g. --rate 500/s");
}

codec::EnvelopeMode envelope_mode(const PublishOpts& o) {
  if (o.envelope.empty()) {
    return o.type.empty() ? codec::EnvelopeMode::none : codec::EnvelopeMode::binary;
  }
  if (o.envelope == "none") {
    return codec::EnvelopeMode::none;
  }
  return o.envelope == "cloudevents" ? codec::EnvelopeMode::binary : codec::EnvelopeMode::structured;
}

std::string default_source() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    return "/evt";
  }
  return std::string("/evt/") + host;
}

publish::PublishSpec make_spec(const PublishOpts& o) {
  publish::PublishSpec spec;
  spec.topic = o.topic;
  spec.input = publish::parse_input_mode(o.input);
  spec.key = o.key;
  if (!o.key_field.empty()) {
    if (o.key) {
      throw UsageError("--key and --key-field both give the key; use one");
    }
    spec.key_field.emplace(o.key_field);
  }
  spec.partition = o.partition;
  for (const auto& k : o.keep) {
    if (k == "partition") {
      spec.keep_partition = true;
    } else if (k == "timestamp") {
      spec.keep_timestamp = true;
    } else {
      throw UsageError("--keep takes partition and/or timestamp, not '" + k + "'");
    }
  }
  for (const auto& h : o.headers) {
    spec.headers.push_back(parse_header_flag(h));
  }
  spec.envelope = envelope_mode(o);
  auto& a = spec.attributes;
  a.type = o.type;
  a.source = o.source.empty() ? default_source() : o.source;
  a.subject = o.subject;
  a.dataschema = o.dataschema;
  a.datacontenttype = o.content_type;
  if (!o.correlation_id.empty()) {
    a.extensions.emplace_back("correlationid", o.correlation_id);
  }
  if (o.traceparent == "new") {
    spec.new_traceparent = true;
  } else if (!o.traceparent.empty()) {
    if (!codec::is_valid_traceparent(o.traceparent)) {
      throw UsageError("--traceparent '" + o.traceparent + "' is not a W3C traceparent",
                       "use 00-<32 hex>-<16 hex>-<2 hex> (lower case), or 'new' for a fresh one per event");
    }
    a.extensions.emplace_back("traceparent", o.traceparent);
  }
  if (spec.envelope == codec::EnvelopeMode::none &&
      (!o.subject.empty() || !o.dataschema.empty() || !o.correlation_id.empty() || !o.traceparent.empty())) {
    throw UsageError("--subject, --dataschema, --correlation-id and --traceparent need an envelope",
                     "give --type (or --envelope cloudevents)");
  }
  spec.limits.max_bytes = publish::parse_byte_size(o.max_size, "--max-size");
  spec.limits.warn_bytes = publish::parse_byte_size(o.warn_size, "--warn-size");
  spec.allow_pii = o.allow_pii;
  return spec;
}

std::optional<std::string> read_data_file(const std::string& path, size_t max_bytes) {
  std::string bytes;
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    throw UsageError("cannot open '" + path + "'");
  }
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0 && bytes.size() <= max_bytes) {
    bytes.append(buf, n);
  }
  if (f != stdin) {
    std::fclose(f);
  }
  if (bytes.size() > max_bytes) {
    throw InputError("--data-file '" + path + "' is larger than " + std::to_string(max_bytes) + " bytes");
  }
  return bytes;
}

// Prints the result on stderr and returns the exit code.
int report(const Globals& g, const PublishOpts& o, const publish::PublishResult& r,
           const std::vector<std::string>& inputs, bool single) {
  for (const auto& f : r.failures) {
    std::fprintf(stderr, "evt: %s\n", publish::describe_failure(inputs.at(f.input), f).c_str());
  }
  const auto at = [&](const publish::LineRef& w) {
    return output::terminal_safe(publish::display_input_name(inputs.at(w.input))) + ":" + std::to_string(w.line);
  };
  switch (r.stop) {
  case publish::StopReason::rejected:
    if (single) {
      break;
    }
    std::fprintf(stderr, "evt: stopped at %s: nothing after it was sent (--skip-invalid goes on)\n",
                 at(r.stopped_at).c_str());
    break;
  case publish::StopReason::delivery_failed:
    std::fprintf(stderr, "evt: stopped reading after the failed delivery of %s\n", at(r.stopped_at).c_str());
    break;
  case publish::StopReason::client_error:
    std::fprintf(stderr, "evt: error: %s\n", output::terminal_safe(r.client_error).c_str());
    break;
  case publish::StopReason::interrupted:
    std::fprintf(stderr, "evt: interrupted: stopped reading, flushed what was in flight\n");
    break;
  case publish::StopReason::none: break;
  }
  if (r.counts.large > 0) {
    warn(std::to_string(r.counts.large) + " record(s) above --warn-size " + o.warn_size);
  }
  const auto code = publish::publish_exit_code(r);
  if (!g.quiet || code != ExitCode::ok) {
    std::fprintf(stderr, "evt: %s\n", publish::summary_text(r, o.dry_run).c_str());
  }
  return static_cast<int>(code);
}

int run_publish(const Globals& g, const PublishOpts& o) {
  if (o.topic.empty() && (o.data || !o.data_file.empty())) {
    throw UsageError("--data needs a topic", "give -t TOPIC");
  }
  if (o.data && !o.data_file.empty()) {
    throw UsageError("--data and --data-file both give the event; use one");
  }
  const bool single = o.data || !o.data_file.empty();
  if (single && !o.files.empty()) {
    throw UsageError("-f reads events from files; --data gives one event; use one of them");
  }
  auto spec = make_spec(o);
  if (single && spec.envelope != codec::EnvelopeMode::none && spec.attributes.type.empty()) {
    throw UsageError("the CloudEvents envelope needs --type");
  }
  std::optional<publish::SchemaSelector> schemas;
  if (!o.schema.empty()) {
    schemas = publish::SchemaSelector::from_file(o.schema);
  } else if (!o.schema_dir.empty()) {
    schemas = publish::SchemaSelector::from_directory(o.schema_dir);
    if (!spec.attributes.type.empty() && !schemas->schema_file_for(spec.attributes.type)) {
      throw UsageError("no schema for event type '" + spec.attributes.type + "' in " + o.schema_dir,
                       "the schema of type T is the latest T/vN.json in --schema-dir");
    }
  }
  const size_t max_bytes = spec.limits.max_bytes;
  const std::vector<std::string> inputs =
      single ? std::vector<std::string>{o.data ? std::string("--data") : o.data_file}
             : (o.files.empty() ? std::vector<std::string>{"-"} : o.files);
  std::optional<publish::LineReader> reader;
  if (!single) {
    // A record line carries its value in base64 at worst (4/3) plus headers.
    reader.emplace(inputs, std::max<size_t>(max_bytes * 2, 1 << 20) + 65536);
  }
  publish::RecordBuilder builder(std::move(spec), schemas ? &*schemas : nullptr);

  std::unique_ptr<kafka::Producer> producer;
  if (!o.dry_run) {
    auto config = client_config(g);
    if (max_bytes + 4096 > 1000000) {
      // librdkafka refuses records above message.max.bytes (1000000) itself.
      config.properties.insert(config.properties.begin(), {"message.max.bytes", std::to_string(max_bytes + 4096)});
    }
    kafka::ProducerOptions po;
    po.compression = o.compression;
    po.partitioner = o.partitioner;
    po.delivery_timeout_ms = static_cast<int>(o.delivery_timeout_s * 1000);
    producer = std::make_unique<kafka::Producer>(config, po);
    if (!o.topic.empty()) {
      // Fails fast on unreachable brokers and unknown topics, and checks -p.
      const int partitions = producer->partition_count(o.topic);
      if (o.partition >= partitions) {
        throw UsageError("topic '" + o.topic + "' has " + std::to_string(partitions) + " partition(s); -p " +
                         std::to_string(o.partition) + " does not exist");
      }
    }
  }

  output::Sink out;
  output::Progress progress(!g.quiet && isatty(STDERR_FILENO) != 0,
                            [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); });
  std::string line_buffer;
  publish::PublishEvents events;
  events.rejected = [&](publish::LineRef w, const publish::Rejection& why) {
    progress.clear();
    std::fprintf(stderr, "evt: %s\n", publish::describe_rejection(inputs.at(w.input), w.line, why).c_str());
  };
  size_t large_shown = 0;
  events.large = [&](publish::LineRef w, size_t bytes) {
    if (++large_shown <= 10) {
      progress.clear();
      warn(output::terminal_safe(publish::display_input_name(inputs.at(w.input))) + ":" + std::to_string(w.line) +
           ": the record is " + std::to_string(bytes) + " bytes (above --warn-size " + o.warn_size + ")");
    }
  };
  events.dry_run = [&](const Record& r) {
    line_buffer.clear();
    codec::append_record_line(line_buffer, r);
    out.write(line_buffer);
  };
  events.progress = [&](const publish::PublishCounts& c, double s) { progress.update(publish::progress_snapshot(c, s)); };

  publish::DeliveryOptions delivery;
  delivery.dry_run = o.dry_run;
  delivery.skip_invalid = o.skip_invalid;
  delivery.rate = o.rate.empty() ? 0 : parse_rate(o.rate);
  delivery.delivery_timeout_ms = static_cast<int>(o.delivery_timeout_s * 1000);
  publish::PublishSession session(builder, producer.get(), delivery, events);
  publish::PublishResult result;
  if (single) {
    // Read a little past the limit so the guard can name the real size.
    session.submit_data(o.data ? o.data : read_data_file(o.data_file, 2 * max_bytes + (1 << 20)));
    result = session.finish();
  } else {
    // Opt-in: on the shared 2-core machine a second thread cost more than
    // it gained (docs/benchmarks.md); with a free core it can help.
    const bool worker = o.worker_thread;
    result = worker ? publish::publish_lines_pipelined(*reader, session, builder) : publish::publish_lines(*reader, session);
  }
  out.flush();
  progress.clear();
  return report(g, o, result, inputs, single);
}

int run_partition_of(const Globals& g, const PartitionOfOpts& o) {
  const auto format = output_format(g, {"text", "json"}, "text");
  int partitions = o.partitions;
  if (!o.topic.empty()) {
    kafka::Producer producer(client_config(g), kafka::ProducerOptions{});
    partitions = producer.partition_count(o.topic);
  }
  if (partitions <= 0) {
    throw UsageError("partition-of needs --partitions N or -t TOPIC");
  }
  output::Sink out;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& key : o.keys) {
    const int32_t p = codec::murmur2_partition(key, partitions);
    if (format == "json") {
      char hash[16];
      std::snprintf(hash, sizeof hash, "0x%08x", codec::murmur2(key));
      rows.push_back({{"key", key}, {"partition", p}, {"murmur2", hash}});
    } else {
      out.write(std::to_string(p) + "\n");
    }
  }
  if (format == "json") {
    out.write(rows.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  }
  return 0;
}

void add_publish_flags(CLI::App* sub, PublishOpts& o) {
  sub->add_option("-t,--topic", o.topic, "Topic (default: each record line's topic)");
  sub->add_option("-f,--file", o.files, "JSON Lines input, '-' for stdin (repeatable; default stdin)")
      ->option_text("FILE");
  sub->add_option("--data", o.data, "Send one event with this value");
  sub->add_option("--data-file", o.data_file, "Send one event whose value is this file's bytes");
  sub->add_option("--input", o.input, "Line shape: auto, record, value or raw")
      ->check(CLI::IsMember({"auto", "record", "value", "raw"}))
      ->option_text("MODE");
  sub->add_option("-k,--key", o.key, "Record key");
  sub->add_option("--key-field", o.key_field, "Key from this event field (e.g. data.customerId)");
  sub->add_option("-H,--header", o.headers, "Header name=value (repeatable; 'name' alone: null)")
      ->option_text("K=V");
  sub->add_option("-p,--partition", o.partition, "Send to this partition")
      ->check(CLI::NonNegativeNumber)
      ->option_text("N");
  sub->add_option("--partitioner", o.partitioner, "librdkafka partitioner (default murmur2_random)")
      ->check(CLI::IsMember({"random", "consistent", "consistent_random", "murmur2", "murmur2_random", "fnv1a",
                             "fnv1a_random"}))
      ->option_text("NAME");
  sub->add_option("--keep", o.keep, "Keep a record line's partition and/or timestamp")
      ->delimiter(',')
      ->option_text("WHAT");
  auto* ce = sub;
  ce->add_option("--envelope", o.envelope, "none, cloudevents (binary) or cloudevents-structured")
      ->check(CLI::IsMember({"none", "cloudevents", "cloudevents-structured"}))
      ->option_text("KIND");
  ce->add_option("--type", o.type, "Event type (turns on the binary envelope)");
  ce->add_option("--source", o.source, "Event source URI (default /evt/HOSTNAME)");
  ce->add_option("--subject", o.subject, "Event subject");
  ce->add_option("--dataschema", o.dataschema, "Schema URI of the data");
  ce->add_option("--content-type", o.content_type, "datacontenttype (application/json)")->option_text("TYPE");
  ce->add_option("--correlation-id", o.correlation_id, "ce_correlationid extension");
  ce->add_option("--traceparent", o.traceparent, "W3C traceparent, or 'new' for one per event");
  auto* checks = sub;
  checks->add_option("--schema", o.schema, "Validate each event against this JSON Schema");
  checks->add_option("--schema-dir", o.schema_dir, "Schema repository: TYPE/vN.json by event type");
  checks->add_flag("--skip-invalid", o.skip_invalid, "Report invalid lines and go on (exit 4 at the end)");
  checks->add_option("--max-size", o.max_size, "Refuse records above this size (1MiB)")->option_text("BYTES");
  checks->add_option("--warn-size", o.warn_size, "Warn about records above this size (64KiB)")->option_text("BYTES");
  checks->add_flag("--allow-pii", o.allow_pii, "Send values that look like card numbers");
  auto* delivery = sub;
  delivery->add_option("-z,--compression", o.compression, "none, gzip, snappy, lz4 or zstd")
      ->check(CLI::IsMember({"none", "gzip", "snappy", "lz4", "zstd"}))
      ->option_text("CODEC");
  delivery->add_option("--rate", o.rate, "At most N records per second (N or N/s)");
  delivery->add_option("--delivery-timeout", o.delivery_timeout_s, "Seconds before a record counts as failed (30)")
      ->check(CLI::PositiveNumber)
      ->option_text("S");
  delivery->add_flag("--dry-run", o.dry_run, "Check and print the record lines, send nothing");
  delivery->add_flag("--worker-thread", o.worker_thread, "Parse and check lines on a second thread");
}

} // namespace

void add_publish(CLI::App& root, const Globals& g) {
  auto opts = std::make_shared<PublishOpts>();
  auto* sub = root.add_subcommand("publish", "Send events from flags or JSON Lines (files or stdin)");
  add_publish_flags(sub, *opts);
  sub->final_callback([&g, opts] { throw Exit{run_publish(g, *opts)}; });

  auto popts = std::make_shared<PartitionOfOpts>();
  auto* pof = root.add_subcommand("partition-of", "Print the partition a key lands on (Java murmur2)");
  pof->add_option("key", popts->keys, "Key(s)")->required();
  pof->add_option("-n,--partitions", popts->partitions, "Partition count")->check(CLI::PositiveNumber);
  pof->add_option("-t,--topic", popts->topic, "Read the partition count of this topic");
  pof->final_callback([&g, popts] { throw Exit{run_partition_of(g, *popts)}; });
}

} // namespace evt::cli
