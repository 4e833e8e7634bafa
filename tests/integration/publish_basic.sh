# evt publish: records from a file arrive in order per key with the right
# keys, headers and values; keys land where murmur2 (Java) says; single
# events from flags; dry runs; usage errors.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox --topic orders:4 --topic keys:7
command -v kcat >/dev/null || skip "kcat not installed"
consume() { timeout 20 kcat -C -b "$BROKERS" -t "$1" -o beginning -e -q "${@:2}"; }

# 300 record lines, 20 keys, a sequence header and value per line
for i in $(seq 1 300); do
  printf '{"key":"k%d","value":"v%d","headers":[{"key":"seq","value":"%d"},{"key":"dup","value":"x"},{"key":"dup","value":"y"}]}\n' \
    $((i % 20)) "$i" "$i"
done > in.jsonl
run_evt publish -t orders -f in.jsonl
expect_rc 0
expect_eq "$OUT" "" "stdout of publish"
expect_contains "$ERR" "evt: sent 300, rejected 0, failed 0 in "
consume orders -f '%p %k %s %h\n' > got.txt
expect_eq "$(wc -l < got.txt)" 300 "records read back"
# every record: value matches its seq header, headers in order with duplicates
bad=$(awk '{ split($4, h, ","); if ("v" substr(h[1], 5) != $3 || h[2] != "dup=x" || h[3] != "dup=y") print }' got.txt)
expect_eq "$bad" "" "records whose value/headers do not match"
# per key: one partition, values in input order
for k in $(seq 0 19); do
  parts=$(awk -v k="k$k" '$2 == k { print $1 }' got.txt | sort -u)
  expect_eq "$(echo "$parts" | wc -l)" 1 "partitions of key k$k"
  seqs=$(awk -v k="k$k" '$2 == k { print substr($3, 2) }' got.txt | tr '\n' ' ')
  expect_eq "$seqs" "$(seq 1 300 | awk -v k="$k" '$1 % 20 == k' | tr '\n' ' ')" "order of key k$k"
  expect_eq "$parts" "$("$EVT" partition-of "k$k" -n 4)" "partition of k$k"
done

# exact bytes: a record line's JSON value arrives as written (order, digits),
# a plain line byte for byte, and a number no double holds is still JSON
printf '%s\n' '{"key":"x1","value":{"id":12345678901234567890123,"amount":0.1}}' \
  '{"big": 1e400,  "a":[0.10]}' > exact.jsonl
run_evt publish -t exact -f exact.jsonl
expect_rc 0
expect_contains "$ERR" "evt: sent 2, rejected 0, failed 0 in "
expect_eq "$(consume exact -f '%s\n')" '{"id":12345678901234567890123,"amount":0.1}
{"big": 1e400,  "a":[0.10]}'

# murmur2: the conventions' test vectors, and a few hundred keys on 7 partitions
run_evt partition-of kafka giberish123456789 1234 "" -n 1000003
expect_rc 0
expect_eq "$OUT" "$(printf '%s\n' $(( (0xd067cf64 & 0x7fffffff) % 1000003 )) $(( (0x8f552b0c & 0x7fffffff) % 1000003 )) \
  $(( (0x9fc97b14 & 0x7fffffff) % 1000003 )) $(( (0x106e08d9 & 0x7fffffff) % 1000003 )))"
run_evt -o json partition-of kafka -n 4
expect_contains "$OUT" '"murmur2": "0xd067cf64"'
keys=()
for i in $(seq 1 300); do keys+=("key-$i-$RANDOM"); done
printf '{"key":"%s","value":"x"}\n' "${keys[@]}" > keys.jsonl
run_evt publish -t keys -f keys.jsonl
expect_rc 0
consume keys -f '%k %p\n' | sort > actual.txt
run_evt partition-of "${keys[@]}" -t keys
expect_rc 0
paste -d ' ' <(printf '%s\n' "${keys[@]}") <(echo "$OUT") | sort > expected.txt
expect_eq "$(wc -l < actual.txt)" 300 "keyed records read back"
expect_eq "$(cat actual.txt)" "$(cat expected.txt)" "partition of every key"

# a single event from flags; 'name' alone is a NULL header
run_evt publish -t single --data 'hello world' -k k1 -H a=1 -H a=2 -H e= -H n
expect_rc 0
expect_contains "$ERR" "evt: sent 1, rejected 0, failed 0 in "
expect_eq "$(consume single -f '%k|%s|%h\n')" "k1|hello world|a=1,a=2,e=,n=NULL"
printf 'two\nlines\n' > data.bin
run_evt publish -t single --data-file data.bin -p 2
expect_rc 0
expect_eq "$(consume single -p 2 -f '%S:%s|')" "10:two
lines
|"

# a dry run prints record lines and sends nothing
run_evt publish -t nowhere --dry-run --data '{"a":1}' -k k
expect_rc 0
expect_eq "$OUT" '{"topic":"nowhere","partition":-1,"offset":-1,"key":"k","value":"{\"a\":1}","headers":[]}'
expect_eq "$ERR" "evt: dry run: would send 1, rejected 0"

# usage errors (exit 2)
run_evt publish -t orders --key a --key-field data.id --data x
expect_rc 2
expect_eq "$ERR" "evt: error: --key and --key-field both give the key; use one"
run_evt publish -t orders -f missing.jsonl
expect_rc 2
expect_eq "$ERR" "evt: error: cannot open 'missing.jsonl': No such file or directory"
run_evt publish -t orders -p 9 --data x
expect_rc 2
expect_contains "$ERR" "evt: error: topic 'orders' has 4 partition(s); -p 9 does not exist"
run_evt publish -t orders --traceparent nope --type T --data x
expect_rc 2
expect_contains "$ERR" "is not a W3C traceparent"
# --rate per second, minute or hour; anything else is a usage error.
printf '{"r":1}\n{"r":2}\n{"r":3}\n' > rate.jsonl
run_evt publish -t keys -f rate.jsonl --rate 1200/m
expect_rc 0 "--rate N/m"
expect_contains "$ERR" "evt: sent 3, rejected 0, failed 0"
run_evt publish -t keys --data x --rate 36000/h
expect_rc 0 "--rate N/h"
run_evt publish -t keys --data x --rate 5/d
expect_rc 2
expect_contains "$ERR" "evt: error: --rate '5/d' is not a rate"
# -t names a topic that must exist: asking never creates it.
run_evt partition-of k -t no-such-topic
expect_rc 2
expect_contains "$ERR" "evt: error: topic 'no-such-topic' does not exist"
run_evt topics list
expect_not_contains "$OUT" "no-such-topic"
expect_eq "$("$EVT" partition-of k -t keys)" "$("$EVT" partition-of k -n 7)" "partition-of -t reads the count"
run_evt partition-of k
expect_rc 2
expect_eq "$ERR" "evt: error: partition-of needs --partitions N or -t TOPIC"

# A dry run prints each line as it comes, not at the end of the input
# (both threading modes): the first line shows while the FIFO stays open.
for mode in "" --one-thread; do
  rm -f slow.fifo dry.out
  mkfifo slow.fifo
  # shellcheck disable=SC2086
  "$EVT" publish -t keys --dry-run -f slow.fifo $mode >dry.out 2>/dev/null &
  DRY=$!
  exec 3>slow.fifo
  echo '{"n":1}' >&3
  for _ in $(seq 1 100); do
    grep -q '"n\\":1' dry.out 2>/dev/null && break
    sleep 0.1
  done
  expect_contains "$(cat dry.out)" '{\"n\":1}' "dry run line shown before the input ends ($mode)"
  echo '{"n":2}' >&3
  exec 3>&-
  wait "$DRY"
  expect_eq "$(wc -l <dry.out)" 2 "dry run lines ($mode)"
done
echo ok
