#!/usr/bin/env bash
# evt consume --pipe: one long-running handler reads record lines and
# answers verdict lines. A handler that crashes every 1,000 records is
# restarted and its in-flight record retried: nothing lost. "fail REASON"
# dead-letters at once; kafka-python produces the input and reads the dead
# letter's header set back (interop with a non-librdkafka client).
. "$EVT_SRC/tests/integration/lib.sh"
PY=/usr/bin/python3
"$PY" -c 'import kafka' 2>/dev/null || skip "python3-kafka is not installed"
start_sandbox
X=(-X session.timeout.ms=6000)
export LOG="$TEST_DIR/log"
T=$(unique_topic pipe)
run_evt topics create "$T" -p 1
expect_rc 0

# 3,000 records from kafka-python, one of them poison.
"$PY" - "$BROKERS" "$T" <<'PY' || fail "kafka-python producer"
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1], api_version=(2, 5, 0))
for i in range(1, 3001):
    v = b"poison" if i == 1500 else str(i).encode()
    p.send(sys.argv[2], value=v, key=b"k%d" % (i % 7), partition=0, headers=[("n", str(i).encode())])
p.flush(timeout=20)
PY

cat >handler.py <<'PY'
import json, os, sys
seen = 0
log = open(os.environ["LOG"], "a")
for line in sys.stdin:
    rec = json.loads(line)
    seen += 1
    if seen == 1000:
        os._exit(3)  # crash with a record in flight
    if rec["value"] == "poison":
        print("fail cannot eat " + rec["value"], flush=True)
        continue
    log.write("%s %s\n" % (rec["offset"], rec["value"]))
    log.flush()
    print("ok", flush=True)
PY
run_evt --timeout 90 "${X[@]}" consume "$T" -g p1 -e --pipe --retries 2 --backoff 1ms:5ms \
  --dlq "$T-dlq" --exec "$PY $TEST_DIR/handler.py"
expect_rc 0 "consume --pipe"
expect_eq "$(wc -l <"$LOG" | tr -d ' ')" 2999 "every record but the poison handled"
expect_eq "$(cut -d' ' -f2 "$LOG" | sort -n | uniq | wc -l | tr -d ' ')" 2999 "each once"
expect_eq "$(cut -d' ' -f2 "$LOG" | sort -n | head -n 1) $(cut -d' ' -f2 "$LOG" | sort -n | tail -n 1)" "1 3000" "first and last"
expect_contains "$ERR" "evt: handled 2999 record(s) in 3003 attempt(s); 3 retried, 1 dead-lettered, 0 skipped"
expect_contains "$ERR" "evt: $T[0]@1499 failed after 1 attempt(s) (verdict:fail); dead-lettered to $T-dlq"
run_evt lag -g p1 -o json
expect_eq "$(jq -c '.groups[0].lag' <<<"$OUT")" "0" "lag after --pipe"

# kafka-python reads the dead letter: original key, value, headers, and evt's set.
got=$("$PY" - "$BROKERS" "$T-dlq" <<'PY'
import sys
from kafka import KafkaConsumer
c = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], auto_offset_reset="earliest",
                  consumer_timeout_ms=5000, api_version=(2, 5, 0))
for m in c:
    h = dict((k, v.decode()) for k, v in m.headers)
    print(m.key.decode(), m.value.decode(), h["n"], h["evt_dlq_original_offset"], h["evt_dlq_error"],
          h["evt_dlq_error_message"], h["evt_dlq_attempts"], "exit_code" if "evt_dlq_exit_code" in h else "-",
          h["evt_dlq_group"])
    break
PY
)
expect_eq "$got" "k2 poison 1500 1499 verdict:fail cannot eat poison 1 - p1" "dead letter seen by kafka-python"

# A handler that does not speak the protocol: its record fails, the process is replaced.
T2=$(unique_topic bad)
printf 'a\nb\n' | timeout 20 kcat -P -b "$BROKERS" -t "$T2" -p 0 || fail kcat
cat >bad.sh <<'SH'
#!/bin/sh
while read -r l; do
  case "$l" in
    *'"value":"a"'*) echo hello ;;
    *) echo ok ;;
  esac
done
SH
chmod +x bad.sh
run_evt --timeout 60 "${X[@]}" consume "$T2" -g p2 -e --pipe --retries 0 --dlq "$T2-dlq" --exec "$TEST_DIR/bad.sh"
expect_rc 0 "protocol error"
expect_contains "$ERR" "evt: $T2[0]@0 failed after 1 attempt(s) (protocol); dead-lettered to $T2-dlq"
expect_contains "$ERR" "evt: handled 1 record(s) in 2 attempt(s)"
exit 0
