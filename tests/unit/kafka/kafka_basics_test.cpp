#include "evt/error.hpp"
#include "evt/kafka/client_config.hpp"
#include "evt/kafka/handle.hpp"
#include "evt/kafka/mock_cluster.hpp"
#include "evt/sandbox/control_channel.hpp"
#include "evt/sandbox/sandbox.hpp"
#include "evt/sandbox/state_file.hpp"
#include "evt/sandbox/tcp_proxy.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

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
}  // namespace

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
  CHECK(box.execute("leader t1 2 none") == "t1[2] leader none");
  CHECK(box.execute("leader t1 2 1") == "t1[2] leader 1");
  CHECK(code_of([&] { box.execute("leader t1 2 5"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("leader t1 x 1"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("down 2"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("fail Produce x E"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("fail Produce 1 NOPE"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute("explode"); }) == ExitCode::usage);
  CHECK(code_of([&] { box.execute(""); }) == ExitCode::usage);
}

namespace {

using Clock = std::chrono::steady_clock;

long elapsed_ms(Clock::time_point since) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since).count());
}

int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// A private XDG_RUNTIME_DIR for tests that touch sandbox state files.
struct TempRuntimeDir {
  std::filesystem::path dir;
  std::string saved;
  bool had = false;
  TempRuntimeDir() {
    dir = std::filesystem::temp_directory_path() / ("evt-rt-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    if (const char* old = std::getenv("XDG_RUNTIME_DIR")) {
      saved = old;
      had = true;
    }
    ::setenv("XDG_RUNTIME_DIR", dir.c_str(), 1);
  }
  ~TempRuntimeDir() {
    if (had) {
      ::setenv("XDG_RUNTIME_DIR", saved.c_str(), 1);
    } else {
      ::unsetenv("XDG_RUNTIME_DIR");
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

TEST_CASE("a control client that never ends its line does not block the sandbox") {
  TempRuntimeDir rt;
  const auto socket = (rt.dir / "ctl.sock").string();
  sandbox::ControlServer server(socket, [](std::string_view cmd) { return std::string(cmd); });
  // A client that connects, sends half a line and then nothing, forever.
  const int stuck = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket.c_str(), socket.size() + 1);
  REQUIRE(::connect(stuck, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CHECK(::write(stuck, "sta", 3) == 3);
  std::thread dribble([stuck] {
    // One byte a second keeps a per-byte timeout alive indefinitely.
    for (int i = 0; i < 4; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(900));
      (void)::send(stuck, "x", 1, MSG_NOSIGNAL);
    }
  });
  const auto start = Clock::now();
  CHECK(sandbox::send_control_command(socket, "hello", 10000) == "hello");
  CHECK(elapsed_ms(start) < 3500);  // the stuck client got at most ~2 s
  dribble.join();
  ::close(stuck);
}

TEST_CASE("the bootstrap proxy stops promptly with a client that never reads") {
  // Upstream: a server that writes far more than socket buffers hold.
  const int listen_fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listen_fd, 4) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int upstream_port = ntohs(addr.sin_port);
  std::atomic<bool> stop{false};
  std::thread flood([&] {
    const int c = ::accept(listen_fd, nullptr, nullptr);
    std::vector<char> chunk(1 << 16, 'x');
    while (!stop) {
      if (::send(c, chunk.data(), chunk.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    ::close(c);
  });
  int client = -1;
  Clock::time_point start;
  {
    sandbox::TcpProxy proxy(0, "127.0.0.1", upstream_port);
    client = connect_loopback(proxy.port());  // never reads
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    start = Clock::now();
  }  // ~TcpProxy joins every connection thread
  CHECK(elapsed_ms(start) < 2000);
  stop = true;
  flood.join();
  ::close(client);
  ::close(listen_fd);
}

TEST_CASE("only one sandbox owns the state file") {
  TempRuntimeDir rt;
  sandbox::StateLock first;
  CHECK(first.owns());
  {
    sandbox::StateLock second;
    CHECK_FALSE(second.owns());
  }
  sandbox::SandboxOptions options;
  options.port = 0;
  sandbox::Sandbox box(options, nullptr);
  // The lock above stands for a sandbox already running: this one must not
  // overwrite its state.
  CHECK_FALSE(box.publish_state((rt.dir / "b.sock").string()));
  CHECK_FALSE(std::filesystem::exists(sandbox::state_file_path()));
}

TEST_CASE("end-of-partition events are forced after every other property") {
  kafka::ClientConfig config;
  config.properties = {{"enable.partition.eof", "false"}, {"acks", "1"}};
  kafka::require_partition_eof(config);
  REQUIRE(config.properties.size() == 3);
  CHECK(config.properties.back() == std::pair<std::string, std::string>{"enable.partition.eof", "true"});
}

TEST_CASE("topics are created on a sandbox through its control channel") {
  TempRuntimeDir rt;
  const auto socket = (rt.dir / "ctl.sock").string();
  std::string received;
  sandbox::ControlServer server(socket, [&received](std::string_view cmd) {
    received = std::string(cmd);
    return std::string("created");
  });
  sandbox::create_topic_via_control(socket, "orders", 6, 5000);
  CHECK(received == "topic orders 6");
}

TEST_CASE("the running sandbox's control socket, only for its own bootstrap address") {
  TempRuntimeDir rt;
  CHECK_FALSE(sandbox::control_socket_for("127.0.0.1:9092"));
  sandbox::write_state({static_cast<long>(::getpid()), "127.0.0.1:9092", (rt.dir / "ctl.sock").string()});
  CHECK(sandbox::control_socket_for("127.0.0.1:9092") ==
        std::optional<std::string>((rt.dir / "ctl.sock").string()));
  CHECK_FALSE(sandbox::control_socket_for("broker.example:9092"));
  sandbox::write_state({static_cast<long>(::getpid()), "127.0.0.1:9092", ""});
  CHECK_FALSE(sandbox::control_socket_for("127.0.0.1:9092"));
}

TEST_CASE("command-line client properties: -X in order, then --debug") {
  const auto props = kafka::client_properties({"acks=1", "debug=broker"}, "protocol");
  REQUIRE(props.size() == 3);
  CHECK(props[0] == std::pair<std::string, std::string>{"acks", "1"});
  CHECK(props[2] == std::pair<std::string, std::string>{"debug", "protocol"});
  CHECK(kafka::debug_requested(props));
  CHECK(kafka::client_properties({}, "").empty());
  CHECK_FALSE(kafka::debug_requested(kafka::client_properties({"acks=1"}, "")));
  CHECK_THROWS_AS(kafka::client_properties({"novalue"}, ""), UsageError);
}

TEST_CASE("secret names and assignments inside values") {
  for (const char* name :
       {"ssl.key.password", "ssl.keystore.password", "ssl.truststore.password", "sasl.password",
        "sasl.oauthbearer.client.secret", "sasl.jaas.config", "ssl.key.pem", "ssl_key_pem",
        "ssl.key.location", "sasl.oauthbearer.config", "my.api.token", "aws.credentials", "private.thing",
        "client.key", "tls.pem", "SASL.PASSWORD"}) {
    INFO(name);
    CHECK(kafka::is_secret_property(name));
  }
  for (const char* name :
       {"sasl.username", "sasl.mechanism", "security.protocol", "ssl.ca.location", "acks"}) {
    INFO(name);
    CHECK_FALSE(kafka::is_secret_property(name));
  }
  CHECK(kafka::redact_secret_assignments("a=1") == "a=1");
  CHECK(kafka::redact_secret_assignments(R"(Module required username="u" password="p w";)") ==
        R"(Module required username="u" password="***";)");
  CHECK(kafka::redact_secret_assignments("x PASSWORD=abc;y=2") == "x PASSWORD=***;y=2");
  CHECK(kafka::redact_secret_assignments("client_secret = 's', id=1") == "client_secret = '***', id=1");
  CHECK(kafka::redact_secret_assignments("password=\"unterminated") == "password=\"***");
  CHECK(kafka::redact_secret_assignments("password=") == "password=***");
}
