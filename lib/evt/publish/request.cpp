#include "evt/publish/request.hpp"

#include "evt/error.hpp"
#include "evt/publish/guards.hpp"
#include "evt/read/input.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

#include <algorithm>
#include <cstdio>

namespace evt::publish {

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

codec::EnvelopeMode envelope_mode(const std::string& envelope, const std::string& type) {
  if (envelope.empty()) {
    return type.empty() ? codec::EnvelopeMode::none : codec::EnvelopeMode::binary;
  }
  if (const auto mode = codec::k_envelope_modes.find(envelope)) {
    return *mode;
  }
  throw UsageError("--envelope must be " + codec::k_envelope_modes.list() + ", not '" + envelope + "'");
}

std::string default_source() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    return "/evt";
  }
  return std::string("/evt/") + host;
}

PublishSpec make_spec(const PublishRequest& o) {
  PublishSpec spec;
  spec.topic = o.topic;
  spec.input = parse_input_mode(o.input);
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
  spec.envelope = envelope_mode(o.envelope, o.type);
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
  spec.limits.max_bytes = parse_byte_size(o.max_size, "--max-size");
  spec.limits.warn_bytes = parse_byte_size(o.warn_size, "--warn-size");
  spec.allow_pii = o.allow_pii;
  return spec;
}

bool is_single_event(const PublishRequest& request) {
  return request.data || !request.data_file.empty();
}

std::vector<std::string> input_names(const PublishRequest& o) {
  if (is_single_event(o)) {
    return {o.data ? std::string("--data") : o.data_file};
  }
  return o.files.empty() ? std::vector<std::string>{"-"} : o.files;
}

size_t max_line_bytes(size_t max_bytes) {
  return std::max<size_t>(max_bytes * 2, 1 << 20) + 65536;
}

}  // namespace evt::publish
