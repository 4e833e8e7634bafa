#!/usr/bin/env bash
# evt schema lint: each playbook rule, switching rules off, allowed fields.
set -u
# A private temp dir as cwd (removed at exit), so runs never see each other's files.
. "$EVT_SRC/tests/integration/lib.sh"
mkdir -p repo/PlaceOrder repo/OrderShipped
cat > repo/PlaceOrder/v1.json <<'J'
{"type":"object","properties":{"id":{"type":"string"},"type":{"type":"string"},"cardNumber":{"type":"string"},
 "address":{"type":"object","properties":{"street":{"type":"string"}},"additionalProperties":false}},"required":["id"]}
J
cat > repo/OrderShipped/v1.json <<'J'
{"$id":"https://x/OrderShipped/v1","type":"object","additionalProperties":false,"required":["id","type","time"],
 "properties":{"id":{"type":"string"},"type":{"type":"string"},"time":{"type":"string"},
 "password":{"type":"string","x-evt-allow-sensitive":true}}}
J
"$EVT" schema lint repo > out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] || fail "exit $rc: $(cat out.txt err.txt)"
grep -q 'repo/PlaceOrder/v1.json: event-name-past-tense /: ' out.txt || fail "past tense: $(cat out.txt)"
grep -q 'PlaceOrder/v1.json: schema-version' out.txt || fail "version"
grep -q 'PlaceOrder/v1.json: envelope-fields /properties: envelope field "time" is missing' out.txt || fail "envelope missing"
grep -q 'PlaceOrder/v1.json: envelope-fields /required: envelope field "type" is not required' out.txt || fail "envelope required"
grep -q 'PlaceOrder/v1.json: explicit-additional-properties /: ' out.txt || fail "additionalProperties"
grep -q 'explicit-additional-properties /properties/address' out.txt && fail "address states additionalProperties"
grep -q 'PlaceOrder/v1.json: sensitive-field /properties/cardNumber' out.txt || fail "sensitive"
grep -q 'OrderShipped' out.txt && fail "OrderShipped is clean: $(cat out.txt)"
# Rules can be switched off, fields allowed.
"$EVT" schema lint repo --disable event-name-past-tense --disable schema-version --disable envelope-fields \
  --disable explicit-additional-properties --allow-field cardNumber > out.txt 2>&1 || fail "all off: $(cat out.txt)"
echo '{"lint":{"disable":["sensitive-field"]}}' > repo/PlaceOrder/subject.json
"$EVT" schema lint repo > out.txt 2>&1
grep -q sensitive-field out.txt && fail "subject.json lint.disable ignored"
# The example repository follows every rule.
"$EVT" schema lint "$EVT_SRC/schemas/examples/orders" > out.txt 2>&1 || fail "example repo: $(cat out.txt)"
# An invalid Avro schema is an error (exit 2), as in check, not a lint finding.
echo '{"type":"record","name":"1-bad name","fields":[]}' > bad.avsc
"$EVT" schema lint bad.avsc > out.txt 2>&1
rc=$?
[ "$rc" = 2 ] || fail "invalid Avro name: rc $rc: $(cat out.txt)"
grep -q 'invalid name "1-bad name"' out.txt || fail "invalid name not named: $(cat out.txt)"
echo '["int","int"]' > union.avsc
"$EVT" schema lint union.avsc > out.txt 2>&1
rc=$?
[ "$rc" = 2 ] || fail "duplicate union branch: rc $rc: $(cat out.txt)"
echo ok
