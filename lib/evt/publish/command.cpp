#include "evt/publish/command.hpp"

#include "evt/codec/record_line.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/error.hpp"
#include "evt/schema/big_stack.hpp"

namespace evt::publish {

PublishCommand::PublishCommand(const PublishRequest& request)
    : m_request(request), m_single(is_single_event(request)), m_inputs(input_names(request)) {
  const auto& o = m_request;
  if (o.topic.empty() && m_single) {
    throw UsageError("--data needs a topic", "give -t TOPIC");
  }
  if (o.data && !o.data_file.empty()) {
    throw UsageError("--data and --data-file both give the event; use one");
  }
  if (m_single && !o.files.empty()) {
    throw UsageError("-f reads events from files; --data gives one event; use one of them");
  }
  auto spec = make_spec(o);
  if (m_single && spec.envelope != codec::EnvelopeMode::none && spec.attributes.type.empty()) {
    throw UsageError("the CloudEvents envelope needs --type");
  }
  if (!o.schema.empty()) {
    m_schemas = SchemaSelector::from_file(o.schema);
  } else if (!o.schema_dir.empty()) {
    m_schemas = SchemaSelector::from_directory(o.schema_dir);
    if (!spec.attributes.type.empty() && !m_schemas->schema_file_for(spec.attributes.type)) {
      throw UsageError("no schema for event type '" + spec.attributes.type + "' in " + o.schema_dir,
                       "the schema of type T is the latest T/vN.json in --schema-dir");
    }
  }
  m_max_bytes = spec.limits.max_bytes;
  if (!m_single) {
    m_reader.emplace(m_inputs, max_line_bytes(m_max_bytes));
  }
  m_builder = std::make_unique<RecordBuilder>(std::move(spec), m_schemas ? &*m_schemas : nullptr);
}

void PublishCommand::connect(const kafka::ClientConfig& config) {
  kafka::ProducerOptions po;
  po.compression = m_request.compression;
  po.partitioner = m_request.partitioner;
  po.delivery_timeout_ms = static_cast<int>(m_request.delivery_timeout_s * 1000);
  // Room for the largest record --max-size lets through, plus its framing.
  po.max_message_bytes = m_max_bytes + 4096;
  m_producer = std::make_unique<kafka::Producer>(config, po);
  if (!m_request.topic.empty()) {
    const int partitions = m_producer->partition_count(m_request.topic);
    if (m_request.partition >= partitions) {
      throw UsageError("topic '" + m_request.topic + "' has " + std::to_string(partitions) +
                       " partition(s); -p " + std::to_string(m_request.partition) + " does not exist");
    }
  }
}

PublishResult PublishCommand::run(PublishEvents events, output::Sink& dry_run_out) {
  std::string line_buffer;
  events.dry_run = [&](const Record& r) {
    line_buffer.clear();
    codec::append_record_line(line_buffer, r);
    dry_run_out.write(line_buffer);
  };
  // Lines piped in slowly (tail -f | evt publish --dry-run) show as they come
  // (the reader is used only within run(), while dry_run_out lives).
  if (m_reader) {
    m_reader->on_wait([&] { dry_run_out.flush(); });
  }
  DeliveryOptions delivery;
  delivery.dry_run = m_request.dry_run;
  delivery.skip_invalid = m_request.skip_invalid;
  delivery.rate = m_request.rate.empty() ? 0 : deliver::parse_rate(m_request.rate);
  delivery.delivery_timeout_ms = static_cast<int>(m_request.delivery_timeout_s * 1000);
  PublishSession session(*m_builder, m_producer.get(), delivery, std::move(events));
  if (m_single) {
    const auto& o = m_request;
    // Read a little past the limit so the guard can name the real size.
    const auto data =
        o.data ? o.data
               : std::optional<std::string>(read::read_data_file(o.data_file, 2 * m_max_bytes + (1 << 20)));
    // A schema check runs on a big stack (schema/regex_guard.hpp).
    schema::run_with_big_stack([&] { session.submit_data(data); });
    return session.finish();
  }
  // By default one thread builds (parses, checks, envelopes) while this
  // one sends, and plain records go to the producer in batches
  // (docs/benchmarks.md); --one-thread does both here, record by record.
  if (m_request.worker_thread) {
    return publish_lines_pipelined(*m_reader, session, *m_builder);
  }
  if (m_schemas) {
    // A schema check runs on a big stack (schema/regex_guard.hpp).
    PublishResult result;
    schema::run_with_big_stack([&] { result = publish_lines(*m_reader, session); });
    return result;
  }
  return publish_lines(*m_reader, session);
}

}  // namespace evt::publish
