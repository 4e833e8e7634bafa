#include "evt/dlq/convention.hpp"

#include "evt/dlq/decoders.hpp"
#include "evt/dlq/headers.hpp"
#include "evt/error.hpp"

#include <array>

namespace evt::dlq {
namespace {

using detail::Headers;

bool any_of(const Headers& h, std::initializer_list<std::string_view> keys) {
  for (const auto k : keys) {
    if (h.has(k)) {
      return true;
    }
  }
  return false;
}

bool custom_present(const CustomConvention& c, const Headers& h) {
  for (const auto* key : {&c.original_topic, &c.exception_class, &c.exception_message}) {
    if (!key->empty() && h.has(*key)) {
      return true;
    }
  }
  return false;
}

// The convention whose marker headers the record carries.
Convention detect(const Headers& h) {
  if (any_of(h, {k_original_topic, k_error})) {
    return Convention::evt;
  }
  const bool retry =
      any_of(h, {"retry_topic-attempts", "retry_topic-original-timestamp", "retry_topic-backoff-timestamp"});
  if (any_of(h, {"kafka_dlt-original-topic", "kafka_dlt-exception-fqcn", "kafka_dlt-key-exception-fqcn"})) {
    return retry ? Convention::spring_retry : Convention::spring;
  }
  if (retry) {
    return Convention::spring_retry;
  }
  if (any_of(h, {"__connect.errors.topic", "__connect.errors.exception.class.name"})) {
    return Convention::connect;
  }
  if (any_of(h, {"__streams.errors.topic", "__streams.errors.exception"})) {
    return Convention::streams;
  }
  if (any_of(h, {"dead-letter-topic", "dead-letter-reason", "dead-letter-exception-class-name"})) {
    return Convention::smallrye;
  }
  if (any_of(h, {"topic_poisoned", "reason_poisoned"})) {
    return Convention::watermill;
  }
  if (h.has("x-original-topic") &&
      any_of(h, {"x-original-partition", "x-original-offset", "x-exception-fqcn"})) {
    return Convention::spring_cloud_stream;
  }
  if (any_of(h, {"x-original-topic", "x-dlq-original-topic", "original-topic", "x-exception-message",
                 "x-error", "error"})) {
    return Convention::generic;
  }
  return Convention::none;
}

void decode_as(Convention c, std::string_view dlq_topic, const Headers& h, DeadLetter& out) {
  switch (c) {
    case Convention::evt:
      return detail::decode_evt(h, out);
    case Convention::spring:
      return detail::decode_spring(h, out);
    case Convention::spring_retry:
      return detail::decode_spring_retry(dlq_topic, h, out);
    case Convention::spring_cloud_stream:
      return detail::decode_spring_cloud_stream(h, out);
    case Convention::connect:
      return detail::decode_connect(h, out);
    case Convention::streams:
      return detail::decode_streams(h, out);
    case Convention::smallrye:
      return detail::decode_smallrye(h, out);
    case Convention::watermill:
      return detail::decode_watermill(h, out);
    case Convention::generic:
      return detail::decode_generic(h, out);
    case Convention::none:
    case Convention::custom:
      return;
  }
}

constexpr std::array<std::string_view, 8> k_failure_prefixes{
    "kafka_dlt-",        "retry_topic-",      "x-original-",  "x-exception-",
    "__connect.errors.", "__streams.errors.", "dead-letter-", "evt_dlq_"};

}  // namespace

std::string_view convention_name(Convention c) {
  if (c == Convention::none) {
    return "none";
  }
  if (c == Convention::custom) {
    return "custom";
  }
  return k_convention_names.name(c);
}

DeadLetter decode_dead_letter(std::string_view dlq_topic, std::span<const HeaderView> headers,
                              const DecodeOptions& options) {
  const Headers h(headers);
  DeadLetter out;
  if (options.forced == Convention::custom || (!options.forced && !options.custom.empty())) {
    for (const auto& c : options.custom) {
      const bool chosen = options.forced ? c.name == options.forced_custom : custom_present(c, h);
      if (chosen) {
        out.convention = Convention::custom;
        out.convention_name = c.name;
        detail::decode_custom(c, h, out);
        return out;
      }
    }
    if (options.forced) {
      return out;
    }
  }
  out.convention = options.forced ? *options.forced : detect(h);
  out.convention_name = convention_name(out.convention);
  decode_as(out.convention, dlq_topic, h, out);
  return out;
}

bool is_failure_header(std::string_view key, const std::vector<CustomConvention>& custom,
                       bool generic_names) {
  for (const auto p : k_failure_prefixes) {
    if (key.starts_with(p)) {
      return true;
    }
  }
  if (key.ends_with("_poisoned")) {
    return true;
  }
  if (generic_names &&
      (key == "x-dlq-original-topic" || key == "original-topic" || key == "x-error" || key == "error")) {
    return true;
  }
  for (const auto& c : custom) {
    for (const auto* k : {&c.original_topic, &c.original_partition, &c.original_offset, &c.original_timestamp,
                          &c.group, &c.exception_class, &c.exception_message, &c.stack_trace}) {
      if (!k->empty() && key == *k) {
        return true;
      }
    }
  }
  return false;
}

std::vector<CustomConvention> custom_conventions(const std::vector<config::DlqMapping>& mappings) {
  std::vector<CustomConvention> out;
  for (const auto& m : mappings) {
    CustomConvention c;
    c.name = m.name;
    c.binary_numbers = m.binary_numbers;
    const auto get = [&](const char* field) {
      const auto it = m.headers.find(field);
      return it == m.headers.end() ? std::string() : it->second;
    };
    c.original_topic = get("original-topic");
    c.original_partition = get("original-partition");
    c.original_offset = get("original-offset");
    c.original_timestamp = get("original-timestamp");
    c.group = get("group");
    c.exception_class = get("exception-class");
    c.exception_message = get("exception-message");
    c.stack_trace = get("stack-trace");
    out.push_back(std::move(c));
  }
  return out;
}

DecodeOptions decode_options(std::string_view name, std::vector<CustomConvention> custom) {
  DecodeOptions o;
  if (!name.empty() && name != "auto") {
    if (const auto c = k_convention_names.find(name)) {
      o.forced = *c;
    } else {
      bool found = false;
      for (const auto& mapping : custom) {
        found = found || mapping.name == name;
      }
      if (!found) {
        throw UsageError("unknown --convention '" + std::string(name) + "'",
                         "use auto, " + k_convention_names.list() + ", or a mapping from the config file");
      }
      o.forced = Convention::custom;
      o.forced_custom = std::string(name);
    }
  }
  o.custom = std::move(custom);
  return o;
}

}  // namespace evt::dlq
