# evt dlq redrive --scale-out: three processes share a 6-partition
# dead-letter topic (20,000 Spring dead letters plus 600 over
# --max-redrives) through its checkpoint group evt-replay-dlq-<topic>; one
# is SIGKILLed while it re-drives and one joins mid-run. The survivors take
# the killed member's partitions over (resume scan of the original and the
# parking topic, no double write) and exit 0 once every partition is
# committed at its end. Each dead letter then arrives exactly once (checked
# by provenance and re-drive headers), each parked one is parked exactly
# once, and a re-run has nothing left. A short session timeout keeps the
# sandbox's hand-over of the killed member's partitions short.
. "$EVT_SRC/tests/integration/lib.sh"
/usr/bin/python3 -c "import kafka" 2>/dev/null || skip "python3-kafka is not installed"
start_sandbox --topic orders:6 --topic orders.DLT:6 --topic orders.DLT.parked:3
N=20000
PARKED=600
export DLQ_PARTITIONS=6 ORIGIN_PARTITIONS=6 DLQ_TRACE_FRAMES=1
PRODUCE="/usr/bin/python3 $EVT_SRC/tests/tools/dlq_produce.py"
$PRODUCE "$BROKERS" orders.DLT spring orders "$N" || fail "producing dead letters"
$PRODUCE "$BROKERS" orders.DLT spring orders "$PARKED" "$N" 3 || fail "producing dead letters to park"

run_evt dlq redrive orders.DLT --scale-out --exception OrderRejected
expect_rc 2 "filters with --scale-out"
expect_contains "$ERR" "evt: error: filters cannot be combined with --scale-out" "filters with --scale-out"

# member NAME: one process, 1000 records/s (so the run lasts long enough
# for the join and the kill to land mid-run).
member() {
  "$EVT" -X session.timeout.ms=3000 -X heartbeat.interval.ms=500 --timeout 20 \
    dlq redrive orders.DLT --scale-out --rate 1000/s -y -o json >"$1.out" 2>"$1.err" &
  PIDS+=("$!")
}

scale_out_churn '.redriven + .parked' "$((N + PARKED))"
expect_eq "$(jq -c '[.failed, .undecodable]' a.out)" '[0,0]' "member a counts"

# Exactly once, by provenance: record i came from orders.DLT partition
# i % 6 at offset i // 6.
timeout 60 "$EVT" tail orders -e -o jsonl 2>/dev/null >orders.jsonl
timeout 60 "$EVT" tail orders.DLT.parked -e -o jsonl 2>/dev/null >parked.jsonl
/usr/bin/python3 - "$N" "$PARKED" <<'PY' || fail "not every dead letter arrived exactly once"
import json, sys
n, parked = int(sys.argv[1]), int(sys.argv[2])
def check(path, want, is_parked):
    seen, bad = {}, 0
    for line in open(path):
        r = json.loads(line)
        h = {x["key"]: x.get("value") for x in r["headers"]}  # binary ones: value_b64
        i = int(r["key"][1:])
        seen[i] = seen.get(i, 0) + 1
        ok = (h.get("evt_replay_src") == "orders.DLT/%d@%d" % (i % 6, i // 6)
              and h.get("evt_replay_run") == "dlq-orders.DLT" and r["value"] == "v%d" % i)
        if is_parked:
            ok = ok and h.get("evt_redrive_parked") == "re-driven 3 time(s) already (--max-redrives 3)" \
                 and h.get("evt_redrive_count") == "3" and "kafka_dlt-exception-fqcn" in h
        else:
            ok = ok and r["partition"] == i % 6 and h.get("evt_redrive_count") == "1" \
                 and not any(k.startswith("kafka_dlt-") for k in h)
        bad += 0 if ok else 1
    dups = sum(c - 1 for c in seen.values() if c > 1)
    missing = len(set(want) - set(seen))
    extra = len(set(seen) - set(want))
    print("%s: records %d distinct %d duplicates %d missing %d extra %d mismatched %d" % (
        path, sum(seen.values()), len(seen), dups, missing, extra, bad), file=sys.stderr)
    return not (dups or missing or extra or bad)
ok = check("orders.jsonl", range(n), False)
ok = check("parked.jsonl", range(n, n + parked), True) and ok
sys.exit(0 if ok else 1)
PY
run_evt dlq ls orders.DLT -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending, .checkpoint]')" "[$((N + PARKED)),0,true]" "checkpoint at the end"
run_evt dlq redrive orders.DLT
expect_rc 0 "re-run"
expect_eq "$ERR" "evt: orders.DLT: nothing to re-drive (checkpoint at the end)" "re-run"
exit 0
