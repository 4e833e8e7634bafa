#!/usr/bin/env bash
# Runs Confluent's JSON Schema diff corpus through evt's checker; any
# disagreement not listed (with a reason) in tests/schema_known_differences.txt fails.
set -u
corpus="$EVT_SRC/../shared/conformance/confluent-json-schema"
[ -d "$corpus" ] || { echo "corpus not found at $corpus: skipped"; exit 77; }
out=$("$EVT" schema conformance "$corpus" --known "$EVT_SRC/tests/schema_known_differences.txt")
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: corpus disagreements (exit $rc)"; exit 1; }
# Every case must agree, and the whole corpus must have been read (263 cases).
summary=$(echo "$out" | tail -n 1)
[[ $summary =~ ^([0-9]+)/([0-9]+)\ cases\ agree ]] || { echo "FAIL: no summary line"; exit 1; }
[ "${BASH_REMATCH[2]}" -ge 263 ] || { echo "FAIL: only ${BASH_REMATCH[2]} corpus cases read, want 263"; exit 1; }
[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] || { echo "FAIL: not every case agrees: $summary"; exit 1; }
