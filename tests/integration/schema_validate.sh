#!/usr/bin/env bash
# evt schema validate: line numbers, pointers, exit codes, record lines.
set -u
# A private temp dir as cwd (removed at exit), so runs never see each other's files.
. "$EVT_SRC/tests/integration/lib.sh"
cat > s.json <<'J'
{"type":"object","required":["id","total"],"properties":{"id":{"type":"string"},"total":{"type":"number","minimum":0},
 "lines":{"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}}}}
J
printf '%s\n' '{"id":"a","total":1}' '{"id":"b","total":-1}' '' '{"id":"c","total":2,"lines":[{"qty":1},{"qty":"x"}]}' > events.jsonl
"$EVT" schema validate --schema s.json events.jsonl > out.txt 2> err.txt; rc=$?
[ $rc -eq 1 ] || fail "exit $rc, want 1: $(cat out.txt err.txt)"
grep -q '^events.jsonl:2: /total: ' out.txt || fail "line 2 error: $(cat out.txt)"
grep -q '^events.jsonl:4: /lines/1/qty: ' out.txt || fail "line 4 pointer: $(cat out.txt)"
grep -q ':1:' out.txt && fail "valid line 1 reported"
# All valid: 0; from stdin.
head -1 events.jsonl | "$EVT" schema validate --schema s.json - > /dev/null 2>&1 || fail "valid stdin"
# Not JSON: 4, with the line number.
printf '%s\n' '{"id":"a","total":1}' 'not json' | "$EVT" schema validate --schema s.json > out.txt 2>&1; rc=$?
[ $rc -eq 4 ] || fail "non-JSON exit $rc, want 4"
grep -q '<stdin>:2: /: not JSON' out.txt || fail "non-JSON line: $(cat out.txt)"
# Record lines as evt tail writes them: the value is validated.
printf '%s\n' '{"topic":"orders","partition":0,"offset":7,"key":"k","value":"{\"id\":\"x\"}","headers":[]}' > records.jsonl
"$EVT" schema validate --schema s.json records.jsonl > out.txt 2>&1; rc=$?
[ $rc -eq 1 ] || fail "record line exit $rc: $(cat out.txt)"
grep -q 'records.jsonl:1: ' out.txt || fail "record line error: $(cat out.txt)"
# JSON output.
"$EVT" -o json schema validate --schema s.json events.jsonl > out.txt 2>/dev/null
grep -q '"line":2' out.txt || fail "json output: $(cat out.txt)"
# A schema with a remote $ref is refused.
echo '{"$ref":"https://example.com/x.json"}' > remote.json
echo '{}' | "$EVT" schema validate --schema remote.json > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "remote ref schema exit $rc"
# Hostile input: a schema nesting ~1000 levels and an event as deep validate
# (valijson recurses; this used to overflow the stack), a $ref chain deeper
# than the limit is refused, and keywords valijson would ignore are refused.
python3 -c '
s = "{\"type\":\"integer\"}"
for i in range(998): s = "{\"type\":\"array\",\"items\":" + s + "}"
open("deep.json", "w").write(s)
open("deep.jsonl", "w").write("[" * 998 + "1" + "]" * 998 + "\n" + "[" * 998 + "\"x\"" + "]" * 998 + "\n")
import json
d = {"$defs": {("a%d" % i): {"not": {"$ref": "#/$defs/a%d" % (i + 1)}} for i in range(3000)}}
d["$defs"]["a3000"] = {}
d["$ref"] = "#/$defs/a0"
open("chain.json", "w").write(json.dumps(d))
' || fail "python3 needed"
timeout 60 "$EVT" schema validate --schema deep.json deep.jsonl > out.txt 2> err.txt; rc=$?
[ $rc -eq 1 ] || fail "deep schema exit $rc: $(tail -c 300 err.txt)"
grep -q '^deep.jsonl:2: /0/0/0/.*/0: ' out.txt || fail "deep line 2 not reported: $(tail -c 300 out.txt)"
grep -q '^deep.jsonl:1:' out.txt && fail "deep valid line 1 reported"
echo '{}' | timeout 60 "$EVT" schema validate --schema chain.json > out.txt 2> err.txt; rc=$?
[ $rc -eq 2 ] || fail "\$ref chain exit $rc"
grep -q 'nests deeper than 1000 levels (counting \$ref hops)' err.txt || fail "\$ref chain message: $(cat err.txt)"
echo '{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"prefixItems":[{"type":"string"}]}}}' > pi.json
echo '{"a":[1]}' | "$EVT" schema validate --schema pi.json > out.txt 2> err.txt; rc=$?
[ $rc -eq 2 ] || fail "unenforceable keyword exit $rc"
grep -q 'pi.json#/properties/a: evt schema validate cannot enforce "prefixItems"' err.txt || fail "prefixItems message: $(cat err.txt)"
# The same word as a property name or inside enum data is not a keyword.
echo '{"properties":{"prefixItems":{"type":"string"}},"enum":[{"prefixItems":"x"}]}' > named.json
echo '{"prefixItems":"x"}' | "$EVT" schema validate --schema named.json > out.txt 2>&1 || fail "property named prefixItems: $(cat out.txt)"
echo ok
