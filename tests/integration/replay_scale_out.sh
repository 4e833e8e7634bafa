# Scale-out (issue 10): three `evt replay --scale-out` processes with one
# run id share a 12-partition source through the run's consumer group; one
# is SIGKILLed while it copies and one joins mid-run. The survivors take
# over the killed member's partitions (resume scan, no double write), wait
# until every partition of the run is committed at its end, and exit 0. The
# destination then holds every source record exactly once, checked by
# provenance (evt_replay_src). A short session timeout keeps the sandbox's
# hand-over of the killed member's partitions short.
. "$EVT_SRC/tests/integration/lib.sh"
S=$(unique_topic ss)
D=$(unique_topic sd)
start_sandbox --topic "$S:12" --topic "$D:12"
N=24000
P=12

python3 - "$N" "$P" >in.jsonl <<'PY'
import json, sys
n, p = int(sys.argv[1]), int(sys.argv[2])
for i in range(n):
    print(json.dumps({"partition": i % p, "key": "k%d" % i, "value": "v%d" % i,
                      "headers": [{"key": "h", "value": "x%d" % i}]}))
PY
run_evt --timeout 60 publish -t "$S" --keep partition -f in.jsonl
expect_rc 0 "publish"

# member NAME: one process of the run, 1000 records/s (so the run lasts
# long enough for the join and the kill to land mid-copy).
member() {
  "$EVT" -X session.timeout.ms=3000 -X heartbeat.interval.ms=500 --timeout 20 \
    replay "$S" --to "$D" --run-id so1 --scale-out --rate 1000/s -o json >"$1.out" 2>"$1.err" &
  PIDS+=("$!")
}

scale_out_churn .written "$N"

# Exactly once: count duplicates and missing records precisely.
timeout 60 "$EVT" tail "$D" -e -o jsonl 2>/dev/null >dest.jsonl
python3 - "$S" "$N" "$P" dest.jsonl <<'PY' || fail "destination is not exactly the source"
import json, sys
src, n, parts, path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
seen = {}
bad = 0
for line in open(path):
    r = json.loads(line)
    h = {x["key"]: x["value"] for x in r["headers"]}
    prov = h["evt_replay_src"]
    seen[prov] = seen.get(prov, 0) + 1
    topic, rest = prov.rsplit("/", 1)
    p, o = map(int, rest.split("@"))
    i = o * parts + p
    if not (topic == src and h.get("evt_replay_run") == "so1" and r["key"] == "k%d" % i
            and r["value"] == "v%d" % i and h.get("h") == "x%d" % i and r["partition"] == p):
        bad += 1
dups = sum(c - 1 for c in seen.values() if c > 1)
missing = n - len(seen)
print("records %d distinct %d duplicates %d missing %d mismatched %d" % (
    sum(seen.values()), len(seen), dups, missing, bad), file=sys.stderr)
sys.exit(1 if dups or missing or bad else 0)
PY
exit 0
