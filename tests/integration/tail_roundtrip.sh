# evt tail -o jsonl → evt publish → evt tail -o jsonl is byte for byte the
# same (topic name aside), for records written by another client (kcat):
# headers (duplicates, empty), NULL and empty values, binary keys and values.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
"$EVT" publish --help >/dev/null 2>&1 || skip "evt publish is not available in this build"
A=$(unique_topic rt-a)
B=$(unique_topic rt-b)
start_sandbox --topic "$A:2" --topic "$B:2"

printf 'k1\t{"id":1}\n' | timeout 20 kcat -P -b "$BROKERS" -t "$A" -p 0 -K '\t' -H a=1 -H a=2 -H e= || fail kcat
printf 'k2\t\n' | timeout 20 kcat -P -b "$BROKERS" -t "$A" -p 1 -K '\t' -Z || fail kcat
printf 'k3\t\n' | timeout 20 kcat -P -b "$BROKERS" -t "$A" -p 1 -K '\t' || fail kcat
printf '\377\001\tbinary \200 value\n' | timeout 20 kcat -P -b "$BROKERS" -t "$A" -p 0 -K '\t' || fail kcat
printf 'k5\tline with \\ backslash and "quotes" and \033 escape \342\202\254\n' |
  timeout 20 kcat -P -b "$BROKERS" -t "$A" -p 0 -K '\t' -H 'ce_type=T' || fail kcat

run_evt tail "$A" -e -p 0 -o jsonl
expect_rc 0
first_p0="$OUT"
run_evt tail "$A" -e -p 1 -o jsonl
expect_rc 0
printf '%s\n%s\n' "$first_p0" "$OUT" > a.jsonl
expect_eq "$(wc -l < a.jsonl | tr -d ' ')" 5 "captured lines"

run_evt publish -t "$B" --keep partition,timestamp -f a.jsonl
expect_rc 0 "publish of the capture"

run_evt tail "$B" -e -p 0 -o jsonl
second_p0="$OUT"
run_evt tail "$B" -e -p 1 -o jsonl
printf '%s\n%s\n' "$second_p0" "$OUT" > b.jsonl
sed "s/\"topic\":\"$A\"/\"topic\":\"$B\"/" a.jsonl > a-as-b.jsonl
cmp a-as-b.jsonl b.jsonl || fail "round trip differs: $(diff a-as-b.jsonl b.jsonl)"
exit 0
