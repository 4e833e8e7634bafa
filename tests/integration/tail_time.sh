# evt tail: time positions on the sandbox, whose offsets-for-times always
# answers -1, go through the binary search on record timestamps (said with -v).
. "$EVT_SRC/tests/integration/lib.sh"
"$EVT" publish --help >/dev/null 2>&1 || skip "evt publish is needed to write timestamps"
T=$(unique_topic time)
start_sandbox --topic "$T:2"

# 40 records per partition; record i has timestamp 2026-01-01T00:00:00Z + i minutes.
base=1767225600000
for i in $(seq 0 79); do
  printf '{"partition":%d,"timestamp":%d,"key":"k%d","value":"v%d"}\n' $((i % 2)) $((base + i * 60000)) "$i" "$i"
done > in.jsonl
run_evt publish -t "$T" --keep partition,timestamp -f in.jsonl
expect_rc 0 "publish"

# Partition 0 holds even i at offset i/2, partition 1 odd i at offset (i-1)/2.
run_evt -v tail "$T" -s @2026-01-01T01:10:00Z -e -f '%p:%o %s\n'
expect_rc 0
expect_eq "$(printf '%s\n' "$OUT" | sort -t: -k1,1n -k2,2n | head -n 2 | tr '\n' ' ')" "0:35 v70 0:36 v72 " "start of partition 0"
expect_eq "$(printf '%s\n' "$OUT" | grep -c '^1:')" 5 "partition 1 from offset 35"
expect_eq "$(printf '%s\n' "$OUT" | grep '^1:' | head -n 1)" "1:35 v71" "first of partition 1"
expect_contains "$ERR" "evt: offsets-for-times gave no offset for 2 partition(s); found them by binary search on record timestamps" "-v says the fallback was used"

# A window between two times (end excluded), with unix seconds and RFC 3339 with an offset.
run_evt tail "$T" -s @1767225900:2026-01-01T01:08:00+01:00 -f '%s '
expect_rc 0
expect_eq "$ERR" "" "stderr without -v"
expect_eq "$(printf '%s' "$OUT" | tr ' ' '\n' | sort -V | tr '\n' ' ')" "v5 v6 v7 " "time window"

# @T:DURATION and a start between two records.
run_evt tail "$T" -s '@2026-01-01T00:30:30Z:2m' -f '%s '
expect_eq "$(printf '%s' "$OUT" | tr ' ' '\n' | sort -V | tr '\n' ' ')" "v31 v32 " "start plus a duration"

# A time after every record: nothing; before every record: everything.
run_evt tail "$T" -s @2030-01-01 -e -f '%s\n'
expect_rc 0
expect_eq "$OUT" "" "after the last record"
run_evt tail "$T" -s @2020-01-01 -e -f '%s\n'
expect_eq "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" 80 "before the first record"

# Fetches failing during the search: bounded by --timeout, said with a next step.
run_evt sandbox ctl fail Fetch 1000 NOT_LEADER_FOR_PARTITION
expect_rc 0 "fault injection"
run_evt --timeout 30 --timeout 2 tail "$T" -s @2026-01-01T00:30:00Z -e
expect_rc 3 "search with failing fetches"
expect_eq "$ERR" "$(printf '%s\n%s' \
  "evt: error: timed out after 2 s reading record timestamps for a time position (the broker's offsets-for-times gave none)" \
  "evt: hint: check that the brokers are up, or raise --timeout")" "search timeout message"
exit 0
