#include "evt/consume/backoff.hpp"
#include "evt/consume/command_line.hpp"
#include "evt/consume/verdict.hpp"
#include "evt/error.hpp"

#include <doctest/doctest.h>

#include <csignal>

using namespace evt::consume;

TEST_CASE("backoff: MIN:MAX durations, caps doubling up to MAX") {
  const auto b = parse_backoff("100ms:1s");
  CHECK(b.min_ms == 100);
  CHECK(b.max_ms == 1000);
  CHECK(backoff_cap_ms(b, 1) == 100);
  CHECK(backoff_cap_ms(b, 2) == 200);
  CHECK(backoff_cap_ms(b, 3) == 400);
  CHECK(backoff_cap_ms(b, 4) == 800);
  CHECK(backoff_cap_ms(b, 5) == 1000);
  CHECK(backoff_cap_ms(b, 1000) == 1000);
  const auto fixed = parse_backoff("2s");
  CHECK(fixed.min_ms == 2000);
  CHECK(fixed.max_ms == 2000);
  CHECK(parse_backoff("0ms:0ms").max_ms == 0);
  CHECK_THROWS_AS(parse_backoff("1s:100ms"), evt::UsageError);
  CHECK_THROWS_AS(parse_backoff("soon"), evt::UsageError);
  CHECK_THROWS_AS(parse_backoff("1s:"), evt::UsageError);
}

TEST_CASE("backoff: full jitter stays within [0, cap] and spreads") {
  const Backoff b{100, 1000};
  std::mt19937_64 rng(42);
  int64_t lowest = 1 << 30;
  int64_t highest = -1;
  for (int i = 0; i < 2000; ++i) {
    const auto d = backoff_delay_ms(b, 3, rng);
    CHECK(d >= 0);
    CHECK(d <= 400);
    lowest = std::min(lowest, d);
    highest = std::max(highest, d);
  }
  CHECK(lowest < 40);
  CHECK(highest > 360);
  CHECK(backoff_delay_ms(Backoff{0, 0}, 5, rng) == 0);
}

TEST_CASE("verdict: the exit status table") {
  ProcessEnd ok{true, 0, 0, false};
  CHECK(verdict_of(ok).verdict == Verdict::done);
  CHECK(verdict_of(ok).error.empty());
  ProcessEnd temp{true, 75, 0, false};
  CHECK(verdict_of(temp).verdict == Verdict::retry);
  CHECK(verdict_of(temp).error == "exit:75");
  ProcessEnd data{true, 65, 0, false};
  CHECK(verdict_of(data).verdict == Verdict::permanent);
  CHECK(verdict_of(data).exit_code == 65);
  ProcessEnd other{true, 3, 0, false};
  CHECK(verdict_of(other).verdict == Verdict::retry);
  CHECK(verdict_of(other).error == "exit:3");
  ProcessEnd segv{false, -1, SIGSEGV, false};
  CHECK(verdict_of(segv).verdict == Verdict::retry);
  CHECK(verdict_of(segv).error == "signal:SEGV");
  CHECK_FALSE(verdict_of(segv).exit_code.has_value());
  ProcessEnd slow{false, -1, SIGTERM, true};
  CHECK(verdict_of(slow).verdict == Verdict::retry);
  CHECK(verdict_of(slow).error == "timeout");
  ProcessEnd slow_exit{true, 0, 0, true};  // exited 0 on SIGTERM: still a timeout
  CHECK(verdict_of(slow_exit).error == "timeout");
  CHECK(signal_name(SIGKILL) == "KILL");
}

TEST_CASE("command line: split like sh without expansions") {
  using V = std::vector<std::string>;
  CHECK(split_command("handler --flag value") == V{"handler", "--flag", "value"});
  CHECK(split_command("  a   'b c'  \"d \\\"e\\\" $HOME\" f\\ g ") == V{"a", "b c", "d \"e\" $HOME", "f g"});
  CHECK(split_command("python3 -c 'import sys; print(1)'") == V{"python3", "-c", "import sys; print(1)"});
  CHECK(split_command("a''b") == V{"ab"});
  CHECK(split_command("''") == V{""});
  CHECK(split_command("echo $X | wc") == V{"echo", "$X", "|", "wc"});
  CHECK_THROWS_AS(split_command("a 'b"), evt::UsageError);
  CHECK_THROWS_AS(split_command("a \"b"), evt::UsageError);
  CHECK_THROWS_AS(split_command("   "), evt::UsageError);
  CHECK(handler_argv("cat > x", true) == V{"/bin/sh", "-c", "cat > x"});
  CHECK(handler_argv("cat x", false) == V{"cat", "x"});
}

TEST_CASE("command line: a handler must exist before evt joins the group") {
  CHECK_NOTHROW(check_runnable({"sh"}, "/nonexistent:/bin"));
  CHECK_NOTHROW(check_runnable({"/bin/sh", "-c", "x"}, ""));
  CHECK_THROWS_AS(check_runnable({"sh"}, "/nonexistent"), evt::UsageError);
  CHECK_THROWS_AS(check_runnable({"/bin/no-such-handler"}, "/bin"), evt::UsageError);
  CHECK_THROWS_AS(check_runnable({"no-such-handler-anywhere"}, "/bin:/usr/bin"), evt::UsageError);
}

#include "evt/consume/pipe_protocol.hpp"

TEST_CASE("pipe protocol: verdict lines, words and JSON") {
  CHECK(parse_verdict_line("ok")->verdict == Verdict::done);
  CHECK(parse_verdict_line("ok\r")->verdict == Verdict::done);
  CHECK(parse_verdict_line("  ok")->verdict == Verdict::done);
  const auto r = parse_verdict_line("retry db busy");
  CHECK(r->verdict == Verdict::retry);
  CHECK(r->error == "verdict:retry");
  CHECK(r->detail == "db busy");
  CHECK(parse_verdict_line("retry")->detail.empty());
  const auto f = parse_verdict_line("fail  no such customer");
  CHECK(f->verdict == Verdict::permanent);
  CHECK(f->error == "verdict:fail");
  CHECK(f->detail == "no such customer");
  const auto j = parse_verdict_line(R"({"verdict":"fail","reason":"bad total"})");
  CHECK(j->verdict == Verdict::permanent);
  CHECK(j->detail == "bad total");
  CHECK(parse_verdict_line(R"({"verdict":"ok"})")->verdict == Verdict::done);
  CHECK_FALSE(parse_verdict_line("").has_value());
  CHECK_FALSE(parse_verdict_line("okay").has_value());
  CHECK_FALSE(parse_verdict_line("ok but").has_value());
  CHECK_FALSE(parse_verdict_line("OK").has_value());
  CHECK_FALSE(parse_verdict_line(R"({"verdict":1})").has_value());
  CHECK_FALSE(parse_verdict_line(R"({"verdict":"maybe"})").has_value());
  CHECK_FALSE(parse_verdict_line("{broken").has_value());
}
