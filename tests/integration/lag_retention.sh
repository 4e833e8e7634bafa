#!/usr/bin/env bash
# evt lag when the committed offset fell off retention: the sandbox keeps
# about 5 MB per partition, so 7 MB pushes the log start past the commit.
. "$EVT_SRC/tests/integration/lib.sh"
FIX=${EVT_COMMIT_OFFSETS:-}
[ -x "$FIX" ] || skip "evt_commit_offsets fixture not built"
command -v jq >/dev/null || skip "jq not installed"

start_sandbox
T=$(unique_topic ret)
G=grp-$$
run_evt topics create "$T" -p 1
expect_rc 0
timeout 30 "$FIX" commit "$BROKERS" "$G" "$T:0=0" || fail "commit"
HOUR_AGO=$(( $(date +%s%3N) - 3600 * 1000 ))
timeout 60 "$FIX" produce "$BROKERS" "$T" 1 7000 "$HOUR_AGO" 1024 || fail "produce"

run_evt lag -g "$G" -o json
expect_rc 0 "lag -o json"
expect_eq "$ERR" "" "stderr"
p=$(jq -c '.groups[0].topics[0].partitions[0]' <<<"$OUT")
start=$(jq '.log_start' <<<"$p")
[ "$start" -gt 0 ] || fail "log start did not move: $p"
expect_eq "$(jq -c '[.committed, .log_end, .lag, .behind_retention]' <<<"$p")" \
  "[0,7000,$((7000 - start)),true]" "lag measured from the log start"
expect_eq "$(jq '.groups[0].behind_retention' <<<"$OUT")" 1 "group count behind retention"
# Time lag comes from the oldest record still there (an hour old as well).
tl=$(jq '.time_lag_seconds' <<<"$p")
# Between an hour and an hour plus the time this scenario took so far (± 1 s).
max=$(( ($(date +%s%3N) - HOUR_AGO) / 1000 + 1 ))
awk -v t="$tl" -v max="$max" 'BEGIN { exit !(t >= 3599 && t <= max) }' || fail "time lag: $tl"

run_evt lag -g "$G" --no-time-lag
expect_rc 0 "table"
expect_contains "$(sed -n 2p <<<"$OUT")" "$((7000 - start))         -  behind retention" "flag in the table"

run_evt lag -g "$G" -o prometheus
expect_rc 0 "prometheus"
expect_contains "$OUT" "evt_consumer_lag_behind_retention{group=\"$G\",topic=\"$T\",partition=\"0\"} 1"
expect_contains "$OUT" "evt_consumer_lag_records{group=\"$G\",topic=\"$T\",partition=\"0\"} $((7000 - start))"
exit 0
