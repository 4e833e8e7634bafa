#!/usr/bin/env bash
# evt consume refuses what cannot work, at the start and with a clear
# message: a topic that does not exist (exit 2, even with -e), a --metrics
# file that cannot be written (2), a --dedupe-store whose directory does
# not exist (2, nothing created); a damaged dedupe store stops it with
# exit 3 and says what the file is and what to do. The lag (records
# behind) is in the --metrics file, in total and per partition.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)
N=$(unique_topic nope)

run_evt consume "$N" -g g0 -e --exec /bin/true
expect_rc 2 "missing topic"
expect_contains "$ERR" "evt: error: topic '$N' does not exist on $BROKERS"
run_evt topics
expect_rc 0
case "$OUT" in *"$N"*) fail "the missing topic was created" ;; esac

T=$(unique_topic lag)
run_evt topics create "$T" -p 1
expect_rc 0
seq 0 9 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat

run_evt consume "$T" -g g1 -e --metrics "$TEST_DIR/no/such/dir/m.prom" --exec /bin/true
expect_rc 2 "bad --metrics"
expect_contains "$ERR" "evt: error: --metrics $TEST_DIR/no/such/dir/m.prom: cannot create its temporary file: No such file or directory"

run_evt consume "$T" -g g1 -e --dedupe-by key --dedupe-store "$TEST_DIR/missing/d.sqlite" --exec /bin/true
expect_rc 2 "--dedupe-store in a missing directory"
expect_contains "$ERR" "evt: error: --dedupe-store $TEST_DIR/missing/d.sqlite: the directory $TEST_DIR/missing does not exist"
[ ! -e "$TEST_DIR/missing" ] || fail "the directory was created"

printf 'not a database at all, just a text file that happens to be here\n' >bad.sqlite
run_evt "${X[@]}" consume "$T" -g g1 -e --dedupe-by key --dedupe-store "$TEST_DIR/bad.sqlite" --exec /bin/true
expect_rc 3 "damaged store"
expect_contains "$ERR" "evt: error: dedupe store $TEST_DIR/bad.sqlite: cannot prepare the store: file is not a database"
expect_contains "$ERR" "Move it away (e.g. mv $TEST_DIR/bad.sqlite $TEST_DIR/bad.sqlite.bad) and run again"

# Lag: offset 6 fails for good (exit 65, no --dlq), so evt stops with
# offsets 6..9 not done: 4 behind, in the final metrics and for evt lag.
run_evt --timeout 40 "${X[@]}" consume "$T" -g g2 -e --ordering partition --retries 0 --metrics "$TEST_DIR/m.prom" \
  --shell --exec '[ "$EVT_OFFSET" != 6 ] || exit 65'
expect_rc 3 "stopped at offset 6"
expect_contains "$(cat m.prom)" 'evt_consume_lag{group="g2"} 4' "metrics: lag"
expect_contains "$(cat m.prom)" "evt_consume_partition_lag{group=\"g2\",topic=\"$T\",partition=\"0\"} 4" "metrics: partition lag"
expect_contains "$(cat m.prom)" 'evt_consume_records_handled_total{group="g2"} 6' "metrics: handled"
run_evt lag -g g2 -o json
expect_eq "$(jq -c '.groups[0].lag' <<<"$OUT")" "4" "evt lag agrees"
exit 0
