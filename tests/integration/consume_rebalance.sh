# evt consume and rebalances (issue 12): two `evt consume` members of one
# group, the second started and then stopped (SIGTERM) while records flow.
# The handler appends "topic partition offset" to a side-effect file shared
# by the members: every record is handled, none twice, and the member that
# stays never exits on a rebalance — first without --dedupe-by (the
# cooperative hand-over alone), then with the members sharing the group's
# --dedupe-by store. (On the sandbox a membership change takes about
# session.timeout.ms; a short session keeps the scenario short.)
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox
X=(-X session.timeout.ms=3000 -X heartbeat.interval.ms=500)
N=1600
for i in $(seq 1 $N); do printf '{"key":"k%d","value":{"n":%d}}\n' "$((i % 16))" "$i"; done >in.jsonl
MEMBERS=()
trap 'kill "${MEMBERS[@]}" 2>/dev/null; cleanup' EXIT
# A handler slow enough that both membership changes land mid-run.
# WHO names the member; its own file counts what it handled.
H='echo "$EVT_TOPIC $EVT_PARTITION $EVT_OFFSET" >>"$LOG"; echo "$EVT_PARTITION $EVT_OFFSET" >>"$LOG.$WHO"; sleep 0.004'
member() {
  WHO=$1 "$EVT" "${X[@]}" consume "$T" -g "$G" --shell --exec "$H" "${D[@]}" >"$1.out" 2>"$1.err" &
}
lines() { wc -l <"$LOG" | tr -d ' '; }
# wait_lines N: waits (at most 60 s) until the log has N lines.
wait_lines() {
  for _ in $(seq 1 600); do
    [ "$(lines)" -ge "$1" ] && return 0
    sleep 0.1
  done
  fail "only $(lines) of $1 records handled; a: $(cat a.err 2>/dev/null) b: $(cat b.err 2>/dev/null)"
}
alive() { kill -0 "$1" 2>/dev/null || fail "member $2 exited early: $(cat "$2.err" 2>/dev/null)"; }
# stop PID WHAT: SIGTERM, then waits at most 20 s; expects 130.
stop() {
  kill -TERM "$1"
  for _ in $(seq 1 200); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$1" 2>/dev/null && { kill -KILL "$1"; fail "$2 did not exit within 20 s"; }
  wait "$1"
  expect_eq "$?" 130 "$2 exit status after SIGTERM; stderr: $(cat "$2.err")"
}

# scenario NAME [ARGS…]: the two members, with these extra flags, on a
# fresh 4-partition topic and group.
scenario() {
  local name=$1
  shift
  D=("$@")
  T=$(unique_topic "crb-$name")
  G=g-$T
  run_evt topics create "$T" --partitions 4
  expect_rc 0 "topics create"
  run_evt -q publish -t "$T" -f in.jsonl
  expect_rc 0 "publish"
  export LOG="$TEST_DIR/log.$name"
  : >"$LOG"
  rm -f a.err b.err
  member a
  A=$!
  MEMBERS+=("$A")
  wait_lines 150
  member b
  B=$!
  MEMBERS+=("$B")
  # b takes partitions over (it has handled some of them), then leaves.
  for _ in $(seq 1 300); do
    [ "$(cat "$LOG.b" 2>/dev/null | wc -l)" -ge 100 ] && break
    sleep 0.1
  done
  alive "$B" b
  [ -s "$LOG.b" ] || fail "b never got partitions: $(cat b.err)"
  stop "$B" b
  alive "$A" a
  wait_lines "$N"
  sleep 1 # anything handled twice would show by now
  alive "$A" a
  stop "$A" a
  expect_eq "$(lines)" "$N" "handled records (each once); duplicates: $(sort "$LOG" | uniq -d | head -5 | tr '\n' ';')"
  expect_eq "$(sort -u "$LOG" | wc -l | tr -d ' ')" "$N" "distinct records handled"
}

scenario plain
scenario dedupe --dedupe-by json:n
# --pipe: records are written ahead to one long-running handler per
# member; a revoke waits for the verdicts of the revoked partitions'
# records before committing them, so none is handled twice.
cat >ph.py <<'PY'
import json, os, sys, time
log = open(os.environ["LOG"], "a")
mine = open(os.environ["LOG"] + "." + os.environ["WHO"], "a")
for line in sys.stdin:
    r = json.loads(line)
    log.write("%s %s %s\n" % (r["topic"], r["partition"], r["offset"]))
    log.flush()
    mine.write("%s %s\n" % (r["partition"], r["offset"]))
    mine.flush()
    time.sleep(0.004)
    print("ok", flush=True)
PY
H="exec /usr/bin/python3 $TEST_DIR/ph.py"
scenario pipe --pipe
exit 0
