#!/usr/bin/env bash
# evt consume --pipe writes records ahead of the handler's verdicts:
# (1) a handler that answers nothing until it has read 20 records gets
# them (one record in flight at a time would never end); (2) with keys in
# lanes, records of one key are never in flight together, retries keep
# each key's order, and every record is handled exactly once.
. "$EVT_SRC/tests/integration/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "python3 is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)
export LOG="$TEST_DIR/log"

# --- (1) write-ahead: 20 distinct keys, answered only after 20 lines ---
T=$(unique_topic ahead)
run_evt topics create "$T" -p 1
expect_rc 0
for i in $(seq 0 19); do printf '{"key":"k%d","value":"%d"}\n' "$i" "$i"; done >in1.jsonl
run_evt -q publish -t "$T" -p 0 -f in1.jsonl
expect_rc 0 "publish"
cat >gulp.py <<'PY'
import sys
n = 0
for line in sys.stdin:
    n += 1
    if n == 20:
        print("ok\n" * 20, end="", flush=True)
PY
run_evt --timeout 60 "${X[@]}" consume "$T" -g ahead -e --pipe --handler-timeout 20s --exec "$PY $TEST_DIR/gulp.py"
expect_rc 0 "write-ahead"
expect_eq "$ERR" "evt: handled 20 record(s) in 20 attempt(s); 0 retried, 0 dead-lettered, 0 skipped" "write-ahead summary"

# --- (2) lanes, retries and order: 2 partitions, 8 keys, 600 records ---
T=$(unique_topic lanes)
run_evt topics create "$T" -p 2
expect_rc 0
for i in $(seq 1 600); do printf '{"key":"k%d","value":"%d"}\n' "$((i % 8))" "$i"; done >in2.jsonl
run_evt -q publish -t "$T" -f in2.jsonl
expect_rc 0 "publish"
# Reads whatever is there before answering the oldest line, so several are
# unanswered at once; logs a key seen twice among the unanswered lines, and
# answers "retry" the first time it sees a value that is a multiple of 50.
cat >lanes.py <<'PY'
import json, os, select, sys
log = open(os.environ["LOG"], "a")
pending, seen, buf, most = [], set(), b"", 0
fd = sys.stdin.fileno()
while True:
    if not pending or select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for l in lines:
            r = json.loads(l)
            if any(p["key"] == r["key"] and p["partition"] == r["partition"] for p in pending):
                log.write("TWICE %s\n" % r["key"])
            pending.append(r)
        most = max(most, len(pending))
        continue
    r = pending.pop(0)
    v = int(r["value"])
    if v % 50 == 0 and v not in seen:
        seen.add(v)
        print("retry not yet", flush=True)
        continue
    log.write("%s %s %s %s\n" % (r["partition"], r["key"], r["offset"], v))
    log.flush()
    print("ok", flush=True)
log.write("MOST %d\n" % most)
PY
: >"$LOG"
run_evt --timeout 90 "${X[@]}" consume "$T" -g lanes -e --pipe --backoff 1ms:5ms --exec "$PY $TEST_DIR/lanes.py"
expect_rc 0 "lanes"
expect_eq "$ERR" "evt: handled 600 record(s) in 612 attempt(s); 12 retried, 0 dead-lettered, 0 skipped" "lanes summary"
expect_eq "$(grep -c TWICE "$LOG")" 0 "a key twice in flight"
most=$(grep MOST "$LOG" | cut -d' ' -f2)
[ "${most:-0}" -ge 2 ] || fail "never more than one record in flight (most: ${most:-none})"
grep -v -E '^(MOST|TWICE)' "$LOG" >handled
expect_eq "$(cut -d' ' -f4 handled | sort -n | uniq | wc -l | tr -d ' ') $(wc -l <handled | tr -d ' ')" "600 600" "each once"
# Per partition and key, offsets in the order handled are strictly increasing.
bad=$(awk '{ k = $1 " " $2; if ((k in last) && $3 <= last[k]) print; last[k] = $3 }' handled | head -3)
expect_eq "$bad" "" "per-key order"
run_evt lag -g lanes -o json
expect_eq "$(jq -c '.groups[0].lag' <<<"$OUT")" "0" "lag after --pipe"
exit 0
