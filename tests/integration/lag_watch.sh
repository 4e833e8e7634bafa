#!/usr/bin/env bash
# evt lag --watch into a pipe: one line per refresh, Burrow statuses, and
# --fail-on with --count for a bounded check.
. "$EVT_SRC/tests/integration/lib.sh"
FIX=${EVT_COMMIT_OFFSETS:-}
[ -x "$FIX" ] || skip "evt_commit_offsets fixture not built"
command -v jq >/dev/null || skip "jq not installed"

start_sandbox
T=$(unique_topic watch)
STUCK=stuck-$$
DONE=done-$$
run_evt topics create "$T" -p 1
expect_rc 0
timeout 30 "$FIX" produce "$BROKERS" "$T" 1 10 || fail "produce"
timeout 30 "$FIX" commit "$BROKERS" "$STUCK" "$T:0=3" || fail "commit"
timeout 30 "$FIX" commit "$BROKERS" "$DONE" "$T:0=10" || fail "commit"

# A group whose offset does not move while it lags: pending, then STALL.
run_evt lag -g "$STUCK" --no-time-lag --watch 0.2 --count 3
expect_rc 0 "watch without --fail-on"
expect_eq "$ERR" "" "stderr"
expect_eq "$(sed -E 's/^[0-9T:-]+Z //' <<<"$OUT")" "$STUCK lag=7 time-lag=- status=-
$STUCK lag=7 time-lag=- status=STALL
$STUCK lag=7 time-lag=- status=STALL" "one line per refresh"

run_evt lag -g "$STUCK" -g "$DONE" --no-time-lag --watch 0.2 --count 3 --fail-on stall
expect_rc 1 "--fail-on stall"
expect_eq "$ERR" "evt: group $STUCK is STALL (--fail-on stall)" "stderr of --fail-on"
run_evt lag -g "$STUCK" --no-time-lag --watch 0.2 --count 3 --fail-on stop
expect_rc 0 "STALL does not fail --fail-on stop"
run_evt lag -g "$DONE" --no-time-lag --watch 0.2 --count 2 --fail-on warn
expect_rc 0 "caught-up group"

# JSON: one document per line with rates and statuses.
run_evt lag -g "$STUCK" --watch 0.2 --count 2 -o json
expect_rc 0 "watch -o json"
expect_eq "$(wc -l <<<"$OUT")" 2 "json lines"
expect_eq "$(tail -n 1 <<<"$OUT" | jq -c '.groups[0] | [.status, .topics[0].partitions[0].status, .topics[0].partitions[0].consume_rate, .topics[0].partitions[0].trend, .topics[0].partitions[0].catch_up_seconds]')" \
  '["STALL","STALL",0,"steady",null]' "watch json"

# REWIND: the committed offset goes backwards while evt watches. Watching
# until interrupted, so no refresh count has to outlast the commit: wait for
# the first line, rewind, wait for REWIND, then SIGINT ends it with 130.
"$EVT" lag -g "$DONE" --no-time-lag --watch 0.2 >watch.out 2>watch.err &
WATCH=$!
wait_for_line() {  # wait_for_line PATTERN: up to 20 s for a line of watch.out
  for _ in $(seq 1 400); do
    grep -q -- "$1" watch.out && return 0
    kill -0 "$WATCH" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
wait_for_line "status=" || { kill "$WATCH"; fail "no first refresh: $(cat watch.err)"; }
timeout 30 "$FIX" commit "$BROKERS" "$DONE" "$T:0=4" || { kill "$WATCH"; fail "commit"; }
wait_for_line "status=REWIND" || { kill "$WATCH"; fail "no REWIND: $(cat watch.out)"; }
kill -INT "$WATCH"
wait "$WATCH"
RC=$?
expect_eq "$RC" 130 "SIGINT during --watch"
expect_eq "$(cat watch.err)" "evt: error: interrupted" "stderr after SIGINT"
expect_contains "$(grep -m 1 REWIND watch.out)" "$DONE lag=6 time-lag=- status=REWIND"
# Now the group lags 6 at an offset that does not move: a bounded check sees
# STALL, which --fail-on warn also fails on.
run_evt lag -g "$DONE" --no-time-lag --watch 0.2 --count 2 --fail-on warn
expect_rc 1 "--fail-on warn on a stalled group"
expect_eq "$ERR" "evt: group $DONE is STALL (--fail-on warn)" "stderr of --fail-on warn"

run_evt lag -g "$STUCK" --watch 1 -o prometheus
expect_rc 2 "prometheus with --watch"
exit 0
