#include "evt/sandbox/control_channel.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>

using namespace evt;

namespace {

// Runs f, which must throw an evt error; returns it as code and text.
struct Caught {
  ExitCode code = ExitCode::ok;
  std::string what;
  std::string type;
};

Caught caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return {e.code(), e.what(), "usage"};
  } catch (const InputError& e) {
    return {e.code(), e.what(), "input"};
  } catch (const BrokerError& e) {
    return {e.code(), e.what(), "broker"};
  } catch (const RuntimeError& e) {
    return {e.code(), e.what(), "runtime"};
  } catch (const Error& e) {
    return {e.code(), e.what(), "other"};
  }
  FAIL("nothing thrown");
  return {};
}

}  // namespace

TEST_CASE("control channel: known wire codes become the matching error class") {
  auto c = caught([] { sandbox::throw_control_error("2 usage: fail KIND COUNT ERROR"); });
  CHECK(c.type == "usage");
  CHECK(c.code == ExitCode::usage);
  CHECK(c.what == "usage: fail KIND COUNT ERROR");
  c = caught([] { sandbox::throw_control_error("3 cannot change broker state: Local: Unknown broker"); });
  CHECK(c.type == "broker");
  CHECK(c.code == ExitCode::runtime);
  CHECK(c.what == "cannot change broker state: Local: Unknown broker");
  c = caught([] { sandbox::throw_control_error("4 bad"); });
  CHECK(c.type == "input");
  CHECK(c.code == ExitCode::bad_input);
}

TEST_CASE("control channel: any other code is a runtime error naming it, never an exit status") {
  for (const char* code : {"0", "1", "130", "5", "-3", "03", "2x", "", "999999999999"}) {
    CAPTURE(code);
    const auto c = caught([code] { sandbox::throw_control_error(std::string(code) + " some text"); });
    CHECK(c.type == "runtime");
    CHECK(c.code == ExitCode::runtime);
    CHECK(c.what == std::string("the sandbox answered with an unknown error code '") + code + "': some text");
  }
  // Nothing after the code; control bytes from the socket are escaped.
  CHECK(caught([] { sandbox::throw_control_error("7"); }).what ==
        "the sandbox answered with an unknown error code '7'");
  CHECK(caught([] { sandbox::throw_control_error("\x1b[2J 1"); }).what ==
        "the sandbox answered with an unknown error code '\\x1b[2J': 1");
  CHECK(caught([] { sandbox::throw_control_error("2 \x1b]0;t\x07"); }).what == "\\x1b]0;t\\x07");
}

TEST_CASE("control channel: the server encodes errors with the codes the table knows") {
  CHECK(sandbox::encode_control_error(UsageError("bad command")) == "2 bad command");
  CHECK(sandbox::encode_control_error(BrokerError("down")) == "3 down");
  CHECK(sandbox::encode_control_error(RuntimeError("disk")) == "3 disk");
  CHECK(sandbox::encode_control_error(InputError("line")) == "4 line");
  // 130 is the client's own Ctrl-C: a sandbox that was interrupted says 3.
  CHECK(sandbox::encode_control_error(Interrupted()) == "3 interrupted");
  // What the server sends, the client reads back as the same class.
  const auto round =
      caught([] { sandbox::throw_control_error(sandbox::encode_control_error(UsageError("u"))); });
  CHECK(round.type == "usage");
  CHECK(round.what == "u");
}
