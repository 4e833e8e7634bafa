#include "evt/dlq/decoders.hpp"

namespace evt::dlq::detail {

using Enc = Filler::Enc;

void decode_spring(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  // A record dead-lettered again carries every earlier kafka_dlt-original-*
  // set after its own headers: the first is where it really came from.
  f.text(out.original_topic, "kafka_dlt-original-topic", true);
  f.number(out.original_partition, "kafka_dlt-original-partition", Enc::be32, true);
  f.number(out.original_offset, "kafka_dlt-original-offset", Enc::be64, true);
  f.number(out.original_timestamp, "kafka_dlt-original-timestamp", Enc::be64, true);
  f.text(out.group, "kafka_dlt-original-consumer-group", true);
  // The exception headers describe the newest failure.
  f.text(out.exception_class, "kafka_dlt-exception-fqcn");
  f.text(out.cause_class, "kafka_dlt-exception-cause-fqcn");
  f.text(out.message, "kafka_dlt-exception-message");
  f.text(out.stack_trace, "kafka_dlt-exception-stacktrace");
  if (out.exception_class.empty()) {
    // Key deserialisation failures use their own set.
    f.text(out.exception_class, "kafka_dlt-key-exception-fqcn");
    f.text(out.message, "kafka_dlt-key-exception-message");
    f.text(out.stack_trace, "kafka_dlt-key-exception-stacktrace");
  }
}

void decode_spring_retry(std::string_view dlq_topic, const Headers& h, DeadLetter& out) {
  decode_spring(h, out);
  Filler f(h, out);
  f.number(out.attempts, "retry_topic-attempts", Enc::be_1_or_4);
  if (!out.original_timestamp) {
    f.number(out.original_timestamp, "retry_topic-original-timestamp", Enc::be_minimal);
  }
  if (out.original_topic.empty()) {
    out.original_topic = retry_origin(dlq_topic);
  }
}

void decode_spring_cloud_stream(const Headers& h, DeadLetter& out) {
  Filler f(h, out);
  f.text(out.original_topic, "x-original-topic", true);
  f.number(out.original_partition, "x-original-partition", Enc::be32, true);
  f.number(out.original_offset, "x-original-offset", Enc::be64, true);
  f.number(out.original_timestamp, "x-original-timestamp", Enc::be64, true);
  f.text(out.exception_class, "x-exception-fqcn");
  f.text(out.message, "x-exception-message");
  f.text(out.stack_trace, "x-exception-stacktrace");
}

}  // namespace evt::dlq::detail
