#!/usr/bin/env bash
# evt consume --concurrency: with --ordering key, records of one key never
# overlap and run in offset order while other keys run in parallel; a record
# waiting for its retry holds only its own lane — the other partition goes on.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)
export LOG="$TEST_DIR/log"

T=$(unique_topic conc)
run_evt topics create "$T" -p 2
expect_rc 0
for i in $(seq 0 59); do echo "k$((i % 5)):$i"; done | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K: || fail kcat
for i in $(seq 60 99); do echo "k$((i % 5)):$i"; done | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 -K: || fail kcat
run_evt --timeout 60 "${X[@]}" consume "$T" -g c1 -e --concurrency 8 --shell \
  --exec 'echo "B $EVT_PARTITION $EVT_KEY $EVT_OFFSET" >>"$LOG"; sleep 0.0$((EVT_OFFSET % 3)); echo "E $EVT_PARTITION $EVT_KEY $EVT_OFFSET" >>"$LOG"'
expect_rc 0 "consume --concurrency 8"
expect_eq "$(grep -c '^E' "$LOG")" 100 "every record handled"
# Per partition and key: B o, E o, B o', E o' … with o < o' (no overlap, in order).
awk '{ lane = $2 " " $3
       if ($1 == "B") { if (open[lane] != "") { print "overlap " lane; bad = 1 }
                        if ($4 <= last[lane] && last[lane] != "") { print "order " lane; bad = 1 }
                        open[lane] = $4; last[lane] = $4 }
       else { if (open[lane] != $4) { print "end without begin " lane; bad = 1 } open[lane] = "" } }
     END { exit bad }' "$LOG" || fail "per-key order broken: $(cat "$LOG")"
# And keys did run in parallel (some begin follows another begin).
awk '{ if ($1 == "B" && prev == "B") found = 1; prev = $1 } END { exit !found }' "$LOG" || fail "nothing ran concurrently"

# A poison record in p0 waits 2 s for its retry; p1 is handled meanwhile,
# and p0's next record (--ordering partition) only after the poison's end.
T=$(unique_topic block)
run_evt topics create "$T" -p 2
expect_rc 0
printf 'poison\nafter\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
seq 1 5 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 || fail kcat
: >"$LOG"
run_evt --timeout 60 "${X[@]}" consume "$T" -g c2 -e --ordering partition --retries 1 --backoff 2s:2s \
  --dlq "$T-dlq" --shell --exec 'v=$(cat); echo "$v $EVT_ATTEMPT" >>"$LOG"; [ "$v" != poison ]'
expect_rc 0 "consume with a retrying partition"
order=$(tr '\n' ' ' <"$LOG")
expect_contains "$order" "poison 1 " "first attempt"
expect_contains "$order" "poison 2 after 1 " "the partition waits for its poison record"
before_retry=${order%%poison 2*}
for v in 1 2 3 4 5; do
  expect_contains "$before_retry" "$v 1 " "p1 record $v handled while p0 waited"
done
exit 0
