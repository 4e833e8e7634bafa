# evt topics lists and describes topics with exact end offsets; create works
# on the sandbox through its control channel.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"
start_sandbox --topic alpha:3

for i in 1 2 3 4 5; do echo "a$i"; done | timeout 20 kcat -b "$BROKERS" -P -t alpha -p 0
for i in 1 2; do echo "b$i"; done | timeout 20 kcat -b "$BROKERS" -P -t alpha -p 2

run_evt topics
expect_rc 0
expect_eq "$OUT" $'TOPIC  PARTITIONS  REPLICAS\nalpha           3         1' "topics list"

run_evt topics describe alpha -o json
expect_rc 0
ends=$(printf '%s' "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%d:%d-%d" % (p["partition"], p["log_start"], p["log_end"]) for p in d["partitions"]))')
expect_eq "$ends" "0:0-5 1:0-0 2:0-2" "log start/end per partition"

run_evt topics describe alpha
expect_rc 0
expect_contains "$OUT" $'topic alpha\nPARTITION  LEADER  REPLICAS  ISR  LOG-START  LOG-END  RECORDS' "describe header"
expect_contains "$OUT" "        0       1  1         1            0        5        5" "partition 0 row"

run_evt topics describe missing-topic
expect_rc 2
expect_eq "$ERR" $'evt: error: topic \'missing-topic\' does not exist on '"$BROKERS"$'\nevt: hint: `evt topics` lists the topics that exist' "unknown topic"

# create goes through the sandbox control channel when the sandbox is ours
unset EVT_BROKERS
run_evt topics create beta -p 6
expect_rc 0
expect_contains "$ERR" "evt: using the local sandbox at $BROKERS"
expect_contains "$ERR" "created topic beta with 6 partition(s)"
run_evt topics -o json
expect_rc 0
expect_contains "$OUT" '"partitions": 6' "new topic listed"
echo ok
