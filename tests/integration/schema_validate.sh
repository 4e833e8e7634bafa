#!/usr/bin/env bash
# evt schema validate: line numbers, pointers, exit codes, record lines.
set -u
fail() { echo "FAIL: $*"; exit 1; }
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
echo ok
