# evt dlq redrive never sends a dead letter twice: a redrive of 20,000
# Spring dead letters is SIGKILLed at several moments (one before its first
# checkpoint) and run again; the original topic then holds every record
# exactly once, on its original partition, with re-drive count 1.
. "$EVT_SRC/tests/integration/lib.sh"
/usr/bin/python3 -c "import kafka" 2>/dev/null || skip "python3-kafka is not installed"
start_sandbox --topic orders:4 --topic orders.DLT:4 --topic orders.DLT.parked:2
N=20000
DLQ_PARTITIONS=4 /usr/bin/python3 "$EVT_SRC/tests/tools/dlq_produce.py" "$BROKERS" orders.DLT spring orders "$N" ||
  fail "producing dead letters"

kills=0
for delay in 0.05 0.6 1.1 1.7 2.3; do
  "$EVT" dlq redrive orders.DLT --rate 4000/s >attempt.out 2>attempt.err &
  pid=$!
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
done
[ "$kills" -ge 4 ] || fail "only $kills attempts were still running when killed"
run_evt --timeout 60 dlq redrive orders.DLT -o json
expect_rc 0 "final attempt"
expect_eq "$(echo "$OUT" | jq -c '.resumed')" true "final attempt resumed"
[ "$(echo "$OUT" | jq '.redriven')" -lt "$N" ] || fail "the killed attempts re-drove nothing: $OUT"
timeout 60 "$EVT" tail orders -e -o jsonl 2>/dev/null >got.jsonl
/usr/bin/python3 - "$N" <<'PY' || fail "orders does not hold every dead letter exactly once"
import json, sys
n = int(sys.argv[1])
seen = {}
for line in open("got.jsonl"):
    r = json.loads(line)
    i = int(r["key"][1:])
    h = {x["key"]: x["value"] for x in r["headers"]}
    assert r["partition"] == i % 4 and r["value"] == "v%d" % i and h["evt_redrive_count"] == "1", r
    seen[i] = seen.get(i, 0) + 1
doubled = [k for k, c in seen.items() if c > 1]
missing = n - len(seen)
if doubled or missing:
    print("records %d, distinct %d, doubled %d (e.g. %s), missing %d" % (
        sum(seen.values()), len(seen), len(doubled), doubled[:3], missing), file=sys.stderr)
    sys.exit(1)
PY
expect_eq "$("$EVT" tail orders.DLT -e -o jsonl 2>/dev/null | wc -l)" "$N" "dead letters kept (retention)"
run_evt dlq ls orders.DLT -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending, .checkpoint]')" "[$N,0,true]" "checkpoint at the end"
exit 0
