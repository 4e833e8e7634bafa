#!/usr/bin/env bash
# Nothing hostile reaches a terminal: names and values with ESC, BEL, C1 and
# bidi controls go through every subcommand's text, github and json outputs
# (and error messages), and no raw control byte may come out on stdout or
# stderr. Terminal-bound output is made so with a pty (script -qc) where evt
# escapes only on a terminal (tail).
set -u
. "$EVT_SRC/tests/integration/lib.sh"
command -v script >/dev/null || skip "script (util-linux) is not installed"

# check_clean FILE WHAT: fails when FILE holds ESC, BEL, another C0 control
# than \t \n \r, DEL, a C1 control (raw or UTF-8 encoded) or a bidi control
# (marks LRM/RLM/ALM, embeddings, overrides, isolates).
check_clean() {
  python3 - "$1" "$2" <<'PY' || fail "$2: raw control bytes reached the terminal: $(od -c "$1" | head -20)"
import re, sys
data = open(sys.argv[1], 'rb').read()
# evt's own progress line clears itself with CR ESC [ K: that one is ours.
data = data.replace(b'\r\x1b[K', b'')
bad = re.compile(rb'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c')
m = bad.search(data)
if m is None:
    # Raw bytes 0x80-0x9f outside valid UTF-8 sequences are C1 controls too.
    text = data.decode('utf-8', errors='replace')
    if '\x9b' in text or any(0x80 <= ord(c) <= 0x9f for c in text):
        sys.exit(1)
    sys.exit(0)
sys.exit(1)
PY
}

# run_both NAME ARGS…: runs evt with stdout and stderr in files, and checks both.
run_both() {
  local name=$1
  shift
  timeout 60 "$EVT" "$@" >"$name.out" 2>"$name.err"
  RC=$?
  ERR=$(cat "$name.err")
  check_clean "$name.out" "$name stdout"
  check_clean "$name.err" "$name stderr"
}

# on_tty NAME COMMAND: runs a shell command on a pty, output in NAME.tty.
on_tty() {
  local name=$1
  shift
  # script turns \n into \r\n and adds nothing else with -q; stdin from /dev/null.
  timeout 60 script -qec "$*" /dev/null </dev/null >"$name.tty" 2>&1
  RC=$?
  check_clean "$name.tty" "$name (terminal)"
}

ESC=$'\x1b'
BEL=$'\x07'
C1=$'\xc2\x9b'
RLO=$'\xe2\x80\xae'
LRI=$'\xe2\x81\xa6'
# JSON escapes for the same characters, as they appear in files and events.
JH='\u001b]0;PWNED\u0007\u001b[2J\u009b\u202e\u2066\u200f\u061c'

# --- schema validate: field names and values from the events ------------------
cat > strict.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"a":{"type":"integer"}}}
J
printf '{"x%s":"s"}\n{"a":"%s"}\n' "$JH" "$JH" > events.jsonl
for o in text json; do
  run_both "validate-$o" schema validate -s strict.json -o "$o" events.jsonl
  expect_rc 1 "validate -o $o"
done
expect_contains "$(cat validate-text.out)" 'x\x1b]0;PWNED\x07\x1b[2J' "field name escaped"

# --- schema lint: property names, titles and subject folder names ------------
mkdir -p "repo/Order${ESC}[2JPlaced${RLO}"
printf '{"title":"T%s","type":"object","properties":{"password%s":{"type":"string"}}}\n' "$JH" "$JH" \
  > "repo/Order${ESC}[2JPlaced${RLO}/v1.json"
for o in text json github; do
  run_both "lint-$o" schema lint repo -o "$o"
  expect_rc 1 "lint -o $o"
done
expect_contains "$(cat lint-text.out)" 'Order\x1b[2JPlaced' "folder name escaped"

# --- schema check: property names in findings ----------------------------------
printf '{"type":"object","properties":{"p%s":{"type":"string"}},"required":["p%s"]}\n' "$JH" "$JH" > old.json
printf '{"type":"object","properties":{"p%s":{"type":"integer"}},"required":["p%s"]}\n' "$JH" "$JH" > new.json
for o in text json github; do
  run_both "check-$o" schema check old.json new.json -o "$o"
  expect_rc 1 "check -o $o"
done

# --- config: context names, view and get-contexts ------------------------------
export EVT_CONFIG="$TEST_DIR/config.yaml"
printf 'contexts:\n  "ctx\\e]0;PWNED\\a\\e[2J\\u009b\\u202e":\n    brokers: "b\\e[2J:1"\n' > "$EVT_CONFIG"
chmod 600 "$EVT_CONFIG"
run_both config-view config view
expect_rc 0 "config view"
for o in text json; do
  run_both "contexts-$o" config get-contexts -o "$o"
  expect_rc 0 "get-contexts -o $o"
done
expect_contains "$(cat contexts-text.out)" 'ctx\x1b]0;PWNED' "context name escaped"
unset EVT_CONFIG

# --- errors and hints name hostile paths and values ---------------------------
run_both err-schema schema validate -s "missing${ESC}]0;x${BEL}.json" events.jsonl
expect_rc 2 "missing schema"
run_both err-where tail -b 127.0.0.1:1 t --where "a${ESC}[2J ~ (" -e
expect_rc 2 "bad --where"
run_both err-topic -b 127.0.0.1:1 --timeout 1 partition-of -n 0 "k${ESC}"
expect_rc 2 "partition-of -n 0"

# --- publish: rejected lines are named with their reasons ----------------------
printf '{"a":"%s"}\nnot json %s\n' "$JH" "${ESC}[2J${C1}${RLO}" > pub.jsonl
run_both publish-dry publish -t t --dry-run --skip-invalid -f pub.jsonl
expect_rc 4 "publish rejected line"

# --- tail: pretty, raw and template output on a terminal -----------------------
start_sandbox
T=$(unique_topic hostile)
"$EVT" topics create "$T" -p 1 >/dev/null 2>&1
printf '{"key":"k%s","value":"v%s","headers":[{"key":"h%s","value":"x%s"}]}\n' "$JH" "$JH" "$JH" "$JH" > rec.jsonl
printf '{"key":"j","value":"{\\"f%s\\":\\"%s\\"}"}\n' "$JH" "$JH" >> rec.jsonl
# CloudEvents attribute names come from the record too: binary (ce_ headers)
# and structured (envelope keys).
printf '{"key":"b","value":"{}","headers":[{"key":"ce_specversion","value":"1.0"},{"key":"ce_x%s","value":"v"}]}\n' "$JH" >> rec.jsonl
printf '{"key":"s","value":"{\\"specversion\\":\\"1.0\\",\\"type\\":\\"T\\",\\"source\\":\\"/s\\",\\"id\\":\\"1\\",\\"x%s\\":\\"v\\",\\"data\\":{}}","headers":[{"key":"content-type","value":"application/cloudevents+json"}]}\n' "${JH//\\/\\\\}" >> rec.jsonl
"$EVT" publish -t "$T" --input record -f rec.jsonl >/dev/null 2>&1 || fail "publish records"
for style in pretty raw jsonl "%k %s %h\\n"; do
  if [ "$style" = pretty ] || [ "$style" = raw ] || [ "$style" = jsonl ]; then
    on_tty "tail-$style" "'$EVT' --color never tail '$T' -e -o $style"
  else
    on_tty "tail-template" "'$EVT' --color never tail '$T' -e -f '$style'"
  fi
  expect_rc 0 "tail $style on a terminal"
done
expect_contains "$(cat tail-raw.tty)" 'v\x1b]0;PWNED' "raw on a terminal escapes"
expect_contains "$(cat tail-pretty.tty)" '\xe2\x80\xae' "pretty escapes bidi inside JSON values"
expect_contains "$(cat tail-pretty.tty)" 'cloudevent (binary)' "binary CloudEvent shown as one"
expect_contains "$(cat tail-pretty.tty)" 'x\x1b]0;PWNED' "binary CloudEvent attribute name escaped"
expect_contains "$(cat tail-pretty.tty)" 'cloudevent (structured)' "structured CloudEvent shown as one"
# Piped, raw output is the bytes themselves (for other programs).
"$EVT" tail "$T" -e -o raw > raw.pipe 2>/dev/null
grep -q "$RLO" raw.pipe || fail "raw to a pipe keeps the bytes"

# --- topics, lag: names that come from the broker ------------------------------
G="grp${ESC}]0;PWNED${BEL}${C1}${RLO}"
"$EVT" tail "$T" -g "$G" -e -o raw >/dev/null 2>&1 || fail "tail -g with a hostile group name"
for o in text json; do
  run_both "topics-list-$o" topics list -o "$o"
  expect_rc 0 "topics list -o $o"
  run_both "topics-describe-$o" topics describe "$T" -o "$o"
  expect_rc 0 "topics describe -o $o"
  run_both "lag-group-$o" lag -g "$G" -o "$o"
  expect_rc 0 "lag -g HOSTILE -o $o"
done
expect_contains "$(cat lag-group-text.out)" 'grp\x1b]0;PWNED' "group name escaped in lag"
run_both topics-missing topics describe "missing${ESC}[2J${RLO}"
expect_rc 2 "describe a missing hostile name"
on_tty "lag-prom" "'$EVT' lag -g '$G' -o prometheus"

# --- replay: dry-run plan and summary over hostile records ---------------------
D=$(unique_topic hostile-dst)
"$EVT" topics create "$D" -p 1 >/dev/null 2>&1
for o in text json; do
  run_both "replay-dry-$o" replay "$T" --to "$D" --dry-run -o "$o"
  expect_rc 0 "replay --dry-run -o $o"
done
run_both replay-to-missing replay "$T" --to "nope${ESC}[2J${RLO}" --yes
case $RC in 2 | 3) ;; *) fail "replay to a missing hostile topic: rc $RC" ;; esac

# --- consume: the handler's hostile stderr in the failure message --------------
printf '#!/bin/sh\nprintf "boom \\033]0;PWNED\\007 \\302\\233 \\342\\200\\256\\n" >&2\nexit 3\n' > bad.sh
chmod +x bad.sh
run_both consume-fail consume "$T" -g "c$G" --exec ./bad.sh --retries 0 --backoff 1ms:1ms -e
expect_rc 3 "consume with a failing handler stops"
on_tty consume-tty "'$EVT' consume '$T' -g 'd$G' --exec ./bad.sh --retries 0 --backoff 1ms:1ms -e"
echo ok
