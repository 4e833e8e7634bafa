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

# REWIND: the committed offset goes backwards while evt watches.
timeout 30 "$EVT" lag -g "$DONE" --no-time-lag --watch 0.3 --count 4 --fail-on warn >watch.out 2>watch.err &
WATCH=$!
for _ in $(seq 1 100); do [ -s watch.out ] && break; sleep 0.05; done
[ -s watch.out ] || fail "no first refresh"
timeout 30 "$FIX" commit "$BROKERS" "$DONE" "$T:0=4" || fail "commit"
wait "$WATCH"
RC=$?
expect_eq "$RC" 1 "--fail-on warn after a rewind"
expect_eq "$(cat watch.err)" "evt: group $DONE is REWIND (--fail-on warn)" "rewind stderr"
expect_contains "$(tail -n 1 watch.out)" "$DONE lag=6 time-lag=- status=REWIND"

run_evt lag -g "$STUCK" --watch 1 -o prometheus
expect_rc 2 "prometheus with --watch"
exit 0
