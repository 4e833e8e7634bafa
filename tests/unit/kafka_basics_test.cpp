#include "evt/error.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/kafka/mock_cluster.hpp"
#include "evt/sandbox/sandbox.hpp"

#include <doctest/doctest.h>

using namespace evt;

namespace {
ExitCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ExitCode::ok;
}
} // namespace

TEST_CASE("-X key=value parsing") {
  CHECK(kafka::parse_property("acks=all") == std::pair<std::string, std::string>("acks", "all"));
  CHECK(kafka::parse_property("sasl.jaas=a=b") == std::pair<std::string, std::string>("sasl.jaas", "a=b"));
  CHECK(kafka::parse_property("client.id=") == std::pair<std::string, std::string>("client.id", ""));
  CHECK(code_of([] { kafka::parse_property("acks"); }) == ExitCode::usage);
  CHECK(code_of([] { kafka::parse_property("=x"); }) == ExitCode::usage);
  CHECK(code_of([] { kafka::parse_property("a b=x"); }) == ExitCode::usage);
}

TEST_CASE("secret property names") {
  CHECK(kafka::is_secret_property("sasl.password"));
  CHECK(kafka::is_secret_property("ssl.key.password"));
  CHECK(kafka::is_secret_property("sasl.oauthbearer.client.secret"));
  CHECK(kafka::is_secret_property("ssl.key.pem"));
  CHECK_FALSE(kafka::is_secret_property("sasl.username"));
  CHECK_FALSE(kafka::is_secret_property("bootstrap.servers"));
}

TEST_CASE("librdkafka errors map to evt exit codes") {
  CHECK(code_of([] { kafka::throw_kafka_error(RD_KAFKA_RESP_ERR__TRANSPORT, "x"); }) == ExitCode::runtime);
  CHECK(code_of([] { kafka::throw_kafka_error(RD_KAFKA_RESP_ERR__TIMED_OUT, "x"); }) == ExitCode::runtime);
  CHECK(code_of([] { kafka::throw_kafka_error(RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED, "x"); }) ==
        ExitCode::runtime);
  CHECK(code_of([] { kafka::throw_kafka_error(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "x"); }) ==
        ExitCode::usage);
  CHECK(code_of([] { kafka::throw_kafka_error(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "x"); }) ==
        ExitCode::runtime);
  try {
    kafka::throw_kafka_error(RD_KAFKA_RESP_ERR__TRANSPORT, "cannot fetch metadata", "h:1");
  } catch (const BrokerError& e) {
    CHECK(std::string(e.what()) == "cannot fetch metadata: Local: Broker transport failure (brokers: h:1)");
    CHECK(e.hint().find("evt sandbox") != std::string::npos);
  }
}

TEST_CASE("an invalid client property is a usage error naming it") {
  kafka::ClientState state;
  kafka::ClientConfig config;
  config.brokers = "127.0.0.1:1";
  config.properties = {{"no.such.property", "1"}};
  try {
    (void)kafka::make_conf(config, state);
    FAIL("expected an error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).starts_with("invalid client property no.such.property"));
  }
}

TEST_CASE("sandbox topic specs and request kinds") {
  CHECK(sandbox::parse_topic_spec("orders") == std::pair<std::string, int>("orders", 1));
  CHECK(sandbox::parse_topic_spec("orders:6") == std::pair<std::string, int>("orders", 6));
  CHECK(code_of([] { sandbox::parse_topic_spec("orders:x"); }) == ExitCode::usage);
  CHECK(code_of([] { sandbox::parse_topic_spec(":3"); }) == ExitCode::usage);
  CHECK(code_of([] { sandbox::parse_topic_spec("o:0"); }) == ExitCode::usage);
  CHECK(kafka::api_key_from_name("Produce") == 0);
  CHECK(kafka::api_key_from_name("fetch") == 1);
  CHECK(kafka::api_key_from_name("OffsetCommit") == 8);
  CHECK(kafka::api_key_from_name("3") == 3);
  CHECK(code_of([] { kafka::api_key_from_name("Nope"); }) == ExitCode::usage);
  CHECK(kafka::is_known_error_name("REQUEST_TIMED_OUT"));
  CHECK(kafka::is_known_error_name("_TRANSPORT"));
  CHECK_FALSE(kafka::is_known_error_name("NOT_AN_ERROR_NAME"));
}

TEST_CASE("sandbox control commands") {
  sandbox::SandboxOptions options;
  options.port = 0;
  sandbox::Sandbox box(options, nullptr);
  CHECK(box.bootstrap().starts_with("127.0.0.1:"));
  CHECK(box.execute("status").starts_with("bootstrap=127.0.0.1:"));
  CHECK(box.execute("rtt 1 10") == "broker 1 rtt 10 ms");
  CHECK(box.execute("fail Produce 3 REQUEST_TIMED_OUT") ==
        "next 3 Produce requests fail with REQUEST_TIMED_OUT");
  CHECK(box.execute("clear Produce") == "cleared Produce");
  CHECK(box.execute("topic t1 3") == "created topic t1");
  CHECK(box.execute("down 1") == "broker 1 down");
  CHECK(box.execute("up 1") == "broker 1 up");
  CHECK(code_of([&] { box.execute("down 2"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("fail Produce x E"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("fail Produce 1 NOPE"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("explode"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute(""); }) == ExitCode::usage);
}
