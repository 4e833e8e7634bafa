#include "evt/publish/request.hpp"
#include "evt/deliver/rate_limiter.hpp"
#include "evt/error.hpp"
#include "evt/output/sink.hpp"
#include "evt/publish/command.hpp"
#include "evt/publish/partition_of.hpp"
#include "evt/publish/report.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>

using namespace evt;
using namespace evt::publish;

namespace {

std::string read_back(FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    text.append(buf, n);
  }
  return text;
}

}  // namespace

TEST_CASE("--header: name=value, name alone is NULL, no name refused") {
  const auto h = parse_header_flag("a=b=c");
  CHECK(h.key == "a");
  CHECK(h.value == std::optional<std::string>("b=c"));
  CHECK(parse_header_flag("e=").value == std::optional<std::string>(""));
  CHECK_FALSE(parse_header_flag("n").value.has_value());
  CHECK_THROWS_AS(parse_header_flag("=x"), UsageError);
  CHECK_THROWS_AS(parse_header_flag(""), UsageError);
}

TEST_CASE("--rate: N or N/s, positive") {
  CHECK(evt::deliver::parse_rate("500") == 500);
  CHECK(evt::deliver::parse_rate("2.5/s") == 2.5);
  CHECK_THROWS_AS(evt::deliver::parse_rate("0"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("-3/s"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("fast"), UsageError);
  CHECK(evt::deliver::parse_rate("30/m") == doctest::Approx(0.5));
  CHECK(evt::deliver::parse_rate("7200/h") == doctest::Approx(2));
  CHECK(evt::deliver::parse_rate("0.5/s") == doctest::Approx(0.5));
  CHECK_THROWS_AS(evt::deliver::parse_rate("5/d"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("0/m"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate(" 5"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("0x10"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("inf"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("nan/s"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("1.2.3"), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("."), UsageError);
  CHECK_THROWS_AS(evt::deliver::parse_rate("/s"), UsageError);
}

TEST_CASE("envelope: by --type unless --envelope says") {
  CHECK(envelope_mode("", "") == codec::EnvelopeMode::none);
  CHECK(envelope_mode("", "OrderPlaced") == codec::EnvelopeMode::binary);
  CHECK(envelope_mode("none", "OrderPlaced") == codec::EnvelopeMode::none);
  CHECK(envelope_mode("cloudevents", "") == codec::EnvelopeMode::binary);
  CHECK(envelope_mode("cloudevents-structured", "T") == codec::EnvelopeMode::structured);
}

TEST_CASE("make_spec: flags become the spec") {
  PublishRequest r;
  r.topic = "orders";
  r.key = "k";
  r.keep = {"partition", "timestamp"};
  r.headers = {"a=1", "n"};
  r.type = "OrderPlaced";
  r.source = "/shop";
  r.correlation_id = "c-1";
  r.traceparent = "new";
  r.max_size = "2KiB";
  r.warn_size = "1000";
  const auto spec = make_spec(r);
  CHECK(spec.topic == "orders");
  CHECK(spec.key == std::optional<std::string>("k"));
  CHECK(spec.keep_partition);
  CHECK(spec.keep_timestamp);
  REQUIRE(spec.headers.size() == 2);
  CHECK_FALSE(spec.headers[1].value.has_value());
  CHECK(spec.envelope == codec::EnvelopeMode::binary);
  CHECK(spec.attributes.source == "/shop");
  CHECK(spec.new_traceparent);
  REQUIRE(spec.attributes.extensions.size() == 1);
  CHECK(spec.attributes.extensions[0].first == "correlationid");
  CHECK(spec.limits.max_bytes == 2048);
  CHECK(spec.limits.warn_bytes == 1000);
}

TEST_CASE("make_spec: the default source names the host") {
  PublishRequest r;
  CHECK(make_spec(r).attributes.source == default_source());
  CHECK(default_source().rfind("/evt", 0) == 0);
}

TEST_CASE("make_spec: conflicting or malformed flags are usage errors") {
  PublishRequest both_keys;
  both_keys.key = "a";
  both_keys.key_field = "data.id";
  CHECK_THROWS_WITH_AS(make_spec(both_keys), "--key and --key-field both give the key; use one", UsageError);
  PublishRequest keep;
  keep.keep = {"offset"};
  CHECK_THROWS_AS(make_spec(keep), UsageError);
  PublishRequest trace;
  trace.type = "T";
  trace.traceparent = "nope";
  CHECK_THROWS_AS(make_spec(trace), UsageError);
  PublishRequest no_envelope;
  no_envelope.subject = "s";
  CHECK_THROWS_AS(make_spec(no_envelope), UsageError);
  PublishRequest size;
  size.max_size = "lots";
  CHECK_THROWS_AS(make_spec(size), UsageError);
}

TEST_CASE("inputs: --data, --data-file, -f files or stdin") {
  PublishRequest r;
  CHECK_FALSE(is_single_event(r));
  CHECK(input_names(r) == std::vector<std::string>{"-"});
  r.files = {"a.jsonl", "b.jsonl"};
  CHECK(input_names(r) == r.files);
  PublishRequest d;
  d.data = "x";
  CHECK(is_single_event(d));
  CHECK(input_names(d) == std::vector<std::string>{"--data"});
  PublishRequest f;
  f.data_file = "event.bin";
  CHECK(is_single_event(f));
  CHECK(input_names(f) == std::vector<std::string>{"event.bin"});
}

TEST_CASE("line limit covers a base64 value twice the record limit") {
  CHECK(max_line_bytes(1024) == (1u << 20) + 65536);
  CHECK(max_line_bytes(4u << 20) == (8u << 20) + 65536);
}

TEST_CASE("--data-file: bytes as given, too large is bad input, missing is usage") {
  const std::string path = "publish_request_test_data.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string("two\nlines\0!", 11);
  }
  CHECK(evt::read::read_data_file(path, 100) == std::string("two\nlines\0!", 11));
  CHECK_THROWS_AS(evt::read::read_data_file(path, 5), InputError);
  std::remove(path.c_str());
  CHECK_THROWS_AS(evt::read::read_data_file("no/such/file.bin", 100), UsageError);
}

TEST_CASE("PublishCommand: flags checked before anything is sent") {
  PublishRequest no_topic;
  no_topic.data = "x";
  CHECK_THROWS_WITH_AS(PublishCommand{no_topic}, "--data needs a topic", UsageError);
  PublishRequest both;
  both.topic = "t";
  both.data = "x";
  both.data_file = "f";
  CHECK_THROWS_AS(PublishCommand{both}, UsageError);
  PublishRequest mixed;
  mixed.topic = "t";
  mixed.data = "x";
  mixed.files = {"a.jsonl"};
  CHECK_THROWS_AS(PublishCommand{mixed}, UsageError);
  PublishRequest envelope;
  envelope.topic = "t";
  envelope.data = "x";
  envelope.envelope = "cloudevents";
  CHECK_THROWS_WITH_AS(PublishCommand{envelope}, "the CloudEvents envelope needs --type", UsageError);
  PublishRequest missing;
  missing.files = {"no/such/input.jsonl"};
  CHECK_THROWS_AS(PublishCommand{missing}, UsageError);
}

TEST_CASE("PublishCommand: a dry run of one event writes its record line") {
  PublishRequest r;
  r.topic = "nowhere";
  r.data = R"({"a":1})";
  r.key = "k";
  r.dry_run = true;
  PublishCommand command(r);
  CHECK(command.single());
  CHECK(command.inputs() == std::vector<std::string>{"--data"});
  FILE* f = std::tmpfile();
  REQUIRE(f != nullptr);
  PublishResult result;
  {
    output::Sink out(f);
    result = command.run({}, out);
  }
  CHECK(result.counts.produced == 1);
  CHECK(result.stop == StopReason::none);
  CHECK(publish_exit_code(result) == ExitCode::ok);
  CHECK(read_back(f) ==
        R"({"topic":"nowhere","partition":-1,"offset":-1,"key":"k","value":"{\"a\":1}","headers":[]})"
        "\n");
  std::fclose(f);
}

TEST_CASE("stop texts name the line; a single rejected event and client errors say nothing here") {
  const std::vector<std::string> inputs = {"-", "b.jsonl"};
  PublishResult r;
  CHECK_FALSE(describe_stop(r, inputs, false));
  r.stop = StopReason::rejected;
  r.stopped_at = {1, 7};
  CHECK(
      describe_stop(r, inputs, false) ==
      std::optional<std::string>("stopped at b.jsonl:7: nothing after it was sent (--skip-invalid goes on)"));
  CHECK_FALSE(describe_stop(r, inputs, true));
  r.stop = StopReason::delivery_failed;
  r.stopped_at = {0, 3};
  CHECK(describe_stop(r, inputs, false) ==
        std::optional<std::string>("stopped reading after the failed delivery of <stdin>:3"));
  r.stop = StopReason::interrupted;
  CHECK(describe_stop(r, inputs, false) ==
        std::optional<std::string>("interrupted: stopped reading, flushed what was in flight"));
  r.stop = StopReason::client_error;
  CHECK_FALSE(describe_stop(r, inputs, false));
}

TEST_CASE("large records: per line and in sum") {
  CHECK(describe_large("-", 4, 70000, "64KiB") ==
        "<stdin>:4: the record is 70000 bytes (above --warn-size 64KiB)");
  PublishResult r;
  CHECK_FALSE(large_summary(r, "64KiB"));
  r.counts.large = 3;
  CHECK(large_summary(r, "64KiB") == std::optional<std::string>("3 record(s) above --warn-size 64KiB"));
}

TEST_CASE("partition-of: murmur2 test vectors and renderings") {
  const auto rows = partitions_of({"kafka", "1234"}, 1000003);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].murmur2 == 0xd067cf64u);
  CHECK(rows[0].partition == static_cast<int32_t>((0xd067cf64u & 0x7fffffffu) % 1000003));
  CHECK(rows[1].murmur2 == 0x9fc97b14u);
  CHECK(render_partitions_text(rows) ==
        std::to_string(rows[0].partition) + "\n" + std::to_string(rows[1].partition) + "\n");
  const auto json = render_partitions_json(partitions_of({"kafka"}, 4));
  CHECK(json == "[\n  {\n    \"key\": \"kafka\",\n    \"murmur2\": \"0xd067cf64\",\n    \"partition\": " +
                    std::to_string((0xd067cf64u & 0x7fffffffu) % 4) + "\n  }\n]\n");
  CHECK(render_partitions_json(partitions_of({"\xff"}, 2)).find("\xef\xbf\xbd") != std::string::npos);
}
