# evt replay --from-file: a capture from `evt tail --out` replays with key,
# value and headers intact; --redact replaces exactly the named fields with
# HMAC-SHA256 (the same for the same key, different for another key); a
# SIGKILLed capture replay resumes by input line, exactly once; a bad line
# stops with exit 4 naming file:line.
. "$EVT_SRC/tests/integration/lib.sh"
S=$(unique_topic cs)
D1=$(unique_topic cd1)
D2=$(unique_topic cd2)
D3=$(unique_topic cd3)
D4=$(unique_topic cd4)
start_sandbox --topic "$S:2" --topic "$D1:2" --topic "$D2:2" --topic "$D3:2" --topic "$D4:2"

python3 - > in.jsonl <<'PY'
import json
for i in range(6):
    print(json.dumps({"partition": i % 2, "key": "cust-%d" % i,
                      "value": json.dumps({"card": {"number": "41111111%08d" % i, "exp": "12/30"}, "n": i}),
                      "headers": [{"key": "email", "value": "u%d@example.com" % i}, {"key": "trace", "value": "t%d" % i}]}))
PY
run_evt publish -t "$S" --keep partition --allow-pii -f in.jsonl
expect_rc 0 "publish"
run_evt tail "$S" -e --out cap.jsonl
expect_rc 0 "capture"
expect_eq "$(wc -l < cap.jsonl | tr -d ' ')" 6 "captured lines"

printf 'first-key\n' > k1
printf 'second-key\n' > k2
redact=(--redact card.number --redact key --redact header:email)

# Plain replay: everything intact, provenance = capture line.
run_evt replay --from-file cap.jsonl --to "$D1" --run-id plain
expect_rc 0 "plain capture replay"
expect_contains "$ERR" "evt: wrote 6 record(s)"
"$EVT" tail "$D1" -e -o jsonl 2>/dev/null > d1.jsonl
python3 - cap.jsonl d1.jsonl <<'PY' || fail "plain copy differs from the capture"
import json, sys
cap = [json.loads(l) for l in open(sys.argv[1])]
out = [json.loads(l) for l in open(sys.argv[2])]
assert len(out) == 6, len(out)
lines = set()
for r in out:
    h = [x for x in r["headers"] if not x["key"].startswith("evt_replay")]
    src = [x["value"] for x in r["headers"] if x["key"] == "evt_replay_src"]
    assert len(src) == 1 and src[0].startswith("cap.jsonl/0@"), src
    n = int(src[0].split("@")[1])
    lines.add(n)
    c = cap[n - 1]
    assert (r["key"], r["value"], h, r["partition"]) == (c["key"], c["value"], c["headers"], c["partition"]), (r, c)
assert lines == set(range(1, 7)), lines
PY
expect_eq "$(ls cap.jsonl.evt-replay-plain.state)" "cap.jsonl.evt-replay-plain.state" "state file next to the capture"
# The same run id into another topic: refused, both named, nothing written.
run_evt replay --from-file cap.jsonl --to "$D2" --run-id plain
expect_rc 2 "capture run resumed into another topic"
expect_contains "$ERR" "evt: error: run 'plain' copies into '$D1', not into '$D2'" "capture: both topics named"
expect_eq "$("$EVT" tail "$D2" -e -o jsonl 2>/dev/null | wc -l)" 0 "capture: refused resume wrote nothing"

# Redacted with k1 (file) into D2 and D3 (environment), k2 into D4.
run_evt replay --from-file cap.jsonl --to "$D2" "${redact[@]}" --redact-key-file k1
expect_rc 0 "redacted replay"
EVT_REDACT_KEY=first-key run_evt replay --from-file cap.jsonl --to "$D3" "${redact[@]}"
expect_rc 0 "redacted replay, key from the environment"
run_evt replay --from-file cap.jsonl --to "$D4" "${redact[@]}" --redact-key-file k2
expect_rc 0 "redacted replay, another key"

# Expected values computed independently (Python's hmac).
fields() {
  "$EVT" tail "$1" -e -o jsonl 2>/dev/null | jq -c '[.key, (.value | fromjson | [.card.number, .card.exp, .n]),
     [.headers[] | select(.key | startswith("evt_replay") | not) | .value]]' | sort
}
python3 - first-key > expected.txt <<'PY'
import hmac, hashlib, json, sys
k = sys.argv[1].encode()
h = lambda s: hmac.new(k, s.encode(), hashlib.sha256).hexdigest()
rows = []
for i in range(6):
    rows.append(json.dumps([h("cust-%d" % i), [h("41111111%08d" % i), "12/30", i],
                            [h("u%d@example.com" % i), "t%d" % i]], separators=(",", ":")))
print("\n".join(sorted(rows)))
PY
expect_eq "$(fields "$D2")" "$(cat expected.txt)" "exactly the named fields replaced by HMAC-SHA256"
expect_eq "$(fields "$D3")" "$(fields "$D2")" "same key, same output"
[ "$(fields "$D4")" != "$(fields "$D2")" ] || fail "another key must give other values"
expect_eq "$(fields "$D4" | jq -c '.[1][1:]' | sort -u | wc -l)" 6 "unredacted fields intact with another key"

run_evt replay --from-file cap.jsonl --to "$D4" --redact key --run-id nokey
expect_rc 2
expect_contains "$ERR" "evt: error: --redact needs a key"

# Kill and resume by input line: 20,000 lines, killed twice, then finished.
python3 - > big.jsonl <<'PY'
import json
for i in range(20000):
    print(json.dumps({"partition": i % 2, "key": "k%d" % i, "value": "v%d" % i}))
PY
for delay in 0.4 0.9; do
  "$EVT" replay --from-file big.jsonl --to "$D1" --run-id big --rate 10000/s >/dev/null 2>kill.err &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2>/dev/null || fail "the capture replay ended before it was killed"
  wait "$pid" 2>/dev/null
done
run_evt --timeout 60 replay --from-file big.jsonl --to "$D1" --run-id big -o json
expect_rc 0 "resumed capture replay"
expect_eq "$(echo "$OUT" | jq -c .resumed)" true
"$EVT" tail "$D1" -e -o jsonl 2>/dev/null | jq -r '.headers[] | select(.key=="evt_replay_src") | .value' |
  grep '^big.jsonl/' | sort | uniq -c | awk '$1 != 1 {bad++} END {print NR, bad+0}' > counts.txt
expect_eq "$(cat counts.txt)" "20000 0" "every line exactly once"

# A line that is not a record line: exit 4 naming file:line.
printf '{"value":"ok"}\nnot json\n' > bad.jsonl
run_evt replay --from-file bad.jsonl --to "$D1" --run-id bad
expect_rc 4
expect_contains "$ERR" "evt: error: bad.jsonl:2: "
exit 0
