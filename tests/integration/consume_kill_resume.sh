#!/usr/bin/env bash
# evt consume survives SIGKILL (issue 12): a 20,000-record topic is handled
# by a --pipe handler while evt is SIGKILLed at 5 moments (2 more without
# --dedupe-by; the two runs go side by side, each in its own group) and
# started again.
# With --dedupe-by ce_id every record is handled exactly once (the handler's
# side-effect file); without it at least once (none lost).
# The kills are deterministic: the handler stops on chosen records before
# their side effect and the test kills evt then, so no kill lands in the
# window the man page names (between a handler's success and the store
# write). evt writes records ahead of the verdicts, so the records answered
# just before the stop may not be in the store yet: with --dedupe-by the
# test kills only once the store holds as many ids as the handler logged
# (at most 20 s; a duplicate would keep them apart and fail the test).
. "$EVT_SRC/tests/integration/lib.sh"
T=$(unique_topic kr)
start_sandbox --topic "$T:4"
N=20000
for i in $(seq 1 $N); do printf '{"key":"k%d","value":{"n":%d}}\n' "$((i % 64))" "$i"; done >in.jsonl
run_evt --timeout 60 -q publish -t "$T" -f in.jsonl --type test.Event
expect_rc 0 "publish"
# The handler logs "partition offset" per record to $DIR/log; on a record
# listed in $DIR/stops whose stop has not happened yet, it says so in
# $DIR/paused (with its process group) and waits to be killed.
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
  echo "$at" >>"$DIR/log"
  echo ok
done
H
chmod +x handler.sh
PIDS=()
# shellcheck disable=SC2046
trap 'kill -KILL "${PIDS[@]}" $(cat dedupe/pids plain/pids 2>/dev/null) 2>/dev/null; cleanup' EXIT

# settle STORE LOG: waits (at most 20 s) until the dedupe store holds as
# many ids as LOG has lines.
settle() {
  for _ in $(seq 1 400); do
    [ "$(/usr/bin/python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM done").fetchone()[0])' "$1" 2>/dev/null)" \
      = "$(wc -l <"$2" | tr -d ' ')" ] && return 0
    sleep 0.05
  done
}

# phase NAME STOPS ARGS…: in directory NAME, starts evt -e (group NAME)
# until it ends on its own; each time the handler pauses, SIGKILLs evt (and
# the paused handler). Writes the number of kills to NAME/kills. Each
# restart costs a session timeout (the killed member must time out of the
# group), so the two phases run side by side.
phase() {
  local name=$1 stops=$2
  shift 2
  mkdir -p "$name"
  printf '%s\n' $stops | paste -d' ' - - >"$name/stops"
  export DIR="$TEST_DIR/$name"
  local kills=0
  for round in $(seq 1 20); do
    rm -f "$DIR/paused"
    "$EVT" -X session.timeout.ms=3000 -X heartbeat.interval.ms=500 consume "$T" -g "$name" -e --pipe \
      --exec ./handler.sh "$@" >/dev/null 2>"$DIR/run.$round.err" &
    local pid=$!
    echo "$pid" >>"$DIR/pids"
    while kill -0 "$pid" 2>/dev/null && [ ! -e "$DIR/paused" ]; do sleep 0.05; done
    if [ -e "$DIR/paused" ]; then
      [ -z "${STORE:-}" ] || settle "$STORE" "$DIR/log"
      kill -KILL "$pid"
      wait "$pid" 2>/dev/null
      kill -KILL -- "-$(cat "$DIR/paused")" 2>/dev/null
      kills=$((kills + 1))
      continue
    fi
    wait "$pid"
    local rc=$?
    echo "$kills" >"$DIR/kills"
    [ "$rc" = 0 ] || fail "$name: run $round ended with $rc: $(cat "$DIR/run.$round.err")"
    return 0
  done
  fail "$name: not done after 20 runs"
}

# With --dedupe-by: five stops spread over the partitions and the run
# (partition 3 holds about 1,250 of the records, the others 5,000-7,000).
# Without: two.
STORE="$TEST_DIR/gd.sqlite" phase dedupe "0 400 1 1200 2 2000 3 800 0 3600" --dedupe-by ce_id --dedupe-store "$TEST_DIR/gd.sqlite" &
P1=$!
phase plain "1 1500 2 3000" &
P2=$!
PIDS+=("$P1" "$P2")
wait "$P1" || fail "the --dedupe-by phase failed"
wait "$P2" || fail "the phase without --dedupe-by failed"

expect_eq "$(cat dedupe/kills)" 5 "SIGKILLs with --dedupe-by"
expect_eq "$(sort -u dedupe/log | wc -l | tr -d ' ')" "$N" "records handled with --dedupe-by"
expect_eq "$(wc -l <dedupe/log | tr -d ' ')" "$N" \
  "handlings with --dedupe-by (duplicates: $(sort dedupe/log | uniq -d | head -3 | tr '\n' ';'))"
skipped=$(cat dedupe/run.*.err | sed -n 's/.*, \([0-9]*\) deduplicated$/\1/p' | paste -sd+ | bc)
[ "${skipped:-0}" -gt 0 ] || fail "no record was skipped as a duplicate: the kills tested nothing"

expect_eq "$(cat plain/kills)" 2 "SIGKILLs without --dedupe-by"
expect_eq "$(sort -u plain/log | wc -l | tr -d ' ')" "$N" "records handled at least once without --dedupe-by"
exit 0
