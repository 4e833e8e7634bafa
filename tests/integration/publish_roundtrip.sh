# evt publish: record lines round-trip byte for byte — NULL vs empty keys
# and values, non-UTF-8 bytes (base64 fields), duplicate and NULL headers;
# and evt's own record-line writer (--dry-run, shared with evt tail) reads
# back into the same records.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox --topic rt:1 --topic rt2:1
command -v kcat >/dev/null || skip "kcat not installed"
consume() { timeout 20 kcat -C -b "$BROKERS" -t "$1" -o beginning -e -q "${@:2}"; }

cat > rt.jsonl <<'LINES'
{"key":null,"value":""}
{"key":"","value":null}
{"key":"","value":""}
{"key":null,"value":null}
{"key_base64":"/wCA","value_base64":"gP8A/w==","headers":[{"key":"h","value":"1"},{"key":"h","value":"1"},{"key":"n","value":null},{"key":"e","value":""},{"key":"b","value_base64":"/w=="}]}
{"key":"ключ","value":"zürich ✓","headers":[{"key_base64":"/w==","value":"bin-key"}]}
{"key":"k","value":"a\nb\t\"c\"\u0000d"}
{"key":"k","value":{"nested":[1,2,{"x":null}]}}
LINES
run_evt publish -t rt -f rt.jsonl
expect_rc 0
expect_contains "$ERR" "evt: sent 8, rejected 0, failed 0 in "

# kcat: %K/%S are the key/value lengths, -1 for NULL
fmt='K%K:%k|S%S:%s|H:%h\n'
consume rt -f "$fmt" > got.bin
{
  printf 'K-1:|S0:|H:\n'
  printf 'K0:|S-1:|H:\n'
  printf 'K0:|S0:|H:\n'
  printf 'K-1:|S-1:|H:\n'
  printf 'K3:\377\000\200|S4:\200\377\000\377|H:h=1,h=1,n=NULL,e=,b=\377\n'
  printf 'K8:ключ|S11:zürich ✓|H:\377=bin-key\n'
  printf 'K1:k|S9:a\nb\t"c"\000d|H:\n'
  printf 'K1:k|S27:{"nested":[1,2,{"x":null}]}|H:\n'
} > expected.bin
cmp got.bin expected.bin || fail "round trip differs: $(od -c got.bin | head -20)"

# evt's record-line writer → evt publish → the same bytes again
run_evt publish -t rt --dry-run -f rt.jsonl
expect_rc 0
printf '%s\n' "$OUT" > lines.jsonl
expect_eq "$(sed -n 5p lines.jsonl)" '{"topic":"rt","partition":-1,"offset":-1,"key_base64":"/wCA","value_base64":"gP8A/w==","headers":[{"key":"h","value":"1"},{"key":"h","value":"1"},{"key":"n","value":null},{"key":"e","value":""},{"key":"b","value_base64":"/w=="}]}'
run_evt publish -t rt2 -f lines.jsonl --input record
expect_rc 0
consume rt2 -f "$fmt" > got2.bin
cmp got2.bin expected.bin || fail "second hop differs: $(od -c got2.bin | head -20)"

# the same file through stdin with '-', and two inputs in one run
run_evt publish -t rt2 -f - -f rt.jsonl < rt.jsonl
expect_rc 0
expect_contains "$ERR" "evt: sent 16, rejected 0, failed 0 in "
echo ok
