#!/usr/bin/env bash
# evt lag against the sandbox: a group with exact commits on a topic with
# known end offsets and record timestamps; JSON, table, thresholds,
# Prometheus output, and what happens without -g.
. "$EVT_SRC/tests/integration/lib.sh"
FIX=${EVT_COMMIT_OFFSETS:-}
[ -x "$FIX" ] || skip "evt_commit_offsets fixture not built"
command -v jq >/dev/null || skip "jq not installed"

start_sandbox
T=$(unique_topic lag)
G=grp-$$
run_evt topics create "$T" -p 4
expect_rc 0
# 10 records per partition; offset k stamped one hour ago plus k minutes, so
# the time lag tells which record it was measured on.
HOUR_AGO=$(( $(date +%s%3N) - 3600 * 1000 ))
for k in $(seq 0 9); do
  timeout 30 "$FIX" produce "$BROKERS" "$T" 4 1 $(( HOUR_AGO + k * 60000 )) || fail "produce"
done
# p0 lags 7, p1 caught up, p2 committed past the end (clamped to 0 and
# flagged), p3 never committed.
timeout 30 "$FIX" commit "$BROKERS" "$G" "$T:0=3" "$T:1=10" "$T:2=12" || fail "commit"
PAST_END="evt: group '$G' committed past the log end on 1 partition(s), counted as lag 0 (was the topic recreated?)"

# JSON: exact committed, end and lag per partition.
run_evt lag -g "$G" -o json
expect_rc 0 "lag -o json"
expect_eq "$ERR" "$PAST_END" "stderr of lag -o json"
got=$(jq -c '.groups[0].topics[0].partitions[] | [.partition, .committed, .log_start, .log_end, .lag, .behind_retention, .ahead_of_log_end]' <<<"$OUT")
expect_eq "$got" '[0,3,0,10,7,false,false]
[1,10,0,10,0,false,false]
[2,12,0,10,0,false,true]
[3,null,0,10,null,false,false]' "partitions"
expect_eq "$(jq -c '.groups[0] | [.group, .lag, .partition_count, .uncommitted, .ahead_of_log_end, .topics[0].topic, .topics[0].lag]' <<<"$OUT")" \
  "[\"$G\",7,4,1,1,\"$T\",7]" "totals"
# Time lag: the record AT offset 3 of p0 (an hour minus 3 minutes old), not
# the first (3600 s) or the last (3060 s); caught-up p1 and p2 are 0; p3 unknown.
tl=$(jq '.groups[0].topics[0].partitions[0].time_lag_seconds' <<<"$OUT")
# Between 3420 s and 3420 s plus the time this scenario took so far (± 1 s).
max=$(( ($(date +%s%3N) - HOUR_AGO) / 1000 - 180 + 1 ))
awk -v t="$tl" -v max="$max" 'BEGIN { exit !(t >= 3419 && t <= max) }' || fail "time lag of p0: $tl (max $max)"
expect_eq "$(jq '.groups[0].max_time_lag_seconds == .groups[0].topics[0].partitions[0].time_lag_seconds' <<<"$OUT")" \
  true "group's worst time lag"
expect_eq "$(jq -c '[.groups[0].topics[0].partitions[] | .time_lag_seconds] | .[1:]' <<<"$OUT")" \
  '[0,0,null]' "time lag of caught-up and uncommitted partitions"

# The table (no time lag, so every byte is known): widest lag first.
run_evt lag -g "$G" --no-time-lag
expect_rc 0 "lag table"
w=${#T}; pad=$(printf '%*s' $((w - 5)) '')
expect_eq "$OUT" "GROUP$(printf '%*s' $((${#G} - 5)) '')  TOPIC${pad}  PARTITION  COMMITTED  LOG-START  LOG-END  LAG  TIME-LAG  NOTE
$G  $T          0          3          0       10    7         -
$G  $T          1         10          0       10    0         -
$G  $T          2         12          0       10    0         -  past log end
$G  $T          3          -          0       10    -         -  no commit

GROUP$(printf '%*s' $((${#G} - 5)) '')  STATE  TOPIC${pad}  PARTITIONS  LAG  MAX-TIME-LAG  NO-COMMIT
$G  -      $T           4    7             -          1
$G  -      (all)$(printf '%*s' $((w - 5)) '')           4    7             -          1" "table"

# Thresholds: over → exit 1 and the offending rows on stderr; at or under → 0.
run_evt lag -g "$G" --max-lag 6 --no-time-lag -o json
expect_rc 1 "--max-lag 6"
expect_eq "$ERR" "$PAST_END
evt: lag over the threshold:
GROUP$(printf '%*s' $((${#G} - 5)) '')  TOPIC${pad}  PARTITION  LAG  TIME-LAG
$G  $T          0    7         -" "offending rows"
expect_eq "$(jq -c '[.groups[0].topics[0].partitions[] | .over_threshold]' <<<"$OUT")" \
  '[true,false,false,false]' "over_threshold flags"
run_evt lag -g "$G" --max-lag 7 --no-time-lag -o json
expect_rc 0 "--max-lag 7"
expect_eq "$ERR" "$PAST_END" "no offending rows"
run_evt lag -g "$G" --max-lag-seconds 3300 -o json
expect_rc 1 "--max-lag-seconds 3300"
expect_contains "$ERR" "evt: lag over the threshold:"
run_evt lag -g "$G" --max-lag-seconds 4000 -o json
expect_rc 0 "--max-lag-seconds 4000"
# A time lag that cannot be measured (every Fetch fails) cannot pass a
# seconds threshold: exit 3 after --timeout, not a silent 0.
run_evt sandbox ctl fail Fetch 1000 UNKNOWN_TOPIC_OR_PART
expect_rc 0 "fail Fetch"
run_evt --timeout 20 -q --timeout 2 lag -g "$G" --max-lag-seconds 4000 -o json
expect_rc 3 "--max-lag-seconds with an unmeasured time lag"
expect_eq "$ERR" "evt: error: cannot check --max-lag-seconds: the time lag of 1 lagging partition(s) is unknown
evt: hint: their record at the committed offset could not be read; raise --timeout" "unmeasured stderr"
expect_eq "$(jq -c '[.groups[0].max_time_lag_seconds, .groups[0].topics[0].partitions[0].time_lag_seconds]' <<<"$OUT")" \
  '[null,null]' "unknown time lag is not a maximum of the others"
run_evt sandbox ctl clear Fetch
expect_rc 0 "clear Fetch"

# Prometheus: names, labels, one sample per series, nothing for p3.
run_evt lag -g "$G" -o prometheus
expect_rc 0 "prometheus"
bad=$(grep -v '^#' <<<"$OUT" | grep -Ev '^evt_[a-z_]+\{group="[^"]*",topic="[^"]*",partition="[0-9]+"\} [0-9]+(\.[0-9]+)?$')
expect_eq "$bad" "" "malformed sample lines"
expect_eq "$(grep -v '^#' <<<"$OUT" | cut -d' ' -f1 | sort | uniq -d)" "" "duplicate series"
expect_eq "$(grep '^evt_consumer_lag_records' <<<"$OUT")" \
"evt_consumer_lag_records{group=\"$G\",topic=\"$T\",partition=\"0\"} 7
evt_consumer_lag_records{group=\"$G\",topic=\"$T\",partition=\"1\"} 0
evt_consumer_lag_records{group=\"$G\",topic=\"$T\",partition=\"2\"} 0" "lag samples"
expect_eq "$(grep -c '^evt_consumer_lag_seconds{' <<<"$OUT")" 3 "time lag samples"
expect_eq "$(grep '^# TYPE' <<<"$OUT" | awk '{print $3, $4}')" "evt_consumer_lag_records gauge
evt_consumer_lag_seconds gauge
evt_consumer_committed_offset gauge
evt_consumer_lag_behind_retention gauge" "metric types"

# Several groups; one that never committed anything on this topic.
run_evt lag -g "$G" -g "nobody-$$" -t "$T" --no-time-lag -o json
expect_rc 0 "two groups"
expect_eq "$(jq -c '[.groups[] | [.group, .lag, .uncommitted]]' <<<"$OUT")" "[[\"$G\",7,1],[\"nobody-$$\",0,4]]" "two groups"

# Without -g the sandbox cannot list groups: say so and ask for -g.
run_evt lag
expect_rc 2 "lag without -g"
expect_eq "$OUT" "" "stdout without -g"
expect_eq "$ERR" "evt: error: this broker cannot list consumer groups (Local: Required feature not supported by broker)
evt: hint: name the groups with -g GROUP (repeatable); the sandbox has no ListGroups" "stderr without -g"

# Usage errors.
run_evt lag -g "$G" -t "missing-$$"
expect_rc 2 "unknown topic"
expect_contains "$ERR" "evt: error: topic 'missing-$$' does not exist"
run_evt lag -g "$G" --fail-on stall
expect_rc 2 "--fail-on without --watch"
expect_eq "$ERR" "evt: error: --fail-on needs --watch and --count K
evt: hint: statuses come from a window of refreshes, e.g. --watch 10 --count 6"
run_evt lag -g "$G" --no-time-lag --max-lag-seconds 5
expect_rc 2 "--max-lag-seconds with --no-time-lag"
exit 0
