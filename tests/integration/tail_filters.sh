# evt tail: --type, --key, --header, --where, --grep select exactly the matching records.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
T=$(unique_topic filt)
start_sandbox --topic "$T:1"

produce() {  # KEY VALUE [kcat -H args…]
  local key=$1 value=$2
  shift 2
  printf '%s\t%s\n' "$key" "$value" | timeout 20 kcat -P -b "$BROKERS" -t "$T" -p 0 -K '\t' "$@" || fail "kcat -P"
}
produce c-1 '{"type":"OrderPlaced","amount":120,"customer":{"tier":"gold"}}'                          # 0
produce c-2 '{"type":"OrderPlaced","amount":80,"customer":{"tier":"silver"}}'                         # 1
produce c-1 '{"amount":50}' -H ce_specversion=1.0 -H ce_type=OrderShipped -H ce_id=e-3 -H ce_source=/s # 2
produce c-3 '{"type":"Refund","amount":300,"note":"late delivery"}' -H trace=abc                      # 3
produce c-2 'plain text, not JSON' -H trace=def                                                       # 4

sel() {
  run_evt tail "$T" -e -f '%o ' "$@"
  expect_rc 0 "tail $*"
  expect_eq "$ERR" "" "stderr of tail $*"
  OUT=$(printf '%s' "$OUT" | sed 's/ *$//')
}

sel
expect_eq "$OUT" "0 1 2 3 4" "no filter"
sel --type OrderPlaced
expect_eq "$OUT" "0 1" "--type on the JSON type field"
sel --type OrderShipped
expect_eq "$OUT" "2" "--type on the CloudEvents ce_type header"
sel --type OrderShipped --type Refund
expect_eq "$OUT" "2 3" "repeated --type: any of"
sel --key c-2
expect_eq "$OUT" "1 4" "--key"
sel --header trace=abc
expect_eq "$OUT" "3" "--header k=v"
sel --header trace
expect_eq "$OUT" "3 4" "--header k (any value)"
sel --where 'amount > 100'
expect_eq "$OUT" "0 3" "--where >"
sel --where 'amount < 100'
expect_eq "$OUT" "1 2" "--where <"
sel --where 'customer.tier == gold'
expect_eq "$OUT" "0" "--where nested =="
sel --where 'customer.tier != gold'
expect_eq "$OUT" "1 2 3" "--where != (non-JSON values never match)"
sel --where 'note ~ ^late'
expect_eq "$OUT" "3" "--where regex"
sel --where 'customer exists'
expect_eq "$OUT" "0 1" "--where exists"
sel --grep 'not JSON'
expect_eq "$OUT" "4" "--grep on raw bytes"
sel --key c-1 --where 'amount < 100'
expect_eq "$OUT" "2" "conditions combine with AND"
sel --type OrderPlaced --where 'amount > 100' --key c-1
expect_eq "$OUT" "0" "three conditions"
sel --key nobody
expect_eq "$OUT" "" "nothing matches"

# A ~ search on a 200 KB string is linear and does not crash (std::regex
# recursed once per character and overflowed the stack).
produce c-4 "{\"note\":\"$(head -c 200000 /dev/zero | tr '\0' a)b\"}"                         # 5
sel --where 'note ~ ^a*b$'
expect_eq "$OUT" "5" "--where regex on a long value"
sel --where 'note ~ .*z'
expect_eq "$OUT" "" "--where regex on a long value, no match"

run_evt tail "$T" -e --where 'note ~ a)'
expect_rc 2
expect_eq "$(printf '%s\n' "$ERR" | head -n 1)" \
  "evt: error: invalid --where 'note ~ a)': invalid regular expression: unexpected ): a) (RE2 syntax, see evt-tail(1))" "bad regex"
run_evt tail "$T" -e --where 'a[ == 1'
expect_rc 2
expect_eq "$ERR" "$(printf '%s\n%s' "evt: error: invalid JSON path 'a[': array indexes are written [N]" \
  "evt: hint: write a path such as customer.id, items[0].sku, or . for the whole value")" "bad path"
run_evt tail "$T" -e --where 'amount >'
expect_rc 2
expect_eq "$(printf '%s\n' "$ERR" | head -n 1)" "evt: error: invalid --where 'amount >': the value to compare with is missing" "bad --where"
exit 0
