#!/usr/bin/env bash
# evt consume survives SIGKILL (issue 12): a 20,000-record topic is handled
# by a --pipe handler while evt is SIGKILLed at 5 moments (2 more without
# --dedupe-by) and started again.
# With --dedupe-by ce_id every record is handled exactly once (the handler's
# side-effect file); without it at least once (none lost).
# The kills are deterministic: the handler stops on chosen records before
# their side effect and the test kills evt then, so no kill lands in the
# window the man page names (between a handler's success and the store write).
. "$EVT_SRC/tests/integration/lib.sh"
T=$(unique_topic kr)
start_sandbox --topic "$T:4"
N=20000
for i in $(seq 1 $N); do printf '{"key":"k%d","value":{"n":%d}}\n' "$((i % 64))" "$i"; done >in.jsonl
run_evt --timeout 60 -q publish -t "$T" -f in.jsonl --type test.Event
expect_rc 0 "publish"
export DIR="$TEST_DIR"
# The handler logs "partition offset" per record; on a record listed in
# $DIR/stops whose stop has not happened yet, it says so in $DIR/paused
# (with its process group) and waits to be killed.
cat >handler.sh <<'H'
#!/usr/bin/env bash
declare -A stop
while read -r p o; do stop["$p $o"]=1; done <"$DIR/stops"
while IFS= read -r line; do
  [[ $line =~ \"partition\":([0-9]+),\"offset\":([0-9]+) ]] || { echo "fail no position"; continue; }
  at="${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  if [ -n "${stop[$at]:-}" ] && [ ! -e "$DIR/stopped.${at/ /.}" ]; then
    touch "$DIR/stopped.${at/ /.}"
    echo "$$" >"$DIR/paused.tmp" && mv "$DIR/paused.tmp" "$DIR/paused"
    sleep 60
  fi
  echo "$at" >>"$LOG"
  echo ok
done
H
chmod +x handler.sh
# Five stops spread over the partitions and the run (partition 3 holds
# about 1,250 of the records, the others 5,000-7,000). Each restart costs
# a session timeout (the killed member must time out of the group).
printf '%s\n' "0 400" "1 1200" "2 2000" "3 800" "0 3600" >stops
PIDS=()
trap 'kill -KILL "${PIDS[@]}" 2>/dev/null; cleanup' EXIT

# run_until_done GROUP ARGS…: starts evt -e until it ends on its own; each
# time the handler pauses, SIGKILLs evt (and the paused handler). Sets KILLS.
run_until_done() {
  local group=$1
  shift
  KILLS=0
  for round in $(seq 1 20); do
    rm -f paused
    "$EVT" -X session.timeout.ms=3000 -X heartbeat.interval.ms=500 consume "$T" -g "$group" -e --pipe --exec ./handler.sh "$@" \
      >"run.out" 2>"run.$round.err" &
    local pid=$!
    PIDS+=("$pid")
    while kill -0 "$pid" 2>/dev/null && [ ! -e paused ]; do sleep 0.05; done
    if [ -e paused ]; then
      kill -KILL "$pid"
      wait "$pid" 2>/dev/null
      kill -KILL -- "-$(cat paused)" 2>/dev/null
      KILLS=$((KILLS + 1))
      continue
    fi
    wait "$pid"
    local rc=$?
    [ "$rc" = 0 ] || fail "run $round ended with $rc: $(cat "run.$round.err")"
    return 0
  done
  fail "not done after 20 runs"
}

export LOG="$TEST_DIR/dedupe.log"
run_until_done gd --dedupe-by ce_id --dedupe-store "$TEST_DIR/gd.sqlite"
expect_eq "$KILLS" 5 "SIGKILLs with --dedupe-by"
expect_eq "$(sort -u "$LOG" | wc -l | tr -d ' ')" "$N" "records handled with --dedupe-by"
expect_eq "$(wc -l <"$LOG" | tr -d ' ')" "$N" "handlings with --dedupe-by (duplicates: $(sort "$LOG" | uniq -d | head -3 | tr '\n' ';'))"
skipped=$(cat run.*.err | sed -n 's/.*, \([0-9]*\) deduplicated$/\1/p' | paste -sd+ | bc)
[ "${skipped:-0}" -gt 0 ] || fail "no record was skipped as a duplicate: the kills tested nothing"

# Without --dedupe-by: two kills (the stops are re-read by each handler).
rm -f stopped.* run.*.err
printf '%s\n' "1 1500" "2 3000" >stops
export LOG="$TEST_DIR/plain.log"
run_until_done gp
expect_eq "$KILLS" 2 "SIGKILLs without --dedupe-by"
expect_eq "$(sort -u "$LOG" | wc -l | tr -d ' ')" "$N" "records handled at least once without --dedupe-by"
exit 0
