# Exit codes of the foundation: usage errors (2), no broker (2), broker down
# with a short timeout (3), version text.
. "$EVT_SRC/tests/integration/lib.sh"

run_evt --version
expect_rc 0
expect_contains "$OUT" "evt " "version"
expect_contains "$OUT" "(librdkafka 2." "librdkafka version"

run_evt topics --no-such-flag
expect_rc 2
expect_contains "$ERR" "evt: error: The following argument was not expected: --no-such-flag"

run_evt no-such-command
expect_rc 2
expect_eq "$(echo "$ERR" | head -n 1)" "evt: error: unknown command or argument 'no-such-command'"
# An unknown option is named before a missing argument.
run_evt tail --no-such-flag
expect_rc 2
expect_eq "$(echo "$ERR" | head -n 1)" "evt: error: unknown option '--no-such-flag'"

run_evt topics describe
expect_rc 2
expect_contains "$ERR" "evt: error: topic is required"

run_evt
expect_rc 2

run_evt --color sometimes topics
expect_rc 2

run_evt topics --timeout nan
expect_rc 2
expect_contains "$ERR" "evt: error: --timeout: expected seconds between 0.001 and 2000000, got 'nan'"

# Nothing configured and no sandbox: a clear message and exit 2.
run_evt topics
expect_rc 2
expect_eq "$ERR" "evt: error: no broker configured
evt: hint: pass -b HOST:PORT, set EVT_BROKERS, add a context to $XDG_CONFIG_HOME/evt/config.yaml, or start a local broker with \`evt sandbox\`" "no broker message"

# A broker address where nothing listens: exit 3 within the timeout, and no
# librdkafka log lines on stderr.
run_evt --timeout 20 topics -b 127.0.0.1:1 --timeout 1
expect_rc 3
expect_contains "$ERR" "evt: error: cannot fetch metadata: "
expect_not_contains "$ERR" "%3|" "librdkafka log lines"

# -X debug=… shows librdkafka's debug lines, as --debug does.
run_evt --timeout 20 topics -b 127.0.0.1:1 --timeout 1 -X debug=broker
expect_rc 3
expect_contains "$ERR" "evt: librdkafka 7 " "debug lines with -X debug"

run_evt -b 127.0.0.1:1 -X no.such.prop=1 topics
expect_rc 2
expect_contains "$ERR" "invalid client property no.such.prop"

run_evt -b 127.0.0.1:1 -X bogus topics
expect_rc 2
expect_contains "$ERR" "invalid property 'bogus': expected key=value"
echo ok
