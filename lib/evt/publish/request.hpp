#pragma once
// What `evt publish` was asked to do, as given on the command line, and
// how those flags become a PublishSpec: envelope choice, headers, keys,
// --keep, trace context, size limits. Throws UsageError for flags that
// do not fit together.

#include "evt/publish/record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace evt::publish {

// The flags of `evt publish`, as given (strings unparsed).
struct PublishRequest {
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
  std::string envelope;                                         // "" = by --type
  std::string type, source, subject, dataschema, content_type;  // empty: from the data
  std::string correlation_id, traceparent;
  std::string schema, schema_dir;
  bool skip_invalid = false;
  std::string max_size = "1MiB", warn_size = "64KiB";
  bool allow_pii = false;
  std::string compression;
  std::string rate;
  bool dry_run = false;
  bool worker_thread = true;  // lines parsed and checked on a second thread
  double delivery_timeout_s = 30;
  std::vector<std::string> keep;
};

// "name=value" → a header; "name" alone → a header with a NULL value.
Header parse_header_flag(const std::string& text);

// The envelope --envelope asks for; when not given, binary with --type.
codec::EnvelopeMode envelope_mode(const std::string& envelope, const std::string& type);

// "/evt/HOSTNAME" (or "/evt" when the host has no name): the default source.
std::string default_source();

// The spec the flags describe; throws UsageError for conflicting flags.
PublishSpec make_spec(const PublishRequest& request);

// True when the request sends one event given by --data or --data-file.
bool is_single_event(const PublishRequest& request);

// The names of the inputs: "--data", the --data-file path, the -f files, or "-".
std::vector<std::string> input_names(const PublishRequest& request);

// The longest line the reader accepts for records up to max_bytes: a record
// line carries its value in base64 at worst (4/3) plus headers.
size_t max_line_bytes(size_t max_bytes);

}  // namespace evt::publish
