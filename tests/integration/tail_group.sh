# evt tail -g GROUP joins the group and commits what it read, so the next
# run with the same group reads only what is new. (A group's first join takes ~3 s on the sandbox, and
# its coordinator forgets a member only when its session times out, even
# after LeaveGroup, as with kcat -G: a short session keeps the rejoin short.)
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
T=$(unique_topic grp)
start_sandbox --topic "$T:2"
seq 1 5 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
seq 6 8 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 1 || fail kcat

run_evt --timeout 40 -X session.timeout.ms=6000 tail "$T" -g g1 -e -f '%s\n'
expect_rc 0 "first group read"
expect_eq "$(printf '%s\n' "$OUT" | sort -n | tr '\n' ' ')" "1 2 3 4 5 6 7 8 " "first read: everything"
expect_eq "$ERR" "" "stderr"

seq 9 10 | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail kcat
run_evt --timeout 40 -X session.timeout.ms=6000 tail "$T" -g g1 -e -f '%s\n'
expect_rc 0 "second group read"
expect_eq "$OUT" "$(printf '9\n10')" "second read: only what the group had not read"

# Nothing new: -e must end on the end-of-partition event, which -X cannot
# turn off (without it the read never ended).
run_evt --timeout 40 -X session.timeout.ms=6000 -X enable.partition.eof=false tail "$T" -g g1 -e -f '%s\n'
expect_rc 0 "third group read"
expect_eq "$OUT" "" "third read: nothing new"
expect_eq "$ERR" "" "third read: stderr"

run_evt tail "$T" -g g1 -s 3:4
expect_rc 2
expect_eq "$(printf '%s\n' "$ERR" | head -n 1)" "evt: error: with -g, reading starts at the group's committed offsets" "ranges need no group"
exit 0
