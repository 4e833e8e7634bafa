#pragma once
// One `evt publish` run from its flags: checks them, picks the schemas,
// opens the inputs, connects the producer (sized for --max-size, checked
// against the topic and -p) and feeds the session line by line or with the
// single event. Never prints: rejections, progress and dry-run records go
// to the caller's events and sink.

#include "evt/kafka/client_config.hpp"
#include "evt/kafka/producer.hpp"
#include "evt/output/sink.hpp"
#include "evt/publish/publish.hpp"
#include "evt/publish/request.hpp"
#include "evt/publish/schema.hpp"
#include "evt/read/input.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace evt::publish {

// The pieces of one publish run, built from the flags.
class PublishCommand {
 public:
  // Checks the flags, loads the schemas and opens the inputs (UsageError
  // and InputError before anything is sent).
  explicit PublishCommand(const PublishRequest& request);

  // Opens the producer; fails fast on unreachable brokers and unknown
  // topics and checks -p against the topic. Not for a dry run.
  void connect(const kafka::ClientConfig& config);

  // Sends everything (a dry run writes the record lines to `dry_run_out`)
  // and returns the outcome; `events.dry_run` is set here.
  PublishResult run(PublishEvents events, output::Sink& dry_run_out);

  // The inputs by index, as LineRef::input counts them.
  const std::vector<std::string>& inputs() const { return m_inputs; }

  // True for one event given by --data or --data-file.
  bool single() const { return m_single; }

 private:
  PublishRequest m_request;
  bool m_single;
  std::vector<std::string> m_inputs;
  size_t m_max_bytes = 0;
  std::optional<SchemaSelector> m_schemas;
  std::optional<read::LineReader> m_reader;
  std::unique_ptr<RecordBuilder> m_builder;
  std::unique_ptr<kafka::Producer> m_producer;
};

}  // namespace evt::publish
