#!/usr/bin/env bash
# evt consume --batch: record lines of one partition per run; a failing
# batch is bisected until the poison record runs alone, takes the per-record
# retries and becomes a dead letter, and its neighbours are handled.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
command -v jq >/dev/null || skip "jq is not installed"
start_sandbox
export LOG="$TEST_DIR/log"
T=$(unique_topic batch)
printf '0\n1\n2\n3\n4\npoison\n6\n7\n8\n9\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
cat >batch.sh <<'SH'
#!/bin/sh
lines=$(cat)
echo "BATCH $EVT_BATCH_SIZE $EVT_FIRST_OFFSET $EVT_LAST_OFFSET $EVT_ATTEMPT" >>"$LOG"
case "$lines" in *'"value":"poison"'*) exit 1 ;; esac
printf '%s\n' "$lines" | jq -r '"V " + .value' >>"$LOG"
SH
chmod +x batch.sh
# --batch-wait: partial batches wait for more records (here: until the end), so the split is exact.
run_evt --timeout 60 -X session.timeout.ms=6000 consume "$T" -g b1 -e --batch 4 --batch-wait 30s \
  --retries 1 --backoff 1ms --dlq "$T-dlq" --exec "$TEST_DIR/batch.sh"
expect_rc 0 "consume --batch"
expect_eq "$(grep BATCH "$LOG")" "BATCH 4 0 3 1
BATCH 4 4 7 1
BATCH 2 4 5 1
BATCH 1 4 4 1
BATCH 1 5 5 1
BATCH 1 5 5 2
BATCH 1 6 6 1
BATCH 1 7 7 1
BATCH 2 8 9 1" "bisection"
expect_eq "$(grep '^V' "$LOG" | tr '\n' ' ')" "V 0 V 1 V 2 V 3 V 4 V 6 V 7 V 8 V 9 " "every good record once"
expect_contains "$ERR" "evt: $T[0]@5 failed after 2 attempt(s) (exit:1); dead-lettered to $T-dlq"
run_evt lag -g b1 -o json
expect_eq "$(jq -c '.groups[0].lag' <<<"$OUT")" "0" "lag after --batch"
run_evt consume "$T" -g b1 --batch 2 --pipe --exec cat
expect_rc 2 "--batch with --pipe"
exit 0
