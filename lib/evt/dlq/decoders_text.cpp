#include "evt/dlq/decoders.hpp"
#include "evt/dlq/headers.hpp"

namespace evt::dlq::detail {

using Enc = Filler::Enc;

void decode_evt(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  f.text(out.original_topic, k_original_topic);
  f.number(out.original_partition, k_original_partition, Enc::decimal);
  f.number(out.original_offset, k_original_offset, Enc::decimal);
  f.number(out.original_timestamp, k_original_timestamp, Enc::decimal);
  f.text(out.group, k_group);
  f.text(out.exception_class, k_error);
  f.text(out.message, k_error_message);
  // evt stores the handler's stderr tail escaped (bounded_error_message):
  // back to its bytes, so that output escapes it once, not twice; the
  // final newline of the stderr tail is no part of the message.
  out.message = unescape_error_message(out.message);
  while (out.message.ends_with('\n') || out.message.ends_with('\r')) {
    out.message.pop_back();
  }
  f.number(out.attempts, k_attempts, Enc::decimal);
  f.text(out.handler, k_handler);
}

void decode_connect(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  f.text(out.original_topic, "__connect.errors.topic");
  f.number(out.original_partition, "__connect.errors.partition", Enc::decimal);
  f.number(out.original_offset, "__connect.errors.offset", Enc::decimal);
  f.text(out.exception_class, "__connect.errors.exception.class.name");
  f.text(out.message, "__connect.errors.exception.message");
  f.text(out.stack_trace, "__connect.errors.exception.stacktrace");
  std::string connector;
  std::string task;
  std::string stage;
  f.text(connector, "__connect.errors.connector.name");
  f.text(task, "__connect.errors.task.id");
  f.text(stage, "__connect.errors.stage");
  if (!connector.empty()) {
    // A sink connector's consumer group is connect-<name>.
    out.group = "connect-" + connector;
    out.handler = connector + (task.empty() ? "" : "/" + task) + (stage.empty() ? "" : " " + stage);
  }
}

void decode_streams(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  f.text(out.original_topic, "__streams.errors.topic");
  f.number(out.original_partition, "__streams.errors.partition", Enc::decimal);
  f.number(out.original_offset, "__streams.errors.offset", Enc::decimal);
  f.text(out.exception_class, "__streams.errors.exception");
  f.text(out.message, "__streams.errors.message");
  f.text(out.stack_trace, "__streams.errors.stacktrace");
}

void decode_smallrye(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  f.text(out.original_topic, "dead-letter-topic");
  f.number(out.original_partition, "dead-letter-partition", Enc::decimal);
  f.number(out.original_offset, "dead-letter-offset", Enc::decimal);
  f.text(out.exception_class, "dead-letter-exception-class-name");
  f.text(out.message, "dead-letter-reason");
  f.text(out.cause_class, "dead-letter-cause-class-name");
  std::string cause;
  f.text(cause, "dead-letter-cause");
  if (!cause.empty()) {
    out.stack_trace = "Caused by: " + (out.cause_class.empty() ? "" : out.cause_class + ": ") + cause;
  }
}

void decode_watermill(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  // No partition or offset: a poison-queue record goes back by its key.
  f.text(out.original_topic, "topic_poisoned");
  f.text(out.message, "reason_poisoned");
  f.text(out.handler, "handler_poisoned");
  f.text(out.group, "subscriber_poisoned");
}

void decode_generic(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  for (const std::string_view key : {"x-original-topic", "x-dlq-original-topic", "original-topic"}) {
    if (out.original_topic.empty()) {
      f.text(out.original_topic, key, true);
    }
  }
  for (const std::string_view key : {"x-exception-message", "x-error", "error"}) {
    if (out.message.empty()) {
      f.text(out.message, key);
    }
  }
}

void decode_custom(const CustomConvention& c, const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  const auto text = [&](std::string& field, const std::string& key) {
    if (!key.empty()) {
      f.text(field, key, true);
    }
  };
  const Enc small = c.binary_numbers ? Enc::be32 : Enc::decimal;
  const Enc large = c.binary_numbers ? Enc::be64 : Enc::decimal;
  text(out.original_topic, c.original_topic);
  if (!c.original_partition.empty()) {
    f.number(out.original_partition, c.original_partition, small, true);
  }
  if (!c.original_offset.empty()) {
    f.number(out.original_offset, c.original_offset, large, true);
  }
  if (!c.original_timestamp.empty()) {
    f.number(out.original_timestamp, c.original_timestamp, large, true);
  }
  text(out.group, c.group);
  text(out.exception_class, c.exception_class);
  text(out.message, c.exception_message);
  text(out.stack_trace, c.stack_trace);
}

}  // namespace evt::dlq::detail
