# evt tail output: records from another client (kcat: headers, NULL value),
# pretty/raw/template/jsonl, terminal escaping, --out capture, | head.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
T=$(unique_topic out)
start_sandbox --topic "$T:1"

# 0: key, two headers, NULL value (-Z turns the empty value into NULL)
printf 'k-0\t\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K '\t' -Z -H trace=abc -H empty= || fail "kcat -P"
# 1: JSON value, no key
printf '{"id":1,"name":"Ada"}\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
# 2: a value that tries to colour the terminal and set its title
printf 'k-2\t\033[31mred\033]0;title\007\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K '\t' || fail "kcat -P"
# 3: CloudEvents binary mode
printf 'k-3\t{"n":3}\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K '\t' \
  -H ce_specversion=1.0 -H ce_type=OrderPlaced -H ce_source=/shop -H ce_id=e-3 -H content-type=application/json ||
  fail "kcat -P"

strip_times() { sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/; s/"timestamp":[0-9]+,"timestamp_type":"create",//'; }

# jsonl is the default in a pipe: the record line, NULL value as null.
run_evt tail "$T" -e
expect_rc 0
expect_eq "$ERR" "" "jsonl stderr"
expect_eq "$(printf '%s\n' "$OUT" | strip_times)" "$(cat <<EXP
{"topic":"$T","partition":0,"offset":0,"key":"k-0","value":null,"headers":[{"key":"trace","value":"abc"},{"key":"empty","value":""}]}
{"topic":"$T","partition":0,"offset":1,"key":null,"value":"{\"id\":1,\"name\":\"Ada\"}","headers":[]}
{"topic":"$T","partition":0,"offset":2,"key":"k-2","value":"\u001b[31mred\u001b]0;title\u0007","headers":[]}
{"topic":"$T","partition":0,"offset":3,"key":"k-3","value":"{\"n\":3}","headers":[{"key":"ce_specversion","value":"1.0"},{"key":"ce_type","value":"OrderPlaced"},{"key":"ce_source","value":"/shop"},{"key":"ce_id","value":"e-3"},{"key":"content-type","value":"application/json"}]}
EXP
)" "jsonl lines"

# pretty: one block per record, escaped, CloudEvents attributes shown.
run_evt tail "$T" -e -o pretty
expect_rc 0
expect_eq "$(printf '%s\n' "$OUT" | strip_times)" "$(cat <<EXP
$T/0@0  TIME  key: k-0
  header trace: abc
  header empty: 
  (null)

$T/0@1  TIME
  {
    "id": 1,
    "name": "Ada"
  }

$T/0@2  TIME  key: k-2
  \\x1b[31mred\\x1b]0;title\\x07

$T/0@3  TIME  key: k-3
  cloudevent (binary)  type: OrderPlaced  source: /shop  id: e-3  specversion: 1.0  datacontenttype: application/json
  {
    "n": 3
  }
EXP
)" "pretty blocks"
case "$OUT" in *$'\033'*|*$'\007'*) fail "pretty output carries a raw control character" ;; esac

# kcat's template tokens.
run_evt tail "$T" -s 0:2 -f '%t|%p|%o|%k|%S|%K|%h\n'
expect_rc 0
expect_eq "$OUT" "$(printf '%s|0|0|k-0|-1|3|trace=abc,empty=\n%s|0|1||21|-1|' "$T" "$T")" "template"

# raw into a pipe is the bytes; raw on a terminal is escaped.
run_evt tail "$T" -s 2:3 -o raw
expect_eq "$OUT" "$(printf '\033[31mred\033]0;title\007')" "raw bytes in a pipe"
if command -v script >/dev/null; then
  TERM=xterm timeout 20 script -qec "\"$EVT\" tail \"$T\" -s 2:3 -o raw" /dev/null >tty.out 2>&1
  expect_eq "$(tr -d '\r' < tty.out)" '\x1b[31mred\x1b]0;title\x07' "raw on a terminal is escaped"
  TERM=xterm timeout 20 script -qec "\"$EVT\" --color never tail \"$T\" -s 2:3" /dev/null >tty2.out 2>&1
  expect_eq "$(tr -d '\r' < tty2.out | strip_times)" "$(printf '%s/0@2  TIME  key: k-2\n  \\x1b[31mred\\x1b]0;title\\x07\n' "$T")" \
    "pretty is the default on a terminal"
fi

# Binary values as hex or base64 on request.
printf '\001\002\377\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
run_evt tail "$T" -s 4:5 -o raw --binary hex
expect_eq "$OUT" "0102ff" "hex"
run_evt tail "$T" -s 4:5 -f '%s' --binary base64
expect_eq "$OUT" "AQL/" "base64"

# --out captures exactly the selected range as record lines.
run_evt tail "$T" -s 1:3 --out capture.jsonl
expect_rc 0
expect_eq "$OUT" "" "--out alone prints nothing on stdout"
expect_eq "$ERR" "evt: wrote 2 record(s) to capture.jsonl" "--out note"
run_evt tail "$T" -s 1:3 -o jsonl
expect_eq "$(cat capture.jsonl)" "$OUT" "capture = the jsonl of the range"

# A value of 100,000 nested arrays: pretty shows it as text instead of
# overflowing the stack.
{ head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; } | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
run_evt --color never tail "$T" -s -1 -e -o pretty
expect_rc 0 "pretty on a deep value"
expect_eq "$ERR" "" "stderr of pretty on a deep value"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 2p)" "  (JSON nested deeper than 512 levels, shown as text)" "deep value note"
expect_eq "$(printf '%s\n' "$OUT" | sed -n 3p | cut -c1-6)" "  [[[[" "deep value text"

# A reader that goes away ends evt quietly with 0.
for _ in 1 2 3 4 5; do seq 1 20000; done | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 || fail "kcat -P"
timeout 20 "$EVT" tail "$T" -e -o raw 2>head.err | head -n 1 >head.out
expect_eq "${PIPESTATUS[0]}" 0 "evt exit code under | head"
expect_eq "$(cat head.err)" "" "stderr under | head"
expect_eq "$(cat head.out)" "" "first line (the NULL value)"
exit 0
