# Fault injection through `evt sandbox ctl`: a broker taken down makes a
# command with a short --timeout fail with exit 3 and a clear message; up
# again, it works; injected request errors and latency are accepted.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox --topic f:1

run_evt sandbox ctl status
expect_rc 0
expect_contains "$OUT" "bootstrap=$BROKERS brokers=1"

run_evt sandbox ctl down 1
expect_rc 0
expect_eq "$OUT" "broker 1 down"

run_evt --timeout 20 topics --timeout 2
expect_rc 3
expect_contains "$ERR" "evt: error: cannot fetch metadata: Local: "
expect_contains "$ERR" "(brokers: $BROKERS)"
expect_contains "$ERR" "evt: hint: check that the brokers are reachable"

run_evt sandbox ctl up 1
expect_rc 0
run_evt topics --timeout 10
expect_rc 0
expect_contains "$OUT" "f " "topic list after broker is back"

run_evt sandbox ctl rtt 1 50
expect_eq "$OUT" "broker 1 rtt 50 ms"
run_evt sandbox ctl fail Metadata 2 BROKER_NOT_AVAILABLE
expect_rc 0
run_evt sandbox ctl fail Metadata 2 NO_SUCH_ERROR
expect_rc 2
expect_contains "$ERR" "evt: error: unknown Kafka error name 'NO_SUCH_ERROR'"
run_evt sandbox ctl down 7
expect_rc 2
expect_contains "$ERR" "no broker 7: the sandbox has brokers 1..1"

# ctl without a running sandbox
kill "$SANDBOX_PID"; wait "$SANDBOX_PID"; SANDBOX_PID=""
run_evt sandbox ctl status
expect_rc 2
expect_contains "$ERR" "evt: error: no running sandbox found"
echo ok
