#include <cctype>
#include "evt/config/config_file.hpp"
#include "evt/config/connection.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <map>

using namespace evt::config;

namespace {

const char* k_good = R"(current-context: local
contexts:
  local:
    brokers: 127.0.0.1:9092
  prod:
    brokers: kafka-1.prod:9093,kafka-2.prod:9093
    properties:
      security.protocol: SASL_SSL
      sasl.mechanism: SCRAM-SHA-512
      sasl.username: svc
      sasl.password: hunter2
      ssl.key.password: s3cret
)";

struct FakeWorld {
  std::map<std::string, std::string> env;
  ConfigFile file;
  std::optional<evt::config::SandboxAddress> sandbox;

  ConnectionRequest request(std::string brokers = {}, std::string context = {},
                            evt::kafka::Properties props = {}) {
    ConnectionRequest r;
    r.brokers_flag = std::move(brokers);
    r.context_flag = std::move(context);
    r.property_flags = std::move(props);
    r.getenv = [this](const std::string& n) -> std::optional<std::string> {
      auto it = env.find(n);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    r.load_config = [this] { return file; };
    r.find_sandbox = [this] { return sandbox; };
    return r;
  }
};

std::string usage_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const evt::UsageError& e) {
    CHECK(e.code() == evt::ExitCode::usage);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("config file parsing") {
  const auto cfg = parse_config(k_good, "/x/config.yaml");
  CHECK(cfg.current_context == "local");
  REQUIRE(cfg.contexts.size() == 2);
  CHECK(cfg.contexts[1].name == "prod");
  CHECK(cfg.contexts[1].brokers == "kafka-1.prod:9093,kafka-2.prod:9093");
  REQUIRE(cfg.contexts[1].properties.size() == 5);
  CHECK(cfg.contexts[1].properties[0] ==
        std::pair<std::string, std::string>("security.protocol", "SASL_SSL"));
  CHECK(parse_config("", "/x").contexts.empty());
}

TEST_CASE("bad config files name file, line and column") {
  CHECK(usage_error_of([] {
          parse_config("contexts:\n  a: [1,\n", "/c.yaml");
        }).starts_with("/c.yaml:3:1: invalid YAML"));
  CHECK(usage_error_of([] {
          parse_config("contexts:\n  a:\n    brokers: x\n    color: red\n", "/c.yaml");
        }) == "/c.yaml:4:5: unknown key 'color' in context 'a' (expected brokers, properties)");
  // A dangling current-context loads (so `config use-context` can repair
  // it) and is refused where it is used.
  CHECK(parse_config("current-context: nope\ncontexts:\n  a: {brokers: x}\n", "/c.yaml").current_context ==
        "nope");
  CHECK(usage_error_of([] {
          parse_config("- a\n- b\n", "/c.yaml");
        }).starts_with("/c.yaml:1:1: the config must be a mapping"));
  CHECK(usage_error_of([] { parse_config("contexts:\n  a:\n    properties: [x]\n", "/c.yaml"); }) ==
        "/c.yaml:3:17: properties of context 'a' must be a mapping");
  CHECK(usage_error_of([] { parse_config("contexts: 5\n", "/c.yaml"); }) ==
        "/c.yaml:1:11: 'contexts' must map context names to their settings");
}

TEST_CASE("secrets are redacted in view") {
  const auto text = render_redacted(parse_config(k_good, "/x"));
  CHECK(text.find("hunter2") == std::string::npos);
  CHECK(text.find("s3cret") == std::string::npos);
  CHECK(text.find("sasl.password: \"***\"") != std::string::npos);
  CHECK(text.find("sasl.username: svc") != std::string::npos);
  // The redacted text is itself a valid config with the same shape.
  const auto again = parse_config(text, "/y");
  CHECK(again.contexts.size() == 2);
  CHECK(again.current_context == "local");
}

TEST_CASE("a config file with secrets readable by others warns") {
  const auto dir = std::filesystem::temp_directory_path() / ("evt-cfg-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "config.yaml";
  std::ofstream(path) << k_good;
  std::filesystem::permissions(path, std::filesystem::perms(0644));
  auto cfg = load_config(path, true);
  REQUIRE(cfg.warnings.size() == 1);
  CHECK(cfg.warnings[0].find("chmod 600") != std::string::npos);
  std::filesystem::permissions(path, std::filesystem::perms(0600));
  CHECK(load_config(path, true).warnings.empty());

  SUBCASE("use-context rewrites current-context") {
    use_context(path, "prod");
    CHECK(load_config(path, true).current_context == "prod");
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms(0077)) ==
          std::filesystem::perms::none);
    CHECK(usage_error_of([&] { use_context(path, "staging"); }) ==
          "unknown context 'staging' in " + path.string());
  }
  CHECK(usage_error_of([&] {
          load_config(dir / "missing.yaml", true);
        }).starts_with("cannot read config file"));
  CHECK(load_config(dir / "missing.yaml", false).contexts.empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("connection precedence: flag, environment, config, sandbox") {
  FakeWorld w;
  w.file = parse_config(k_good, "/x/config.yaml");
  w.sandbox = evt::config::SandboxAddress{42, "127.0.0.1:9092"};

  SUBCASE("the current context when nothing else is said") {
    const auto c = resolve_connection(w.request());
    CHECK(c.brokers == "127.0.0.1:9092");
    CHECK(c.source == "context local (/x/config.yaml)");
    CHECK_FALSE(c.from_sandbox);
  }
  SUBCASE("a current-context that names no context is refused with the way out") {
    w.file.current_context = "gone";
    const auto e = usage_error_of([&] { resolve_connection(w.request()); });
    CHECK(e == "current-context 'gone' in /x/config.yaml is not one of its contexts");
    w.file.contexts[0].name = "a\nb";
    try {
      resolve_connection(w.request());
      FAIL("no error");
    } catch (const evt::UsageError& err) {
      CHECK(err.hint() == "known contexts: a\\nb, prod; `evt config use-context NAME` picks one");
    }
  }
  SUBCASE("EVT_CONTEXT selects a context with its properties") {
    w.env["EVT_CONTEXT"] = "prod";
    const auto c = resolve_connection(w.request());
    CHECK(c.brokers == "kafka-1.prod:9093,kafka-2.prod:9093");
    CHECK(c.properties.size() == 5);
  }
  SUBCASE("--context beats EVT_CONTEXT") {
    w.env["EVT_CONTEXT"] = "prod";
    CHECK(resolve_connection(w.request("", "local")).brokers == "127.0.0.1:9092");
  }
  SUBCASE("EVT_BROKERS beats the config file and skips current-context properties") {
    w.file.current_context = "prod";
    w.env["EVT_BROKERS"] = "env:1";
    const auto c = resolve_connection(w.request());
    CHECK(c.brokers == "env:1");
    CHECK(c.source == "EVT_BROKERS");
    CHECK(c.properties.empty());
  }
  SUBCASE("--brokers beats EVT_BROKERS; an explicit context still gives properties") {
    w.env["EVT_BROKERS"] = "env:1";
    const auto c = resolve_connection(w.request("flag:1", "prod", {{"acks", "1"}}));
    CHECK(c.brokers == "flag:1");
    CHECK(c.source == "--brokers");
    REQUIRE(c.properties.size() == 6);
    CHECK(c.properties.back() == std::pair<std::string, std::string>("acks", "1"));
  }
  SUBCASE("-X properties come after context properties so they win") {
    const auto c = resolve_connection(w.request("", "prod", {{"sasl.username", "other"}}));
    CHECK(c.properties.back().second == "other");
  }
  SUBCASE("the sandbox is the last resort") {
    w.file = ConfigFile{};
    const auto c = resolve_connection(w.request());
    CHECK(c.brokers == "127.0.0.1:9092");
    CHECK(c.from_sandbox);
    CHECK(c.source == "sandbox (pid 42)");
  }
  SUBCASE("nothing configured is a usage error that says how to configure") {
    w.file = ConfigFile{};
    w.sandbox.reset();
    const auto msg = usage_error_of([&] { resolve_connection(w.request()); });
    CHECK(msg == "no broker configured");
  }
  SUBCASE("an unknown context is a usage error listing the known ones") {
    try {
      resolve_connection(w.request("", "staging"));
      FAIL("expected an error");
    } catch (const evt::UsageError& e) {
      CHECK(std::string(e.what()) == "unknown context 'staging' in /x/config.yaml");
      CHECK(e.hint() == "known contexts: local, prod");
    }
  }
}

TEST_CASE("YAML edge cases in the config file") {
  SUBCASE("numbers and booleans as property values keep their text") {
    const auto cfg = parse_config(
        "contexts:\n  a:\n    brokers: h:1\n    properties:\n      linger.ms: 5\n"
        "      enable.idempotence: true\n      socket.timeout.ms: 0x10\n",
        "/c.yaml");
    REQUIRE(cfg.contexts.at(0).properties.size() == 3);
    CHECK(cfg.contexts[0].properties[0].second == "5");
    CHECK(cfg.contexts[0].properties[1].second == "true");
    CHECK(cfg.contexts[0].properties[2].second == "0x10");
  }
  SUBCASE("duplicate keys are refused, not silently resolved") {
    CHECK(usage_error_of([] {
            parse_config("contexts:\n  a: {brokers: x}\n  a: {brokers: y}\n", "/c.yaml");
          }) == "/c.yaml:3:3: duplicate key 'a' (context names must be unique)");
    CHECK(usage_error_of([] {
            parse_config("contexts:\n  a:\n    brokers: x\n    brokers: y\n", "/c.yaml");
          }) == "/c.yaml:4:5: duplicate key 'brokers' in context 'a'");
    CHECK(usage_error_of([] {
            parse_config("contexts:\n  a:\n    properties:\n      acks: 1\n      acks: all\n", "/c.yaml");
          }) == "/c.yaml:5:7: duplicate key 'acks' in the properties of context 'a'");
    CHECK(usage_error_of([] { parse_config("current-context: a\ncurrent-context: b\n", "/c.yaml"); }) ==
          "/c.yaml:2:1: duplicate key 'current-context'");
  }
  SUBCASE("an empty file, comments only, or 'contexts:' with nothing under it") {
    CHECK(parse_config("", "/c.yaml").contexts.empty());
    CHECK(parse_config("# nothing yet\n", "/c.yaml").contexts.empty());
    CHECK(parse_config("contexts:\n", "/c.yaml").contexts.empty());
  }
  SUBCASE("complex keys are a usage error, not a crash or exit 3") {
    CHECK(usage_error_of([] { parse_config("? [a, b]\n: c\n", "/c.yaml"); }) ==
          "/c.yaml:1:3: keys must be plain names");
    CHECK(usage_error_of([] { parse_config("contexts:\n  ? {x: 1}\n  : {brokers: y}\n", "/c.yaml"); }) ==
          "/c.yaml:2:5: keys must be plain names");
  }
  SUBCASE("a binary file") {
    CHECK(usage_error_of([] {
            parse_config(std::string("\x7f"
                                     "ELF\x02\x01\x01\0\0\0",
                                     10),
                         "/c.yaml");
          }) == "/c.yaml: not a YAML text file (it contains NUL bytes)");
    CHECK(usage_error_of([] { parse_config("\xff\xfe\x01garbage: [", "/c.yaml"); }).starts_with("/c.yaml"));
  }
  SUBCASE("null values are reported, not taken as empty strings") {
    CHECK(usage_error_of([] {
            parse_config("contexts:\n  a:\n    brokers:\n", "/c.yaml");
          }).ends_with("brokers of context 'a' must be a string"));
  }
}

TEST_CASE("config view of a file without contexts") {
  ConfigFile empty;
  empty.path = "/c.yaml";
  const auto text = render_redacted(empty);
  CHECK(text == "contexts: {}\n");
  CHECK(parse_config(text, "/c.yaml").contexts.empty());
}

TEST_CASE("a config path that is not a readable file is an error, not an empty config") {
  const auto dir = std::filesystem::temp_directory_path() / ("evt-cfgdir-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "config.yaml");
  CHECK(usage_error_of([&] { load_config(dir / "config.yaml", false); }) ==
        "cannot read config file " + (dir / "config.yaml").string() + ": Is a directory");
  const auto unreadable = dir / "secret.yaml";
  std::ofstream(unreadable) << k_good;
  std::filesystem::permissions(unreadable, std::filesystem::perms::none);
  if (::access(unreadable.c_str(), R_OK) != 0) {  // root reads anything
    CHECK(usage_error_of([&] { load_config(unreadable, false); }) ==
          "cannot read config file " + unreadable.string() + ": Permission denied");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("use-context never exposes the file through a world-readable temporary") {
  const auto dir = std::filesystem::temp_directory_path() / ("evt-cfguse-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto real = dir / "real.yaml";
  std::ofstream(real) << k_good;
  std::filesystem::permissions(real, std::filesystem::perms(0600));
  const auto link = dir / "config.yaml";
  std::filesystem::create_symlink(real, link);
  const auto old_umask = ::umask(0);
  use_context(link, "prod");
  ::umask(old_umask);
  // The symlink still points at the real file, which was updated in place.
  CHECK(std::filesystem::is_symlink(link));
  CHECK(load_config(real, true).current_context == "prod");
  CHECK((std::filesystem::status(real).permissions() & std::filesystem::perms(0077)) ==
        std::filesystem::perms::none);
  // No temporary left behind.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
    ++files;
  }
  CHECK(files == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("config: the dlq section (topics, parking suffix, custom header mappings)") {
  const auto cfg = evt::config::parse_config(R"(dlq:
  topics: [payments-failures]
  parking-suffix: -parked
  conventions:
    acme:
      original-topic: acme-src
      original-partition: acme-part
      numbers: binary
)",
                                             "c.yaml");
  CHECK(cfg.dlq.topics == std::vector<std::string>{"payments-failures"});
  CHECK(cfg.dlq.parking_suffix == "-parked");
  REQUIRE(cfg.dlq.mappings.size() == 1);
  CHECK(cfg.dlq.mappings[0].name == "acme");
  CHECK(cfg.dlq.mappings[0].headers.at("original-partition") == "acme-part");
  CHECK(cfg.dlq.mappings[0].binary_numbers);
  CHECK(evt::config::parse_config("{}", "c.yaml").dlq.parking_suffix == ".parked");
  CHECK_THROWS_WITH_AS(
      evt::config::parse_config("dlq:\n  conventions:\n    x:\n      original-topc: a\n", "c.yaml"),
      "c.yaml:4:7: unknown field 'original-topc' in dlq convention 'x'", evt::UsageError);
  CHECK_THROWS_WITH_AS(
      evt::config::parse_config("dlq:\n  conventions:\n    x:\n      numbers: hex\n", "c.yaml"),
      "c.yaml:4:16: numbers must be text or binary", evt::UsageError);
  CHECK_THROWS_AS(evt::config::parse_config("dlq:\n  topics: a\n", "c.yaml"), evt::UsageError);
}

TEST_CASE("YAML aliases are refused in the config file, naming the file") {
  // One anchored 1 MB value referenced by 2,000 contexts took 7.8 GB: an
  // alias is refused on sight, before anything is copied out.
  const char* with_alias = "contexts:\n  a: &base\n    brokers: x:1\n  b: *base\n";
  CHECK_THROWS_AS(parse_config(with_alias, "/etc/evt.yaml"), evt::UsageError);
  try {
    parse_config(with_alias, "/etc/evt.yaml");
  } catch (const evt::UsageError& e) {
    CHECK(std::string(e.what()) ==
          "/etc/evt.yaml:4:6: YAML aliases (*name, <<: *name) are not allowed in the config file");
    CHECK(static_cast<int>(e.code()) == 2);
  }
  const char* merge_key = "contexts:\n  a: &base\n    brokers: x:1\n  b:\n    <<: *base\n";
  CHECK_THROWS_AS(parse_config(merge_key, "/c"), evt::UsageError);
  // Many aliases of a large anchor: refused at the first, quickly.
  std::string bomb = "contexts:\n  c0:\n    brokers: &big " + std::string(1 << 20, 'x') + "\n";
  for (int i = 1; i < 2000; ++i) {
    bomb += "  c" + std::to_string(i) + ":\n    brokers: *big\n";
  }
  CHECK_THROWS_AS(parse_config(bomb, "/c"), evt::UsageError);
  // An anchor nobody refers to costs nothing and is fine.
  CHECK(parse_config("contexts:\n  a: &base\n    brokers: x:1\n", "/c").contexts.size() == 1);
}

TEST_CASE("config view redacts every librdkafka security property and assignments in values") {
  const char* text = R"(contexts:
  prod:
    brokers: k:9093
    properties:
      sasl.username: svc
      sasl.password: P1
      ssl.key.password: P2
      ssl.keystore.password: P3
      ssl.truststore.password: P4
      sasl.oauthbearer.client.secret: P5
      sasl.oauthbearer.config: principal=admin extension_secret=P6
      sasl.jaas.config: 'org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="P7";'
      ssl.key.pem: P8
      ssl.certificate.pem: P9
      ssl_key_pem: P10
      ssl.key.location: /secret/P11
      my.api.token: P12
      aws.credentials: P13
      private.key.file: P14
      client.key: P15
      sasl.kerberos.keytab: /k
      note: 'db password=P16 and client_secret = "P17", keep=this'
      security.protocol: SASL_SSL
)";
  const auto view = render_redacted(parse_config(text, "/x"));
  for (int i = 1; i <= 17; ++i) {
    INFO("secret P" << i);
    const std::string needle = "P" + std::to_string(i);
    // P1 is a prefix of P10..P17: look for the value followed by a non-digit.
    size_t at = view.find(needle);
    bool leaked = false;
    for (; at != std::string::npos; at = view.find(needle, at + 1)) {
      const size_t after = at + needle.size();
      leaked = leaked || after >= view.size() || !std::isdigit(static_cast<unsigned char>(view[after]));
    }
    CHECK_FALSE(leaked);
  }
  CHECK(view.find("sasl.username: svc") != std::string::npos);
  CHECK(view.find("security.protocol: SASL_SSL") != std::string::npos);
  CHECK(view.find("keep=this") != std::string::npos);
  CHECK(view.find("username=") != std::string::npos);
  CHECK(view.find("password=") != std::string::npos);
}
