# evt tail: start/end positions return exactly the expected offsets; -e, -n, -p; errors.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
T=$(unique_topic pos)
start_sandbox --topic "$T:2"

# 10 records in partition 0, 6 in partition 1.
seq 0 9 | sed 's/^/v0-/' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
seq 0 5 | sed 's/^/v1-/' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 || fail "kcat -P"

# offsets SPEC [ARGS…]: the sorted "partition:offset" list evt prints.
offsets() {
  run_evt tail "$T" -f '%p:%o\n' "$@"
  expect_rc 0 "tail $*"
  expect_eq "$ERR" "" "stderr of tail $*"
  OUT=$(printf '%s\n' "$OUT" | sort -t: -k1,1n -k2,2n | tr '\n' ' ' | sed 's/ *$//')
}

offsets -e
expect_eq "$OUT" "0:0 0:1 0:2 0:3 0:4 0:5 0:6 0:7 0:8 0:9 1:0 1:1 1:2 1:3 1:4 1:5" "-e reads everything"
offsets -s beginning -e
expect_eq "$OUT" "0:0 0:1 0:2 0:3 0:4 0:5 0:6 0:7 0:8 0:9 1:0 1:1 1:2 1:3 1:4 1:5" "beginning"
offsets -s end -e
expect_eq "$OUT" "" "end with -e"
offsets -s 4 -e
expect_eq "$OUT" "0:4 0:5 0:6 0:7 0:8 0:9 1:4 1:5" "absolute offset"
offsets -s -3 -e
expect_eq "$OUT" "0:7 0:8 0:9 1:3 1:4 1:5" "last 3 per partition"
offsets -s +8 -e
expect_eq "$OUT" "0:8 0:9" "+8 from the log start"
offsets -s 2:5
expect_eq "$OUT" "0:2 0:3 0:4 1:2 1:3 1:4" "range N:M (M excluded) ends by itself"
offsets -s :2
expect_eq "$OUT" "0:0 0:1 1:0 1:1" ":N"
offsets -s 3:end -p 1
expect_eq "$OUT" "1:3 1:4 1:5" "N:end on one partition"
offsets -s 7 --end 9 -p 0
expect_eq "$OUT" "0:7 0:8" "--end"
offsets -s -2 -e -p 0,1
expect_eq "$OUT" "0:8 0:9 1:4 1:5" "-p list"
offsets -s beginning -e -p 0 -n 3
expect_eq "$OUT" "0:0 0:1 0:2" "-n stops at the count"

# Following (no -e) from the current end of partition 0 picks up new records.
timeout 20 "$EVT" tail "$T" -p 0 -s 10 -n 2 -f '%p:%o %s\n' >follow.out 2>follow.err &
follower=$!
sleep 0.5
printf 'new-a\nnew-b\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
wait "$follower"
expect_eq "$?" 0 "follow exit code"
expect_eq "$(cat follow.out)" "$(printf '0:10 new-a\n0:11 new-b')" "followed records"
expect_eq "$(cat follow.err)" "" "follow stderr"

# Errors are usage errors (2) that say what is wrong.
run_evt tail "$T" -s 5:2 -e
expect_rc 2
expect_eq "$ERR" "evt: error: invalid position '5:2': the end offset 2 is before the start offset 5" "bad range"
run_evt tail "$T" -s @someday -e
expect_rc 2
expect_eq "$(printf '%s\n' "$ERR" | head -n 1)" "evt: error: invalid time position '@someday'" "bad time"
run_evt tail "$T" -p 7 -e
expect_rc 2
expect_eq "$(printf '%s\n' "$ERR" | head -n 1)" "evt: error: topic '$T' has no partition 7 (it has 2)" "bad partition"
run_evt tail "no-such-topic-$$" -e
expect_rc 2
expect_contains "$ERR" "does not exist" "unknown topic"
run_evt tail "$T" -s 1:2 --end 5
expect_rc 2
expect_eq "$ERR" "evt: error: --end conflicts with the range given by --start '1:2'" "range and --end"
exit 0
