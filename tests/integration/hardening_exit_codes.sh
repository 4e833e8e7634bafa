#!/usr/bin/env bash
# Wrong results and exit codes found by an outside test run (issue 14, items
# 3, 5, 6 and 7): trailing bytes after JSON, closed standard fds, $ref
# containment, paths that are not schemas, per-line partition rejections,
# numeric ranges, `--`, invalid schemas, CloudEvents attributes, config
# aliases and secrets.
set -u
. "$EVT_SRC/tests/integration/lib.sh"

# --- a NUL ends nothing: trailing bytes after the JSON value are an error -----
printf '{"a":2}\0{"junk\n' > nul.jsonl
run_evt publish -t x --dry-run -f nul.jsonl
expect_rc 4 "publish with a NUL"
expect_contains "$ERR" "nul.jsonl:1"
expect_contains "$ERR" "NUL byte at offset 7"
expect_eq "$OUT" "" "nothing sent"
printf '{"type":"object"}\n' > obj.json
printf '{"a":"x"}\0junk\n' > nulev.jsonl
run_evt schema validate -s obj.json nulev.jsonl
expect_rc 4 "validate with a NUL"
printf '{"type":"string"}\0garbage' > nulschema.json
run_evt schema validate -s nulschema.json obj.json
expect_rc 2 "schema file with a NUL"
expect_contains "$ERR" "nulschema.json: not valid JSON: a NUL byte at offset 17"
printf '{"type":"object","type":"string"}' > dupkey.json
run_evt schema validate -s dupkey.json obj.json
expect_rc 2 "duplicate key"
expect_contains "$ERR" "dupkey.json: duplicate key \"type\" in an object"

# --- closed standard fds are /dev/null; an empty read is not a record ---------
OUT=$("$EVT" publish -t x --dry-run <&- 2>err.txt); RC=$?
expect_rc 0 "publish with stdin closed"
expect_eq "$OUT" "" "nothing read from a closed stdin"
OUT=$("$EVT" publish -t x --dry-run --data-file - <&- 2>err.txt); RC=$?; ERR=$(cat err.txt)
expect_rc 4 "--data-file - with stdin closed"
expect_contains "$ERR" "--data-file '<stdin>' is empty: nothing to send"
run_evt publish -t x --dry-run --data-file /dev/null
expect_rc 4 "--data-file /dev/null"
mkdir -p adir
run_evt publish -t x --dry-run -f adir
expect_rc 2 "publish -f DIR"
expect_contains "$ERR" "cannot read 'adir': it is a directory"
run_evt publish -t x --dry-run --data-file adir
expect_rc 2 "--data-file DIR"

# --- $ref: bare file names find siblings; refs stay inside the folder ---------
mkdir -p s
printf '{"type":"object","properties":{"c":{"$ref":"child.json"}}}' > s/parent.json
printf '{"type":"string"}' > s/child.json
printf '{"c":"x"}\n' > s/ev.jsonl
(cd s && "$EVT" schema validate --schema parent.json ev.jsonl >../o.txt 2>../e.txt); RC=$?
expect_rc 0 "bare parent.json: $(cat e.txt)"
(cd s && "$EVT" publish -t x --dry-run --schema parent.json -f ev.jsonl >../o.txt 2>../e.txt); RC=$?
expect_rc 0 "publish --schema parent.json: $(cat e.txt)"
printf 'root:SECRETHASH:0:0:root:/root:/bin/bash\n' > notjson.txt
printf '{"$ref":"../notjson.txt"}' > s/escape.json
run_evt schema validate -s s/escape.json s/ev.jsonl
expect_rc 2 "ref outside the folder"
expect_contains "$ERR" "\$ref \"../notjson.txt\" leaves the schema's folder"
expect_not_contains "$ERR" "SECRETHASH"
run_evt schema validate --allow-ref-outside -s s/escape.json s/ev.jsonl
expect_rc 2 "ref outside allowed, but not JSON"
expect_contains "$ERR" "notjson.txt: not valid JSON"
expect_not_contains "$ERR" "SECRETHASH"
expect_not_contains "$ERR" "root"

# --- a path that is not a schema file or folder is a usage error --------------
run_evt schema lint /dev/null
expect_rc 2 "lint /dev/null"
expect_contains "$ERR" "/dev/null is not a schema file or a folder of schemas"
mkfifo fifo
run_evt schema lint fifo
expect_rc 2 "lint FIFO"

# --- invalid schemas -----------------------------------------------------------
printf '{"type":"record","name":"1-bad name","fields":[]}' > bad.avsc
run_evt schema check bad.avsc bad.avsc
expect_rc 2 "invalid Avro name"
expect_contains "$ERR" "invalid name \"1-bad name\""
printf '["int","int"]' > union.avsc
run_evt schema check union.avsc union.avsc
expect_rc 2 "duplicate union branch"
expect_contains "$ERR" "two branches of type \"int\""

# --- numbers and `--` ------------------------------------------------------------
run_evt lag --watch nan
expect_rc 2 "lag --watch nan"
run_evt lag --watch 0
expect_rc 2 "lag --watch 0"
expect_contains "$ERR" "must be at least 0.001"
run_evt partition-of -n 0 a
expect_rc 2 "partition-of -n 0"
expect_contains "$ERR" "must be at least 1, got '0'"
expect_not_contains "$ERR" "179769"
run_evt partition-of -n 12 a -- -x
expect_rc 0 "partition-of with -- -x: $ERR"
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" "2" "two keys"

# --- sandbox ctl with a socket path that names nothing -------------------------
run_evt sandbox ctl --control /missing.sock status
expect_rc 2 "sandbox ctl --control /missing.sock"

# --- -q means only errors -------------------------------------------------------
run_evt -q publish -t x --dry-run --warn-size 1 --data '{"a":1}'
expect_rc 0 "-q publish"
expect_not_contains "$ERR" "warning"

# --- config: aliases refused, secrets redacted ----------------------------------
export EVT_CONFIG="$TEST_DIR/alias.yaml"
printf 'contexts:\n  a: &x\n    brokers: h:1\n  b: *x\n' > "$EVT_CONFIG"
run_evt config view
expect_rc 2 "config alias"
expect_contains "$ERR" "$EVT_CONFIG:4:6: YAML aliases"
cat > "$EVT_CONFIG" <<'Y'
contexts:
  prod:
    brokers: h:1
    properties:
      sasl.jaas.config: 'PlainLoginModule required username="u" password="SUPERSECRET";'
      my.api.token: TOKENVALUE
      ssl.keystore.password: KSPASS
Y
chmod 600 "$EVT_CONFIG"
run_evt config view
expect_rc 0 "config view"
expect_not_contains "$OUT" "SUPERSECRET"
expect_not_contains "$OUT" "TOKENVALUE"
expect_not_contains "$OUT" "KSPASS"
unset EVT_CONFIG

# --- CloudEvents the SDK accepts --------------------------------------------------
run_evt publish -t x --dry-run --type T --data 'not json'
expect_rc 0 "binary text"
expect_contains "$OUT" '{"key":"content-type","value":"text/plain; charset=utf-8"}'
run_evt publish -t x --dry-run --type T --data '{"a":1}'
expect_contains "$OUT" '{"key":"content-type","value":"application/json"}'
run_evt publish -t x --dry-run --type T --envelope cloudevents-structured --data 'hello'
expect_rc 0 "structured text"
expect_contains "$OUT" '\"datacontenttype\":\"text/plain; charset=utf-8\",\"data\":\"hello\"'
run_evt publish -t x --dry-run --type T --envelope cloudevents-structured --content-type application/json --data 'hello'
expect_rc 4 "JSON content type on text"
expect_contains "$ERR" "attribute 'datacontenttype'"
run_evt publish -t x --dry-run --type T --source 'not a uri % with spaces' --data '{}'
expect_rc 4 "source not a URI-reference"
expect_contains "$ERR" "CloudEvents attribute 'source' is not a URI-reference"

# --- --keep partition: a missing partition is a per-line rejection ---------------
start_sandbox
T=$(unique_topic keep)
"$EVT" topics create "$T" -p 1 >/dev/null 2>&1 || fail "create $T"
printf '{"value":"a","partition":0}\n{"value":"b","partition":99}\n{"value":"c","partition":0}\n' > keep.jsonl
run_evt publish -t "$T" --input record --keep partition -f keep.jsonl
expect_rc 4 "missing partition"
expect_contains "$ERR" "keep.jsonl:2"
expect_contains "$ERR" "partition 99 of topic '$T' does not exist"
run_evt publish -t "$T" --input record --keep partition --skip-invalid -f keep.jsonl
expect_rc 4 "missing partition, --skip-invalid"
expect_contains "$ERR" "sent 2, rejected 1, failed 0"

# --- topics create on a broker without CreateTopics says what to do, at once ---
# (another runtime dir: this evt does not know the sandbox's control socket)
OUT=$(XDG_RUNTIME_DIR="$TEST_DIR/elsewhere" timeout 8 "$EVT" -b "$BROKERS" topics create "new-$T" -p 2 2>err.txt); RC=$?
ERR=$(cat err.txt)
expect_rc 2 "topics create without CreateTopics"
expect_contains "$ERR" "does not support CreateTopics"
expect_contains "$ERR" "evt sandbox ctl --control SOCKET topic new-$T 2"
echo ok
