# evt replay --group: every rewind option plans exactly, nothing changes
# without --execute, --execute moves the committed offsets exactly (checked
# by a group read too), CSV export and --from-file round trip; a time past
# the end resolves to the end; the sandbox cannot tell active members.
. "$EVT_SRC/tests/integration/lib.sh"
R=$(unique_topic rw)
G=grp-$$
start_sandbox --topic "$R:2"
python3 - > in.jsonl <<'PY'
import json
for i in range(10):
    print(json.dumps({"partition": 0, "timestamp": 1000000000000 + i * 1000, "value": "p0-%d" % i}))
for i in range(4):
    print(json.dumps({"partition": 1, "timestamp": 1000000000000 + i * 1000, "value": "p1-%d" % i}))
PY
run_evt publish -t "$R" --keep partition,timestamp -f in.jsonl
expect_rc 0 "publish"

printf '%s,0,5\n%s,1,2\n' "$R" "$R" > start.csv
run_evt replay --group "$G" --from-file start.csv --execute
expect_rc 0 "initial offsets from CSV"
expect_contains "$ERR" "evt: warning: the broker cannot say whether group '$G' has active members (no DescribeGroups): make sure none is running"
expect_contains "$ERR" "evt: moved group $G on 2 partition(s)"

# plan OPTIONS… → "current>new:effect" per partition, from -o json
plan() {
  run_evt -o json replay --group "$G" "$@"
  expect_rc 0 "plan $*"
  echo "$OUT" | jq -r '[.partitions[] | "\(.partition):\(.current)>\(.new):\(.effect)"] | join(" ")'
}
expect_eq "$(plan --to-earliest)" "0:5>0:re-reads 5 1:2>0:re-reads 2" "--to-earliest"
expect_eq "$(plan --to-latest)" "0:5>10:skips 5 1:2>4:skips 2" "--to-latest"
expect_eq "$(plan --to-offset 3)" "0:5>3:re-reads 2 1:2>3:skips 1" "--to-offset 3"
expect_eq "$(plan --to-offset 7)" "0:5>7:skips 2 1:2>4:skips 2" "--to-offset clamps to the log end"
expect_eq "$(plan --shift-by -2)" "0:5>3:re-reads 2 1:2>0:re-reads 2" "--shift-by -2"
expect_eq "$(plan --shift-by 3)" "0:5>8:skips 3 1:2>4:skips 2" "--shift-by +3"
expect_eq "$(plan --to-time 1000000003000)" "0:5>3:re-reads 2 1:2>3:skips 1" "--to-time"
expect_eq "$(plan --to-time 1000000003500)" "0:5>4:re-reads 1 1:2>4:skips 2" "--to-time between records, past p1's end"
expect_eq "$(plan --to-time 2030-01-01)" "0:5>10:skips 5 1:2>4:skips 2" "--to-time past the end: the end, not -1"
expect_eq "$(plan --by-duration 1h)" "0:5>10:skips 5 1:2>4:skips 2" "--by-duration past the end"
expect_eq "$(plan --by-duration 100000d)" "0:5>0:re-reads 5 1:2>0:re-reads 2" "--by-duration before the start"
expect_eq "$(plan --to-earliest -t "$R:1")" "1:2>0:re-reads 2" "-t TOPIC:PARTITIONS"
expect_eq "$(plan --to-offset 1 -t "$R")" "0:5>1:re-reads 4 1:2>1:re-reads 1" "-t TOPIC"

# Text plan and the note that nothing changed.
run_evt replay --group "$G" --to-latest
expect_rc 0
expect_contains "$OUT" "PARTITION"
expect_contains "$OUT" "$R/0"
expect_contains "$OUT" "skips 5"
expect_contains "$ERR" "evt: plan only: nothing changed (add --execute to apply)"
expect_eq "$(plan --to-latest)" "0:5>10:skips 5 1:2>4:skips 2" "nothing changed without --execute"

# --execute moves exactly.
run_evt replay --group "$G" --shift-by 3 -t "$R:0" --execute
expect_rc 0
expect_eq "$(plan --to-latest)" "0:8>10:skips 2 1:2>4:skips 2" "--execute moved partition 0 only"

# Export and import: the CSV of kafka-consumer-groups.
run_evt replay --group "$G" --to-offset 2 --export plan.csv
expect_rc 0
expect_eq "$(cat plan.csv)" "$(printf '%s,0,2\n%s,1,2' "$R" "$R")" "exported CSV"
expect_eq "$(plan --to-latest)" "0:8>10:skips 2 1:2>4:skips 2" "export alone changes nothing"
run_evt replay --group "$G" --from-file plan.csv --execute
expect_rc 0
expect_eq "$(plan --to-latest)" "0:2>10:skips 8 1:2>4:skips 2" "imported CSV applied"

# Usage and input errors.
run_evt replay --group "$G" --to-earliest --to-latest
expect_rc 2
expect_contains "$ERR" "--group needs exactly one of"
printf '%s,zero,1\n' "$R" > bad.csv
run_evt replay --group "$G" --from-file bad.csv
expect_rc 4
expect_contains "$ERR" "evt: error: bad.csv:1: partition is not a number"
run_evt replay --group "$G" --to-time yesterday-ish
expect_rc 2
run_evt replay --group "$G" --to-earliest -t "$R:7"
expect_rc 2
expect_contains "$ERR" "has no partition 7"

# A group read starts where --execute put the offsets. While its member's
# session lasts, the broker refuses a rewind even though it cannot describe groups.
run_evt replay --group "$G" --to-offset 8 -t "$R:0" --execute
expect_rc 0
run_evt --timeout 40 -X session.timeout.ms=6000 tail "$R" -g "$G" -e -f '%s\n'
expect_rc 0 "group read"
expect_eq "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" "p0-8 p0-9 p1-2 p1-3 " "group read starts at the moved offsets"
run_evt --timeout 30 --timeout 1 replay --group "$G" --to-earliest --execute
expect_rc 2
expect_contains "$ERR" "evt: error: group '$G' has active members (evt joined the group and was given no partition within 1 s: "
# Once the departed member's session (6 s) is over, the same rewind goes
# through: evt retries the refused commit up to --timeout.
run_evt --timeout 40 --timeout 20 replay --group "$G" --to-earliest --execute
expect_rc 0 "rewind after the session expired"
expect_contains "$ERR" "evt: moved group $G on 2 partition(s)"
expect_eq "$(plan --to-latest)" "0:0>10:skips 10 1:0>4:skips 4" "committed offsets after the joined rewind"
exit 0
