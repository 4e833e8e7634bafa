#include "publish.hpp"

#include "choices.hpp"
#include "evt/schema/json_schema_model.hpp"

#include "evt/error.hpp"
#include "evt/output/progress.hpp"
#include "evt/output/sink.hpp"
#include "evt/output/terminal_escape.hpp"
#include "evt/publish/command.hpp"
#include "evt/publish/report.hpp"

#include <cstdio>
#include <memory>

namespace evt::cli {
namespace {

// Prints the result on stderr and returns the exit code.
ExitCode report(const Globals& g, const publish::PublishRequest& o, const publish::PublishResult& r,
                const publish::PublishCommand& command) {
  for (const auto& f : r.failures) {
    std::fprintf(stderr, "evt: %s\n", publish::describe_failure(command.inputs().at(f.input), f).c_str());
  }
  if (r.stop == publish::StopReason::client_error) {
    // Rethrown below, after the summary, for main to print.
  } else if (const auto stop = publish::describe_stop(r, command.inputs(), command.single())) {
    std::fprintf(stderr, "evt: %s\n", stop->c_str());
  }
  if (const auto large = publish::large_summary(r, o.warn_size)) {
    warn(*large);
  }
  const auto code = publish::publish_exit_code(r);
  if (!g.quiet || code != ExitCode::ok) {
    std::fprintf(stderr, "evt: %s\n", publish::summary_text(r, o.dry_run).c_str());
  }
  if (r.stop == publish::StopReason::client_error && r.client_exception) {
    std::rethrow_exception(r.client_exception);
  }
  return code;
}

ExitCode run_publish(const Globals& g, const publish::PublishRequest& o) {
  publish::PublishCommand command(o);
  if (!o.dry_run) {
    command.connect(client_config(g));
  }
  output::Sink out;
  output::Progress progress(output::progress_wanted(g.quiet),
                            [](std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); });
  publish::PublishEvents events;
  events.rejected = [&](publish::LineRef w, const publish::Rejection& why) {
    progress.clear();
    std::fprintf(stderr, "evt: %s\n",
                 publish::describe_rejection(command.inputs().at(w.input), w.line, why).c_str());
  };
  size_t large_shown = 0;
  events.large = [&](publish::LineRef w, size_t bytes) {
    if (++large_shown <= 10) {
      progress.clear();
      warn(publish::describe_large(command.inputs().at(w.input), w.line, bytes, o.warn_size));
    }
  };
  events.progress = [&](const publish::PublishCounts& c, double s) {
    progress.update(publish::progress_snapshot(c, s));
  };
  const auto result = command.run(std::move(events), out);
  out.flush();
  progress.clear();
  return report(g, o, result, command);
}

void add_publish_flags(CLI::App* sub, publish::PublishRequest& o) {
  sub->add_option("-t,--topic", o.topic, "Topic (default: each record line's topic)")
      ->check(existing_topic());
  sub->add_option("-f,--file", o.files, "JSON Lines input, '-' for stdin (repeatable; default stdin)")
      ->option_text("FILE");
  sub->add_option("--data", o.data, "Send one event with this value");
  sub->add_option("--data-file", o.data_file, "Send one event whose value is this file's bytes");
  sub->add_option("--input", o.input, "Line shape: auto, record, value or raw")
      ->check(one_of(publish::k_input_modes))
      ->option_text("MODE");
  sub->add_option("-k,--key", o.key, "Record key");
  sub->add_option("--key-field", o.key_field, "Key from this event field (e.g. data.customerId)");
  sub->add_option("-H,--header", o.headers, "Header name=value (repeatable; 'name' alone: null)")
      ->option_text("K=V");
  sub->add_option("-p,--partition", o.partition, "Send to this partition")
      ->check(number_between(0, 2147483647))
      ->option_text("N");
  sub->add_option("--partitioner", o.partitioner, "librdkafka partitioner (default murmur2_random)")
      ->check(one_of(kafka::k_partitioners))
      ->option_text("NAME");
  sub->add_option("--keep", o.keep, "Keep a record line's partition and/or timestamp")
      ->delimiter(',')
      ->option_text("WHAT");
  sub->add_option("--envelope", o.envelope, "none, cloudevents (binary) or cloudevents-structured")
      ->check(one_of(codec::k_envelope_modes))
      ->option_text("KIND");
  sub->add_option("--type", o.type, "Event type (turns on the binary envelope)");
  sub->add_option("--source", o.source, "Event source URI (default /evt/HOSTNAME)");
  sub->add_option("--subject", o.subject, "Event subject");
  sub->add_option("--dataschema", o.dataschema, "Schema URI of the data");
  sub->add_option("--content-type", o.content_type, "datacontenttype (default: from the data)")
      ->option_text("TYPE");
  sub->add_option("--correlation-id", o.correlation_id, "ce_correlationid extension");
  sub->add_option("--traceparent", o.traceparent, "W3C traceparent, or 'new' for one per event");
  sub->add_option("--schema", o.schema, "Validate each event against this JSON Schema");
  sub->add_option("--schema-dir", o.schema_dir, "Schema repository: TYPE/vN.json by event type");
  sub->add_flag_callback(
      "--allow-ref-outside", [] { schema::set_ref_outside_allowed(true); },
      "Let local $refs leave the schema's folder");
  sub->add_flag("--skip-invalid", o.skip_invalid, "Report invalid lines and go on (exit 4 at the end)");
  sub->add_option("--max-size", o.max_size, "Refuse records above this size (1MiB)")->option_text("BYTES");
  sub->add_option("--warn-size", o.warn_size, "Warn about records above this size (64KiB)")
      ->option_text("BYTES");
  sub->add_flag("--allow-pii", o.allow_pii, "Send values that look like card numbers");
  sub->add_option("-z,--compression", o.compression, "none, gzip, snappy, lz4 or zstd")
      ->check(one_of(kafka::k_compression_codecs))
      ->option_text("CODEC");
  sub->add_option("--rate", o.rate, "At most N records per second (N/s, N/m, N/h)");
  sub->add_option("--delivery-timeout", o.delivery_timeout_s, "Seconds before a record counts as failed (30)")
      ->check(number_between(0.001, 2000000))
      ->option_text("S");
  sub->add_flag("--dry-run", o.dry_run, "Check and print the record lines, send nothing");
  sub->add_flag("--worker-thread,!--one-thread", o.worker_thread,
                "Parse and check lines on a second thread (default; --one-thread: not)");
}

}  // namespace

void add_publish(CLI::App& root, Globals& g) {
  auto opts = std::make_shared<publish::PublishRequest>();
  auto* sub = root.add_subcommand("publish", "Send events from flags or JSON Lines (files or stdin)");
  add_publish_flags(sub, *opts);
  sub->final_callback([&g, opts] { g.outcome = run_publish(g, *opts); });
}

}  // namespace evt::cli
