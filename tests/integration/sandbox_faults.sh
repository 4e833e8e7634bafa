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

# Ctrl-C during a metadata wait that would last --timeout: exit 130 at once.
"$EVT" topics --timeout 30 >"$TEST_DIR/int.out" 2>"$TEST_DIR/int.err" &
int_pid=$!
sleep 1
start_ms=$(date +%s%3N)
kill -INT "$int_pid"
for _ in $(seq 1 50); do kill -0 "$int_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$int_pid" 2>/dev/null && { kill -KILL "$int_pid"; fail "evt topics ignored SIGINT"; }
wait "$int_pid"
expect_eq "$?" 130 "exit code after SIGINT"
[ $(( $(date +%s%3N) - start_ms )) -lt 3000 ] || fail "evt topics took too long to stop"
expect_eq "$(cat "$TEST_DIR/int.err")" "evt: error: interrupted" "stderr after SIGINT"
expect_eq "$(cat "$TEST_DIR/int.out")" "" "stdout after SIGINT"

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

# A partition without a leader: describe still shows the others, warns
# about that one, and does not fail.
run_evt sandbox ctl topic g 3
expect_rc 0
# A count the sandbox would exhaust its memory on, and a name Kafka refuses.
run_evt sandbox ctl topic huge 200000000
expect_rc 2
expect_contains "$ERR" "partition count must be between 1 and 100000"
run_evt sandbox ctl topic $'t\e[31m' 2
expect_rc 2
expect_contains "$ERR" "'t\\x1b[31m' is not a legal topic name"
run_evt sandbox ctl status
expect_rc 0 "the sandbox still runs"
run_evt sandbox ctl leader g 1 none
expect_rc 0
expect_eq "$OUT" "g[1] leader none"
run_evt sandbox ctl rtt 1 0
run_evt topics describe g --timeout 10
expect_rc 0
expect_eq "$OUT" $'topic g\nPARTITION  LEADER  REPLICAS  ISR  LOG-START  LOG-END  RECORDS\n        0       1  1         1            0        0        0\n        1       -  1         1            -        -        -\n        2       1  1         1            0        0        0' "describe with a leaderless partition"
expect_eq "$ERR" "evt: warning: partition 1: no leader" "warning for the leaderless partition"

# TLS against a plaintext broker: a clear message, exit 3, no client log.
run_evt -X security.protocol=SSL topics --timeout 2
expect_rc 3
expect_contains "$ERR" "evt: error: cannot fetch metadata: Local: " "TLS mismatch message"
expect_contains "$ERR" "; last broker error: " "TLS mismatch cause"
expect_contains "$ERR" "evt: hint: the TLS handshake failed: check security.protocol" "TLS hint"
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 2 "stderr lines for the TLS mismatch"

# A producer-only property on a command that only reads is accepted quietly.
run_evt -X linger.ms=5 -X acks=all topics --timeout 10
expect_rc 0
expect_eq "$ERR" "" "stderr with producer properties on a reading command"

# A second sandbox does not take over the first one's state file.
"$EVT" sandbox --port 0 >"$TEST_DIR/second.out" 2>"$TEST_DIR/second.err" &
second_pid=$!
for _ in $(seq 1 100); do [ -s "$TEST_DIR/second.out" ] && break; sleep 0.05; done
second=$(head -n 1 "$TEST_DIR/second.out")
expect_contains "$second" "127.0.0.1:" "second sandbox address"
expect_contains "$(cat "$TEST_DIR/second.err")" "evt: warning: another sandbox (pid $SANDBOX_PID, $BROKERS) is already running" "second sandbox warning"
kill -TERM "$second_pid"; wait "$second_pid"
expect_eq "$?" 0 "second sandbox exit code"
expect_contains "$(cat "$XDG_RUNTIME_DIR/evt/sandbox.json")" "\"bootstrap\":\"$BROKERS\"" "state file still names the first sandbox"

# ctl without a running sandbox
kill "$SANDBOX_PID"; wait "$SANDBOX_PID"; SANDBOX_PID=""
run_evt sandbox ctl status
expect_rc 2
expect_contains "$ERR" "evt: error: no running sandbox found"
echo ok
