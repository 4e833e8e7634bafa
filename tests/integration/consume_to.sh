#!/usr/bin/env bash
# evt consume --to (issue 12): each line a handler writes on stdout becomes
# an event on the --to topic — a plain JSON value (with the input's key) or
# a record line — carrying the input's correlation id (its ce_correlationid,
# else its ce_id) and its traceparent with the same trace id and a new span
# id. Inputs are committed once their outputs are acknowledged: a second run
# publishes nothing more. Bad output (not JSON) fails the attempt. Also
# --metrics (the run's counters as Prometheus text).
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox
IN=$(unique_topic in)
TO=$(unique_topic out)
TP=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01
printf '{"key":"c-1","value":{"n":1}}\n' |
  timeout 20 "$EVT" -q publish -t "$IN" -p 0 --type OrderPlaced --correlation-id corr-1 --traceparent "$TP" ||
  fail "publish 1"
printf '{"key":"c-2","value":{"n":2}}\n' | timeout 20 "$EVT" -q publish -t "$IN" -p 0 --type OrderPlaced ||
  fail "publish 2"
printf '{"key":"c-3","value":{"n":3}}\n' | timeout 20 "$EVT" -q publish -t "$IN" -p 0 || fail "publish 3"
ID2=$("$EVT" tail "$IN" -e -f '%o %h\n' | sed -n 's/^1 .*ce_id=\([^ ,]*\).*/\1/p')
[ -n "$ID2" ] || fail "no ce_id on the second input: $("$EVT" tail "$IN" -e -f '%o %h\n')"

# Input 1: two plain values; input 2: a record line with its own key and
# header; input 3: nothing.
cat >h.sh <<'H'
#!/bin/sh
v=$(cat)
case "$EVT_OFFSET" in
  0) printf '{"paid":1}\n\n{"paid":1.5}\n' ;;
  1) printf '{"key":"pay-2","value":{"paid":2},"headers":[{"key":"h","value":"x"}]}\n' ;;
esac
H
chmod +x h.sh
run_evt --timeout 60 -X session.timeout.ms=6000 consume "$IN" -g g1 -e --exec ./h.sh --to "$TO" \
  --metrics "$TEST_DIR/m.prom"
expect_rc 0 "consume --to"
# --metrics: the final counters, written whole (no temporary file left).
expect_eq "$(grep '^evt_consume_records_handled_total' m.prom)" 'evt_consume_records_handled_total{group="g1"} 3' \
  "metrics: handled"
expect_eq "$(grep '^evt_consume_outputs_published_total' m.prom)" \
  'evt_consume_outputs_published_total{group="g1"} 3' "metrics: published"
expect_eq "$(grep -c '^# TYPE evt_consume_' m.prom)" 14 "metrics: families (lag known)"
[ ! -e m.prom.tmp ] || fail "temporary metrics file left behind"
expect_contains "$ERR" "handled 3 record(s)" "summary"
expect_contains "$ERR" "3 output(s) published" "summary"

run_evt tail "$TO" -e -f '%k|%s|%h\n'
expect_rc 0 "reading the outputs"
# (The outputs' partitions follow their keys: order them by value.)
mapfile -t L < <(grep -F '{"paid":1}' <<<"$OUT"; grep -F '{"paid":1.5}' <<<"$OUT"; grep -F '{"paid":2}' <<<"$OUT")
expect_eq "$(grep -c . <<<"$OUT")" 3 "outputs: $OUT"
expect_eq "${#L[@]}" 3 "outputs: $OUT"
expect_eq "$(cut -d'|' -f1,2 <<<"${L[0]}")" 'c-1|{"paid":1}' "first output"
expect_eq "$(cut -d'|' -f1,2 <<<"${L[1]}")" 'c-1|{"paid":1.5}' "second output"
expect_eq "$(cut -d'|' -f1,2 <<<"${L[2]}")" 'pay-2|{"paid":2}' "third output (a record line)"
expect_contains "${L[0]}" "ce_correlationid=corr-1" "correlation id of input 1"
expect_contains "${L[2]}" "ce_correlationid=$ID2" "correlation id of input 2 (its ce_id)"
expect_contains "${L[2]}" "h=x" "the record line's own header"
# Same trace, new spans (different from the input's and from each other).
for i in 0 1; do
  tp=$(grep -o 'ce_traceparent=[0-9a-f-]*' <<<"${L[$i]}" | cut -d= -f2)
  expect_eq "${tp:0:36}" "${TP:0:36}" "trace id of output $i"
  expect_eq "${tp:52}" "${TP:52}" "flags of output $i"
  [ "${tp:36:16}" != "${TP:36:16}" ] || fail "output $i kept the input's span id"
  eval "span$i=${tp:36:16}"
done
# shellcheck disable=SC2154
[ "$span0" != "$span1" ] || fail "two outputs share a span id"
expect_not_contains "${L[2]}" "traceparent" "input 2 had no trace context"

# Everything was committed with its outputs: nothing runs again.
run_evt --timeout 60 -X session.timeout.ms=6000 consume "$IN" -g g1 -e --exec ./h.sh --to "$TO"
expect_rc 0 "second run"
expect_contains "$ERR" "handled 0 record(s)" "second run's summary"

# A handler whose stdout is not JSON fails (error class output), here
# without retries: evt stops with 3 and commits nothing of it.
T2=$(unique_topic bad)
printf '{"value":{"n":1}}\n' | timeout 20 "$EVT" -q publish -t "$T2" -p 0 || fail "publish bad"
run_evt --timeout 60 -X session.timeout.ms=6000 consume "$T2" -g g2 -e --retries 0 --shell \
  --exec 'cat >/dev/null; echo not json' --to "$TO"
expect_rc 3 "not JSON on stdout"
expect_contains "$ERR" "(output)" "error class"
exit 0
