# evt publish: CloudEvents headers (binary) and structured values are
# present and valid; key from an event field; schema check stops at the
# first invalid line (exit 4, file:line, pointer + reason) after the
# records before it are delivered; --skip-invalid; guards.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox --topic ce:1 --topic st:1 --topic v1:1 --topic v2:1 --topic g:1
command -v kcat >/dev/null || skip "kcat not installed"
consume() { timeout 20 kcat -C -b "$BROKERS" -t "$1" -o beginning -e -q "${@:2}"; }
DATA="$EVT_SRC/tests/data/publish"

for i in 1 2 3; do printf '{"orderId":%d,"customerId":"c-%d","total":%d.5}\n' "$i" "$i" "$i"; done > orders.jsonl
run_evt publish -t ce -f orders.jsonl --type OrderPlaced --source /shop/orders --subject s-1 \
  --dataschema https://example.com/order.json --correlation-id corr-7 --traceparent new --key-field data.customerId
expect_rc 0
consume ce -f '%k\t%s\t%h\n' > got.txt
expect_eq "$(wc -l < got.txt)" 3 "records read back"
uuid='[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}'
time_re='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
tp='00-[0-9a-f]{32}-[0-9a-f]{16}-01'
n=0
ids=""
while IFS=$'\t' read -r key value headers; do
  n=$((n + 1))
  expect_eq "$key" "c-$n" "key from --key-field"
  expect_eq "$value" "$(sed -n "${n}p" orders.jsonl)" "binary mode value"
  re="^ce_specversion=1\.0,ce_id=($uuid),ce_source=/shop/orders,ce_type=OrderPlaced,ce_time=$time_re,ce_subject=s-1,"
  re+="ce_dataschema=https://example\.com/order\.json,ce_correlationid=corr-7,ce_traceparent=($tp),"
  re+="content-type=application/json,traceparent=($tp)$"
  [[ "$headers" =~ $re ]] || fail "CloudEvents headers of record $n: [$headers]"
  expect_eq "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}" "traceparent and ce_traceparent"
  ids+="${BASH_REMATCH[1]} "
done < got.txt
expect_eq "$(echo $ids | tr ' ' '\n' | sort -u | wc -l)" 3 "distinct ce_id values"

# structured mode: the whole event is the value
run_evt publish -t st --envelope cloudevents-structured --type OrderPlaced --source /shop --data '{"orderId":9}' -k o9
expect_rc 0
got=$(consume st -f '%k\t%s\t%h')
re="^o9	\{\"specversion\":\"1\.0\",\"id\":\"$uuid\",\"source\":\"/shop\",\"type\":\"OrderPlaced\",\"time\":\"$time_re\","
re+="\"datacontenttype\":\"application/json\",\"data\":\{\"orderId\":9\}\}	content-type=application/cloudevents\+json; charset=UTF-8$"
[[ "$got" =~ $re ]] || fail "structured event: [$got]"

# schema check: line 4 is invalid; lines 1-3 are delivered, nothing after
{ cat orders.jsonl; echo '{"orderId":0,"customerId":"c-4","total":1}'; echo '{"orderId":5,"customerId":"c-5","total":1}'; } > mixed.jsonl
run_evt publish -t v1 -f mixed.jsonl --schema "$DATA/order.schema.json"
expect_rc 4
expect_eq "$(echo "$ERR" | sed 's/ in [0-9.]* s (.*)$/ in …/')" \
"evt: mixed.jsonl:4: /orderId: Expected number greater than or equal to 1.000000
evt: stopped at mixed.jsonl:4: nothing after it was sent (--skip-invalid goes on)
evt: sent 3, rejected 1, failed 0 in …"
expect_eq "$(consume v1 -f '%s\n' | cut -c1-12)" '{"orderId":1
{"orderId":2
{"orderId":3' "records before the invalid line"

# --skip-invalid reports the line, sends the rest, still exits 4
run_evt publish -t v2 -f mixed.jsonl --schema "$DATA/order.schema.json" --skip-invalid
expect_rc 4
expect_contains "$ERR" "evt: mixed.jsonl:4: /orderId: "
expect_contains "$ERR" "evt: sent 4, rejected 1, failed 0 in "
expect_not_contains "$ERR" "stopped at"
expect_eq "$(consume v2 -f '%s\n' | wc -l)" 4

# a pattern over a long string: 30,000 characters crashed std::regex on an
# 8 MiB stack (exit 139, nothing reported); now checked on a big stack, and
# a string over 65536 bytes is rejected unmatched, in both threading modes
printf '{"type":"object","properties":{"s":{"type":"string","pattern":"^[a-z]+$"}}}' > pattern.json
python3 -c "import json;print(json.dumps({'s':'a'*30000}));print(json.dumps({'s':'a'*70000}));print(json.dumps({'s':'a'*29999+'1'}))" > long.jsonl
for mode in "" --one-thread; do
  # shellcheck disable=SC2086
  run_evt publish -t re -f long.jsonl --schema pattern.json --skip-invalid $mode
  expect_rc 4 "long strings against a pattern ($mode)"
  expect_contains "$ERR" "evt: long.jsonl:2: /: a string of 70000 bytes is longer than the 65536 that evt checks against this schema's regular expressions"
  expect_contains "$ERR" "evt: long.jsonl:3: /s: "
  expect_contains "$ERR" "evt: sent 1, rejected 2, failed 0 in "
done
run_evt schema validate -s pattern.json long.jsonl
expect_rc 1 "schema validate of long strings against a pattern"
expect_contains "$OUT$ERR" "long.jsonl:2: /: a string of 70000 bytes is longer than the 65536"

# a schema repository: the latest version of the subject named by --type
run_evt publish -t g --schema-dir "$DATA/schemas" --type OrderPlaced --data '{"orderId":1}'
expect_rc 4
expect_contains "$ERR" "evt: --data:1: /: Missing required property 'customerId'."
run_evt publish -t g --schema-dir "$DATA/schemas" --type Nope --data '{}'
expect_rc 2
expect_contains "$ERR" "evt: error: no schema for event type 'Nope' in $DATA/schemas"

# guards: card numbers and sizes
run_evt publish -t g --data '{"card":"4111 1111 1111 1111"}'
expect_rc 4
expect_eq "$ERR" "evt: --data:1: the value contains what looks like a payment card number (at byte 9); --allow-pii sends it anyway
evt: sent 0, rejected 1, failed 0 in ${ERR##*failed 0 in }"
run_evt publish -t g --allow-pii --data '{"card":"4111 1111 1111 1111"}'
expect_rc 0
head -c 300 /dev/zero | tr '\0' 'a' > big.txt
run_evt publish -t g --data-file big.txt --warn-size 100 --max-size 1KiB
expect_rc 0
expect_contains "$ERR" "evt: warning: big.txt:1: the record is 300 bytes (above --warn-size 100)"
run_evt publish -t g --data-file big.txt --max-size 200
expect_rc 4
expect_contains "$ERR" "the record is 300 bytes, above the limit of 200 (--max-size)"
echo ok
