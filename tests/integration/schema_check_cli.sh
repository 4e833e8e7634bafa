#!/usr/bin/env bash
# evt schema check, pairwise: exit codes, every output format, hostile input.
set -u
# A private temp dir as cwd (removed at exit), so runs never see each other's files.
. "$EVT_SRC/tests/integration/lib.sh"
expect_rc() { local want=$1; shift; "$@" >out.txt 2>err.txt; local rc=$?; [ $rc -eq "$want" ] || { cat out.txt err.txt; fail "'$*' exited $rc, want $want"; }; }

cat > v1.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"}}}
J
cat > v2.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"},"note":{"type":"string"}}}
J
cat > v3.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"integer"},"note":{"type":"string"}}}
J

expect_rc 0 "$EVT" schema check v1.json v2.json
expect_rc 1 "$EVT" schema check v2.json v3.json
grep -q '^v3.json: TYPE_CHANGED #/properties/id: ' out.txt || fail "text line missing: $(cat out.txt)"
grep -q 'hint: ' out.txt || fail "no hint in text output"
# forward: the old version must read the new one's data.
expect_rc 1 "$EVT" schema check v1.json v2.json --mode forward
grep -q 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL #/properties/note' out.txt || fail "forward finding: $(cat out.txt)"
expect_rc 0 "$EVT" schema check v2.json v1.json --mode forward
expect_rc 1 "$EVT" schema check v1.json v2.json --mode full
expect_rc 0 "$EVT" schema check v2.json v3.json --mode none
# transitive: v3 is checked against v1 too.
expect_rc 1 "$EVT" schema check v1.json v2.json v3.json --mode backward_transitive
[ "$(grep -c TYPE_CHANGED out.txt)" -eq 2 ] || fail "transitive should report against v1 and v2: $(cat out.txt)"
# usage errors and unreadable input: 2
expect_rc 2 "$EVT" schema check v1.json
expect_rc 2 "$EVT" schema check v1.json v2.json --mode sideways
echo '{"type":' > broken.json
expect_rc 2 "$EVT" schema check v1.json broken.json
grep -q 'not valid JSON' err.txt || fail "no parse error message"
expect_rc 2 "$EVT" schema check v1.json missing.json
echo '{"$ref":"#/definitions/nope"}' > badref.json
expect_rc 2 "$EVT" schema check v1.json badref.json
grep -q 'cannot resolve \$ref' err.txt || fail "unresolvable ref message: $(cat err.txt)"
# A remote $ref is refused, never fetched (no network needed for this test).
echo '{"$ref":"http://127.0.0.1:9/never.json"}' > remote.json
expect_rc 2 timeout 10 "$EVT" schema check v1.json remote.json
grep -q 'never fetches' err.txt || fail "remote ref message: $(cat err.txt)"
# Deeply nested and huge inputs end with an error or a result, quickly.
python3 -c 'print("{\"not\":"*20000 + "{}" + "}"*20000)' > deep.json 2>/dev/null || {
  s=""; for i in $(seq 1 5000); do s="$s{\"not\":"; done; s="$s{}"; for i in $(seq 1 5000); do s="$s}"; done; echo "$s" > deep.json; }
expect_rc 2 timeout 20 "$EVT" schema check v1.json deep.json
grep -q 'deeper than' err.txt || fail "deep nesting message: $(cat err.txt)"
# Just under the limit: ~1000 levels load and compare (this used to overflow the stack).
python3 -c '
s = "{\"type\":\"integer\"}"
for i in range(998): s = "{\"type\":\"array\",\"items\":" + s + "}"
open("deep998.json", "w").write(s)
open("deep998b.json", "w").write(s.replace("integer", "string"))' || fail "python3 needed"
expect_rc 0 timeout 60 "$EVT" schema check deep998.json deep998.json
expect_rc 1 timeout 60 "$EVT" schema check deep998.json deep998b.json
grep -q 'TYPE_CHANGED #/items/items/items' out.txt || fail "deep finding: $(head -c 300 out.txt)"
head -c 70000000 /dev/zero | tr '\0' ' ' > huge.json
expect_rc 2 timeout 20 "$EVT" schema check v1.json huge.json
grep -q 'over the limit' err.txt || fail "huge file message: $(cat err.txt)"

# Avro by extension, with --format auto.
cat > a1.avsc <<'J'
{"type":"record","name":"E","fields":[{"name":"id","type":"string"}]}
J
cat > a2.avsc <<'J'
{"type":"record","name":"E","fields":[{"name":"id","type":"string"},{"name":"n","type":"int"}]}
J
expect_rc 1 "$EVT" schema check a1.avsc a2.avsc
grep -q 'READER_FIELD_MISSING_DEFAULT_VALUE /fields/1' out.txt || fail "avro finding: $(cat out.txt)"
grep -q 'give the field a default' out.txt || fail "avro hint"
expect_rc 2 "$EVT" schema check a1.avsc v1.json

# Output formats.
expect_rc 1 "$EVT" -o json schema check v2.json v3.json
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open("out.txt")); assert d["exit_code"]==1 and d["findings"][0]["rule"]=="TYPE_CHANGED", d' \
    || fail "json output"
fi
expect_rc 1 "$EVT" -o github schema check v2.json v3.json
grep -q '^::error file=v3.json,title=TYPE_CHANGED::#/properties/id: ' out.txt || fail "github output: $(cat out.txt)"
expect_rc 1 "$EVT" -o junit schema check v2.json v3.json
grep -q '<failure type="TYPE_CHANGED"' out.txt || fail "junit failure missing"
if command -v python3 >/dev/null; then
  python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse("out.txt")' || fail "junit is not well-formed XML"
fi
expect_rc 0 "$EVT" -o junit schema check v1.json v2.json
grep -q 'failures="0"' out.txt || fail "junit for a compatible pair"
expect_rc 2 "$EVT" -o yaml schema check v1.json v2.json
echo ok
