# evt replay: an offset range and a time window copy exactly the selected
# records with key, value and headers intact and provenance added; filters;
# timestamps new or kept; a dry run writes and commits nothing; a finished
# run is not repeated; a topic is not replayed into itself by accident.
. "$EVT_SRC/tests/integration/lib.sh"
S=$(unique_topic rs)
D=$(unique_topic rd)
D1=$(unique_topic rd1)
start_sandbox --topic "$S:2" --topic "$D:2" --topic "$D1:1"

# 5 records in partition 0, 3 in partition 1, timestamps 1000000000000 + i s.
python3 - > in.jsonl <<'PY'
import json
for i in range(8):
    p = 0 if i < 5 else 1
    print(json.dumps({"partition": p, "timestamp": 1000000000000 + i * 1000, "key": "k%d" % i,
                      "value": json.dumps({"i": i, "kind": "even" if i % 2 == 0 else "odd"}),
                      "headers": [{"key": "h", "value": "v%d" % i}, {"key": "h", "value": None}]}))
PY
run_evt publish -t "$S" --keep partition,timestamp -f in.jsonl
expect_rc 0 "publish"

# What the destination holds, one line per record: source, key, value, headers, timestamp kept?
dest_lines() {
  "$EVT" tail "$1" -e -o jsonl 2>/dev/null | jq -c '[ .partition, .offset, .key, .value,
      [.headers[] | select(.key | startswith("evt_replay") | not)],
      ([.headers[] | select(.key == "evt_replay_src") | .value] | join(",")),
      ([.headers[] | select(.key == "evt_replay_run") | .value] | join(",")),
      (.timestamp < 1500000000000 | if . then "old-ts" else "new-ts" end) ]' | sort
}

run_evt replay "$S" --to "$D" -p 0 -s 1:4 --run-id basic1
expect_rc 0 "offset range"
expect_contains "$ERR" "evt: run id basic1 (resume an interrupted run with --run-id basic1)"
expect_contains "$ERR" "evt: wrote 3 record(s) ("
expect_contains "$ERR" "run id basic1 (checkpoint: group evt-replay-basic1)"
expect_eq "$OUT" "" "stdout of a text run"
expect_eq "$(dest_lines "$D")" \
"[0,0,\"k1\",\"{\\\"i\\\": 1, \\\"kind\\\": \\\"odd\\\"}\",[{\"key\":\"h\",\"value\":\"v1\"},{\"key\":\"h\",\"value\":null}],\"$S/0@1\",\"basic1\",\"new-ts\"]
[0,1,\"k2\",\"{\\\"i\\\": 2, \\\"kind\\\": \\\"even\\\"}\",[{\"key\":\"h\",\"value\":\"v2\"},{\"key\":\"h\",\"value\":null}],\"$S/0@2\",\"basic1\",\"new-ts\"]
[0,2,\"k3\",\"{\\\"i\\\": 3, \\\"kind\\\": \\\"odd\\\"}\",[{\"key\":\"h\",\"value\":\"v3\"},{\"key\":\"h\",\"value\":null}],\"$S/0@3\",\"basic1\",\"new-ts\"]" "offset range copied"

# The same run again: already complete, nothing written.
run_evt replay "$S" --to "$D" -p 0 -s 1:4 --run-id basic1 -o json
expect_rc 0
expect_eq "$(echo "$OUT" | jq -c '[.already_complete, .written]')" "[true,0]" "finished run is not repeated"
expect_eq "$(dest_lines "$D" | wc -l)" 3 "still 3 records"

# A time window [1000000002000, 1000000006000) over both partitions, kept
# timestamps, a filter, into a 1-partition topic (mapping by key), JSON counts.
run_evt -v replay "$S" --to "$D1" -s @1000000002000:1000000006000 --keep-timestamps --where 'kind == "even"' -o json
expect_rc 0 "time window"
# The sandbox cannot describe topic configs: no retention warning, a note with -v.
expect_contains "$ERR" "evt: kept timestamps are not checked against the retention of '$D1': cannot describe the configuration of '$D1': Local: Required feature not supported by broker" "retention note"
expect_not_contains "$ERR" "warning" "kept timestamps on the sandbox"
expect_eq "$(echo "$OUT" | jq -c '[.read, .selected, .written, .filtered_out, .partition_by]')" '[4,2,2,2,"key"]' "window counts"
expect_eq "$(dest_lines "$D1" | jq -c '[.[2], .[5], .[7]]' | tr '\n' ' ')" \
  "[\"k2\",\"$S/0@2\",\"old-ts\"] [\"k4\",\"$S/0@4\",\"old-ts\"] " "window: even records with kept timestamps"
expect_eq "$("$EVT" tail "$D1" -e -o jsonl 2>/dev/null | jq -c .timestamp | tr '\n' ' ')" "1000000002000 1000000004000 " "timestamps kept exactly"

# Dry run: counts and a sample on stdout, nothing written, nothing committed.
run_evt replay "$S" --to "$D" --dry-run --run-id dry1 --grep even
expect_rc 0 "dry run"
expect_eq "$(echo "$OUT" | head -n 3 | tr -s ' ')" "SOURCE FROM UNTIL READ SELECTED TO
$S/0 0 5 5 3 0
$S/1 0 3 3 1 1" "dry run counts"
expect_eq "$(echo "$OUT" | grep -c '"evt_replay_run","value":"dry1"')" 4 "sample lines with provenance"
expect_eq "$(dest_lines "$D" | wc -l)" 3 "dry run wrote nothing"
run_evt replay "$S" --to "$D" --run-id dry1 --grep even -o json
expect_eq "$(echo "$OUT" | jq -c '[.resumed, .written]')" "[false,4]" "dry run committed nothing"

# --no-provenance: no headers added.
run_evt replay "$S" --to "$D1" -p 1 --no-provenance
expect_rc 0
expect_contains "$ERR" "evt: warning: --no-provenance"
expect_eq "$("$EVT" tail "$D1" -e -p 0 -s 2 -o jsonl 2>/dev/null | jq -c '[.headers[].key] | join(",")' | sort -u)" '"h,h"' "no provenance headers"

# A run resumed into another destination topic or mapping is refused (exit
# 2), naming both; its checkpoint names where it copies.
held=$(dest_lines "$D" | wc -l)
run_evt replay "$S" --to "$D1" -p 0 -s 1:4 --run-id basic1
expect_rc 2 "resume into another topic"
expect_contains "$ERR" "evt: error: run 'basic1' copies into '$D', not into '$D1'" "other topic named"
expect_contains "$ERR" "resume it with --to $D, or give the copy into '$D1' another --run-id"
run_evt replay "$S" --to "$D" -p 0 -s 1:4 --run-id basic1 --partition-by key
expect_rc 2 "resume with another mapping"
expect_contains "$ERR" \
  "evt: error: run 'basic1' copies into '$D' with --partition-by same, not into '$D' with --partition-by key" "other mapping named"
expect_eq "$(dest_lines "$D" | wc -l)" "$held" "refused resumes wrote nothing"
expect_eq "$(dest_lines "$D1" | grep -c '"basic1"')" 0 "nothing of basic1 in the other topic"

# Refusals: into itself; same partition numbers that do not exist.
run_evt replay "$S" --to "$S"
expect_rc 2
expect_eq "$(echo "$ERR" | head -n 1)" "evt: error: refusing to replay '$S' into itself"
run_evt replay "$S" --to "$D1" --partition-by same
expect_rc 2
expect_contains "$ERR" "evt: error: --partition-by same needs partition 1 in '$D1', which has 1 partition(s)"
run_evt replay "$S" --to "$D" --rate 5/x
expect_rc 2
expect_contains "$ERR" "--rate '5/x' is not a rate"
run_evt replay "$S"
expect_rc 2
expect_contains "$ERR" "evt replay needs source topics and --to DEST"
exit 0
