#!/usr/bin/env bash
# evt consume --exec against the sandbox: a handler per record with the
# value on stdin and metadata in the environment; commits after success
# (lag 0, a second run handles nothing); retry then success; a record that
# keeps failing becomes a dead letter with evt's header set after exactly
# N attempts while the rest go on; exit 65 dead-letters at once; without
# --dlq the consumer stops (exit 3) and commits only what was done.
# (A group's first join takes ~3 s on the sandbox; a short session keeps
# re-joins of the same group short.)
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
command -v jq >/dev/null || skip "jq is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)

# The handler: logs "partition offset key value attempt" and decides by value:
# fail-N exits N; poison always fails; flaky fails (75) on its first attempt.
cat >handler.sh <<'SH'
#!/bin/sh
v=$(cat)
echo "$EVT_PARTITION $EVT_OFFSET ${EVT_KEY:--} $v $EVT_ATTEMPT/$EVT_MAX_ATTEMPTS" >>"$LOG"
case "$v" in
  poison) echo "cannot digest $v" >&2; exit 1 ;;
  data) echo "bad data" >&2; exit 65 ;;
  flaky) [ "$EVT_ATTEMPT" -ge 2 ] || exit 75 ;;
esac
exit 0
SH
chmod +x handler.sh
export LOG="$TEST_DIR/log"

# --- success: every record once, with its metadata; committed (lag 0) ---
T=$(unique_topic ok)
run_evt topics create "$T" -p 2
expect_rc 0
printf 'a:1\nb:2\na:3\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K: || fail kcat
printf 'c:4\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 -K: || fail kcat
# Headers and CloudEvents attributes reach the environment.
printf 'd:5\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 -K: -H ce_id=e-5 -H ce_type=Thing || fail kcat
run_evt --timeout 40 "${X[@]}" consume "$T" -g ok -e --exec "$TEST_DIR/handler.sh"
expect_rc 0 "consume ok"
expect_eq "$(sort "$LOG")" "0 0 a 1 1/4
0 1 b 2 1/4
0 2 a 3 1/4
1 0 c 4 1/4
1 1 d 5 1/4" "handled once each"
expect_eq "$ERR" "evt: handled 5 record(s) in 5 attempt(s); 0 retried, 0 dead-lettered, 0 skipped" "summary"
run_evt lag -g ok -o json
expect_eq "$(jq -c '[.groups[0].lag, .groups[0].uncommitted]' <<<"$OUT")" "[0,0]" "lag after success"
# The environment of one record, exactly (a shell handler via --shell).
: >"$LOG"
run_evt --timeout 40 "${X[@]}" consume "$T" -g env -e --shell \
  --exec 'if [ "$EVT_OFFSET" = 1 ] && [ "$EVT_PARTITION" = 1 ]; then env | grep -E "^(EVT_|CE_)" | grep -v -E "^EVT_(BROKERS|SRC)=" | sort >>"$LOG"; fi'
expect_rc 0 "consume env"
ts=$(grep EVT_TIMESTAMP= "$LOG" | cut -d= -f2)
expect_eq "$(grep -v EVT_TIMESTAMP= "$LOG")" "CE_ID=e-5
CE_TYPE=Thing
EVT_ATTEMPT=1
EVT_GROUP=env
EVT_HEADERS=[{\"key\":\"ce_id\",\"value\":\"e-5\"},{\"key\":\"ce_type\",\"value\":\"Thing\"}]
EVT_KEY=d
EVT_MAX_ATTEMPTS=4
EVT_OFFSET=1
EVT_PARTITION=1
EVT_TIMESTAMP_TYPE=create
EVT_TOPIC=$T" "handler environment"
[ "$ts" -gt 1700000000000 ] || fail "EVT_TIMESTAMP: $ts"

# A second run of the same group has nothing left to do.
: >"$LOG"
run_evt --timeout 40 "${X[@]}" consume "$T" -g ok -e --exec "$TEST_DIR/handler.sh"
expect_rc 0 "consume ok again"
expect_eq "$(cat "$LOG")" "" "nothing handled twice"

# --- retries, dead letters, other records go on ---
T=$(unique_topic dl)
run_evt topics create "$T" -p 2
expect_rc 0
printf 'k1:one\nk2:poison\nk1:flaky\nk3:two\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K: || fail kcat
printf 'k4:three\nk5:data\nk4:four\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 -K: || fail kcat
: >"$LOG"
run_evt --timeout 60 "${X[@]}" consume "$T" -g dl -e --retries 2 --backoff 1ms:20ms --dlq "$T-dlq" \
  --exec "$TEST_DIR/handler.sh"
expect_rc 0 "consume with dead letters"
# poison: exactly 3 attempts, in order; flaky: retried once; data (65): once.
expect_eq "$(grep ' poison ' "$LOG" | cut -d' ' -f5 | tr '\n' ' ')" "1/3 2/3 3/3 " "poison attempts"
expect_eq "$(grep ' flaky ' "$LOG" | cut -d' ' -f5 | tr '\n' ' ')" "1/3 2/3 " "flaky attempts"
expect_eq "$(grep -c ' data ' "$LOG")" "1" "exit 65: no retry"
# Everything else handled exactly once.
for v in one two three four; do
  expect_eq "$(grep -c " $v " "$LOG")" "1" "$v handled once"
done
expect_contains "$ERR" "evt: $T[0]@1 failed after 3 attempt(s) (exit:1); dead-lettered to $T-dlq"
expect_contains "$ERR" "evt: $T[1]@1 failed after 1 attempt(s) (exit:65); dead-lettered to $T-dlq"
expect_contains "$ERR" "evt: handled 5 record(s) in 10 attempt(s); 3 retried, 2 dead-lettered, 0 skipped"
run_evt lag -g dl -o json
expect_eq "$(jq -c '[.groups[0].lag, .groups[0].uncommitted]' <<<"$OUT")" "[0,0]" "lag after dead letters"
# The dead letters: key, value and original headers kept, evt's header set added.
run_evt tail "$T-dlq" -e -o jsonl
expect_rc 0 "tail dlq"
dl=$(jq -c '[.key, .value, ([.headers[] | select(.key != "evt_dlq_time") | "\(.key)=\(.value)"] | join(" "))]' <<<"$OUT" | sort)
expect_eq "$dl" "[\"k2\",\"poison\",\"evt_dlq_version=1 evt_dlq_original_topic=$T evt_dlq_original_partition=0 evt_dlq_original_offset=1 evt_dlq_original_timestamp=$(jq -r 'select(.key=="k2") | .headers[] | select(.key=="evt_dlq_original_timestamp") | .value' <<<"$OUT") evt_dlq_original_timestamp_type=create evt_dlq_group=dl evt_dlq_error=exit:1 evt_dlq_error_message=cannot digest poison\\\\n evt_dlq_attempts=3 evt_dlq_exit_code=1 evt_dlq_handler=$TEST_DIR/handler.sh\"]
[\"k5\",\"data\",\"evt_dlq_version=1 evt_dlq_original_topic=$T evt_dlq_original_partition=1 evt_dlq_original_offset=1 evt_dlq_original_timestamp=$(jq -r 'select(.key=="k5") | .headers[] | select(.key=="evt_dlq_original_timestamp") | .value' <<<"$OUT") evt_dlq_original_timestamp_type=create evt_dlq_group=dl evt_dlq_error=exit:65 evt_dlq_error_message=bad data\\\\n evt_dlq_attempts=1 evt_dlq_exit_code=65 evt_dlq_handler=$TEST_DIR/handler.sh\"]" "dead letters"

# --- without --dlq: stop with exit 3, commit only the done prefix ---
T=$(unique_topic stop)
printf 'one\npoison\ntwo\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
: >"$LOG"
run_evt --timeout 60 "${X[@]}" consume "$T" -g st -e --retries 1 --backoff 1ms --ordering partition \
  --exec "$TEST_DIR/handler.sh"
expect_rc 3 "consume stops on a record that keeps failing"
expect_contains "$ERR" "evt: error: $T[0]@1 failed after 2 attempt(s) (exit:1); stopping without committing it"
expect_eq "$(cut -d' ' -f2,4 "$LOG" | tr '\n' ' ')" "0 one 1 poison 1 poison " "stopped at the poison record"
run_evt lag -g st -o json
expect_eq "$(jq -c '[.groups[0].topics[0].partitions[0].committed, .groups[0].lag]' <<<"$OUT")" "[1,2]" "committed up to the failure"
# Fixed handler (here: skip, loudly): goes on from the failed record.
: >"$LOG"
run_evt --timeout 60 "${X[@]}" consume "$T" -g st -e --retries 0 --on-failure skip --exec "$TEST_DIR/handler.sh"
expect_rc 0 "consume --on-failure skip"
expect_eq "$(cut -d' ' -f2,4 "$LOG" | tr '\n' ' ')" "1 poison 2 two " "resumed at the failed record"
expect_contains "$ERR" "evt: warning: $T[0]@1 failed after 1 attempt(s) (exit:1); SKIPPED (--on-failure skip)"

# --- usage errors ---
run_evt consume "$T" -g x --exec "no-such-handler-$$" -e
expect_rc 2 "unknown handler"
expect_contains "$ERR" "evt: error: cannot run the handler 'no-such-handler-$$': No such file or directory"
run_evt consume "$T" -g x --exec "a 'b"
expect_rc 2 "bad quoting"
run_evt consume "$T" -g x --exec h --backoff 2s:1s
expect_rc 2 "bad backoff"
exit 0
