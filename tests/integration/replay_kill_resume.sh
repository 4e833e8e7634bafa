# Nothing lost, nothing doubled: a replay of 50,000 records is SIGKILLed at
# six different moments (one before its first checkpoint) and resumed with
# the same run id; then another run has the sandbox's broker taken down and
# brought back while it copies, and a third is interrupted (SIGINT) while
# the broker is down and resumed once it is back. Each destination then
# holds every selected record exactly once, checked by provenance
# (evt_replay_src).
. "$EVT_SRC/tests/integration/lib.sh"
S=$(unique_topic ks)
D=$(unique_topic kd)
D2=$(unique_topic kd2)
D3=$(unique_topic kd3)
start_sandbox --topic "$S:4" --topic "$D:4" --topic "$D2:3" --topic "$D3:4"
N=50000

python3 - "$N" > in.jsonl <<'PY'
import json, sys
for i in range(int(sys.argv[1])):
    print(json.dumps({"partition": i % 4, "key": "k%d" % i, "value": "v%d" % i}))
PY
run_evt --timeout 60 publish -t "$S" --keep partition -f in.jsonl
expect_rc 0 "publish"

# check_exactly_once TOPIC: every source record is in TOPIC exactly once,
# with its own key and value.
check_exactly_once() {
  timeout 60 "$EVT" tail "$1" -e -o jsonl 2>/dev/null > dest.jsonl
  python3 - "$S" "$N" dest.jsonl <<'PY' || fail "destination $1 is not exactly the source"
import json, sys
src, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seen = {}
for line in open(path):
    r = json.loads(line)
    h = {x["key"]: x["value"] for x in r["headers"]}
    prov = h["evt_replay_src"]
    seen[prov] = seen.get(prov, 0) + 1
    topic, rest = prov.rsplit("/", 1)
    p, o = map(int, rest.split("@"))
    i = o * 4 + p
    assert topic == src and r["key"] == "k%d" % i and r["value"] == "v%d" % i, (prov, r["key"], r["value"])
doubled = [k for k, c in seen.items() if c > 1]
missing = n - len(seen)
if doubled or missing:
    print("records: %d, distinct: %d, doubled: %d (e.g. %s), missing: %d" % (
        sum(seen.values()), len(seen), len(doubled), doubled[:3], missing), file=sys.stderr)
    sys.exit(1)
PY
}

# Kill at increasing moments; each attempt resumes the previous one.
kills=0
for delay in 0.05 0.7 1.3 1.9 2.5 3.1; do
  "$EVT" replay "$S" --to "$D" --run-id kill1 --rate 5000/s >"attempt.out" 2>"attempt.err" &
  pid=$!
  sleep "$delay"
  if kill -KILL "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$pid" 2>/dev/null
done
[ "$kills" -ge 5 ] || fail "only $kills attempts were still running when killed"
run_evt --timeout 60 replay "$S" --to "$D" --run-id kill1 -o json
expect_rc 0 "final attempt"
expect_eq "$(echo "$OUT" | jq -c '.resumed')" true "final attempt resumed"
check_exactly_once "$D"

# Broker down and up while copying (the sandbox has one broker: source,
# group coordinator and destination all pause).
"$EVT" --timeout 30 replay "$S" --to "$D2" --run-id down1 --rate 25000/s -o json >down.out 2>down.err &
pid=$!
sleep 0.8
run_evt sandbox ctl down 1
expect_rc 0
sleep 1.5
run_evt sandbox ctl up 1
expect_rc 0
wait "$pid"
rc=$?
[ "$rc" = 0 ] || fail "replay across the broker outage ended with $rc: $(cat down.err)"
expect_eq "$(jq -c '[.written, .already_written]' down.out)" "[$N,0]" "outage run counts"
check_exactly_once "$D2"

# Ctrl-C while the broker is down: bounded by about three times --timeout
# (waiting for acknowledgements, then for the checkpoint commit; librdkafka
# alone would hold the exit for its session timeout, 45 s), exit 3, and
# the resumed run is exact.
"$EVT" --timeout 3 replay "$S" --to "$D3" --run-id int1 --rate 5000/s >int.out 2>int.err &
pid=$!
sleep 1
run_evt sandbox ctl down 1
expect_rc 0
sleep 0.5
kill -INT "$pid"
wait_exit "$pid" int 20
[ "$RC" = 3 ] || fail "interrupted replay during the outage ended with $RC: $(cat int.err)"
expect_contains "$(cat int.err)" "resume an interrupted run with --run-id int1"
run_evt sandbox ctl up 1
expect_rc 0
run_evt --timeout 60 replay "$S" --to "$D3" --run-id int1 -o json
expect_rc 0 "resumed after the interrupted outage"
check_exactly_once "$D3"
exit 0
