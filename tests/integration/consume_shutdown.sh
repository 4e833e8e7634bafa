#!/usr/bin/env bash
# evt consume and Ctrl-C: SIGINT mid-run stops taking records, lets the
# running handler finish, commits what is done and exits 130; the next run
# handles exactly the rest (every record once). SIGTERM too, with a handler
# slower than --shutdown-timeout: it is stopped, its record stays uncommitted
# and runs again (at least once, nothing lost).
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)
export LOG="$TEST_DIR/log"
T=$(unique_topic int)
seq 1 30 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat

# Slow enough that SIGINT lands mid-run; the handler writes its line only
# when it completes, so a line means "handled".
"$EVT" "${X[@]}" consume "$T" -g g1 --shell --exec 'v=$(cat); sleep 0.2; echo "$EVT_OFFSET $v" >>"$LOG"' \
  >"$TEST_DIR/out1" 2>"$TEST_DIR/err1" &
pid=$!
for _ in $(seq 1 300); do
  [ "$(wc -l <"$LOG" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.05
done
[ "$(wc -l <"$LOG")" -ge 3 ] || fail "no progress: $(cat "$TEST_DIR/err1")"
kill -INT "$pid"
wait "$pid"
rc=$?
expect_eq "$rc" 130 "exit status after SIGINT; stderr: $(cat "$TEST_DIR/err1")"
expect_eq "$(tail -n 1 "$TEST_DIR/err1")" "evt: error: interrupted" "last words"
first=$(wc -l <"$LOG")
[ "$first" -lt 30 ] || fail "SIGINT came too late to test anything ($first handled)"

run_evt --timeout 60 "${X[@]}" consume "$T" -g g1 -e --shell --exec 'v=$(cat); echo "$EVT_OFFSET $v" >>"$LOG"'
expect_rc 0 "second run"
expect_eq "$(wc -l <"$LOG" | tr -d ' ')" 30 "handled records over both runs (first run: $first)"
expect_eq "$(cut -d' ' -f2 "$LOG" | sort -n | uniq | wc -l | tr -d ' ')" 30 "each record exactly once"

# SIGTERM while a handler outlives --shutdown-timeout: it is stopped and
# its record is not committed, so it runs again.
T=$(unique_topic term)
seq 1 3 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
: >"$LOG"
"$EVT" "${X[@]}" consume "$T" -g g2 --shutdown-timeout 200ms --shell \
  --exec 'v=$(cat); echo "start $v" >>"$LOG"; if [ "$v" = 2 ]; then sleep 30; fi; echo "end $v" >>"$LOG"' \
  >/dev/null 2>"$TEST_DIR/err2" &
pid=$!
for _ in $(seq 1 300); do
  grep -q "start 2" "$LOG" 2>/dev/null && break
  sleep 0.05
done
grep -q "start 2" "$LOG" || fail "handler 2 never started: $(cat "$TEST_DIR/err2")"
kill -TERM "$pid"
wait "$pid"
expect_eq "$?" 130 "exit status after SIGTERM"
expect_eq "$(tr '\n' ' ' <"$LOG")" "start 1 end 1 start 2 " "record 2 stopped"
: >"$LOG"
run_evt --timeout 60 "${X[@]}" consume "$T" -g g2 -e --shell --exec 'v=$(cat); echo "again $v" >>"$LOG"'
expect_rc 0 "third run"
expect_eq "$(tr '\n' ' ' <"$LOG")" "again 2 again 3 " "the stopped record runs again, the done one does not"
exit 0
