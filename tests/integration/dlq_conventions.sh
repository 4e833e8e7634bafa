# evt dlq on dead letters written the way Spring Kafka (binary headers,
# repeated original-* headers), Kafka Connect, SmallRye and Watermill write
# them: inspect groups and decodes; redrive routes each record once to its
# original topic and partition (Watermill: by key) without failure headers
# and with a re-drive count; filters select exactly, and what they skip is
# kept for a later run (re-driven then, the filtered run's records not
# again); a dry run changes nothing; records over --max-redrives, broken
# ones and those whose origin is the dead-letter topic itself are parked
# with a reason, none dropped; a dead letter too large for the destination
# stops the run naming it, or is passed over and counted as failed with
# --skip-too-large.
. "$EVT_SRC/tests/integration/lib.sh"
PRODUCE="/usr/bin/python3 $EVT_SRC/tests/tools/dlq_produce.py"
/usr/bin/python3 -c "import kafka" 2>/dev/null || skip "python3-kafka is not installed"
start_sandbox --topic orders:4 --topic payments:4 --topic prices:4 --topic carts:4 \
  --topic orders.DLT:2 --topic orders.DLT.parked:2 --topic payments-dlq:2 --topic payments-dlq.parked:1 \
  --topic prices-dlq:2 --topic prices-dlq.parked:1 --topic carts-dlq:2 --topic carts-dlq.parked:1 \
  --topic oversize:1 --topic oversize.parked:1
$PRODUCE "$BROKERS" orders.DLT spring orders 30 || fail "producing spring dead letters"
$PRODUCE "$BROKERS" payments-dlq connect payments 20 || fail "producing connect dead letters"
$PRODUCE "$BROKERS" prices-dlq smallrye prices 20 || fail "producing smallrye dead letters"
$PRODUCE "$BROKERS" carts-dlq watermill carts 12 || fail "producing watermill dead letters"

# check_redriven TOPIC KEYS BY_KEY: TOPIC holds exactly records k<i> for
# the given i, once each, on partition i % 4 (or murmur2's with BY_KEY=1),
# no failure header left, evt_redrive_count 1, other headers kept.
check_redriven() {
  timeout 30 "$EVT" tail "$1" -e -o jsonl 2>/dev/null >got.jsonl
  if [ "$3" = 1 ]; then "$EVT" partition-of -n 4 $(seq -f 'k%g' 0 11) >murmur.txt; fi
  /usr/bin/python3 - "$2" "$3" <<'PY' || fail "$1 is not what was re-driven"
import json, sys
want = sorted(int(x) for x in sys.argv[1].split())
by_key = sys.argv[2] == "1"
murmur = [int(x) for x in open("murmur.txt")] if by_key else []
got = [json.loads(l) for l in open("got.jsonl")]
keys = sorted(int(r["key"][1:]) for r in got)
assert keys == want, ("keys", keys, want)
for r in got:
    i = int(r["key"][1:])
    assert r["value"] == "v%d" % i
    assert r["partition"] == (murmur[i] if by_key else i % 4), (i, r["partition"])
    h = [x["key"] for x in r["headers"]]
    bad = [k for k in h if k.startswith(("kafka_dlt-", "__connect.", "dead-letter-")) or k.endswith("_poisoned")]
    assert not bad, bad
    hv = {x["key"]: x["value"] for x in r["headers"]}
    assert hv["evt_redrive_count"] == "1" and "traceparent" in hv, hv
PY
}

# Spring: groups and decoding (k3 was dead-lettered twice: first origin wins).
run_evt dlq inspect orders.DLT -o json
expect_rc 0 "inspect spring"
expect_eq "$(echo "$OUT" | jq -c '[.selected, .conventions, .undecodable]')" '[30,{"spring":30},0]' "spring summary"
expect_eq "$(echo "$OUT" | jq -c '[.groups[] | [.original_topic, .exception_class, .pattern, .count]] | sort')" \
  '[["orders","java.lang.IllegalStateException","bad state <n>",15],["orders","org.acme.OrderRejected","Order <n> rejected for <q>",15]]' "spring groups"
run_evt dlq inspect orders.DLT --key k3 --show 5 -o json
expect_eq "$(echo "$OUT" | jq -c '.records | map([.original_topic, .original_partition, .original_offset, .group, .exception_class, .message])')" \
  '[["orders",3,1003,"billing","java.lang.IllegalStateException","bad state 3"]]' "spring decoding, repeated headers"
run_evt dlq inspect orders.DLT --key k4 --show 1
expect_rc 0 "inspect text"
expect_contains "$OUT" "  original:    orders partition 0 offset 1004 at 2025-11-23T12:13:20.004Z" "inspect text"
expect_contains "$OUT" "… 5 more line(s) (--full)" "folded trace"

# ls finds the dead-letter topics by name (not the parking ones); check.
run_evt dlq ls -o json
expect_rc 0 "ls"
expect_eq "$(echo "$OUT" | jq -c '[.[].topic] | sort')" '["carts-dlq","orders.DLT","payments-dlq","prices-dlq"]' "ls topics"
expect_eq "$(echo "$OUT" | jq -c '.[] | select(.topic == "orders.DLT") | [.records, .pending, .oldest_age_s >= 0, .newest_age_s >= 0]')" \
  '[30,30,true,true]' "ls orders.DLT"
run_evt dlq check orders.DLT payments-dlq --max-age 1h
expect_rc 1 "check --max-age"
expect_contains "$OUT" "orders.DLT: FAIL newest record to re-drive is " "check --max-age"
expect_contains "$OUT" "s old, newer than --max-age" "check --max-age"
run_evt dlq check orders.DLT --max-records 30 -o prometheus
expect_rc 0 "check prometheus"
expect_contains "$OUT" 'evt_dlq_pending_records{topic="orders.DLT"} 30' "prometheus"
expect_contains "$OUT" 'evt_dlq_check_failed{topic="orders.DLT"} 0' "prometheus"
run_evt dlq check orders.DLT --max-records 30 -o prometheus --error-groups
expect_contains "$OUT" 'evt_dlq_error_group_records{topic="orders.DLT",original_topic="orders",exception="org.acme.OrderRejected",message="Order <n> rejected for <q>"} 15' "prometheus per error group"

# A dry run writes and commits nothing.
run_evt dlq redrive orders.DLT --dry-run
expect_rc 0 "dry run"
expect_contains "$OUT" "plan for orders.DLT: 30 to re-drive, 0 to park, 0 skipped by the filters (of 30 after the checkpoint)"
expect_contains "$OUT" "      8  orders/0"
run_evt dlq ls orders.DLT -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending, .checkpoint]')" '[30,30,false]' "after the dry run"
expect_eq "$("$EVT" tail orders -e -o jsonl 2>/dev/null | wc -l)" 0 "orders after the dry run"

run_evt dlq redrive orders.DLT -o json
expect_rc 0 "redrive spring"
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .parked, .skipped, .undecodable]')" '[30,0,0,0]' "spring redrive"
check_redriven orders "$(seq 0 29)" 0
run_evt dlq redrive orders.DLT
expect_rc 0 "re-run"
expect_eq "$ERR" "evt: orders.DLT: nothing to re-drive (checkpoint at the end)" "re-run"
run_evt dlq check orders.DLT --max-records 0
expect_rc 0 "check after the redrive"

# Connect with an exception filter; SmallRye with offset and message filters.
run_evt dlq inspect payments-dlq -o json
expect_eq "$(echo "$OUT" | jq -c '[.conventions, (.groups | length)]')" '[{"connect":20},2]' "connect"
# payments-dlq partition 0 holds the even i at offsets 0..9, partition 1
# the odd ones. The filter selects 0 4 8 12 16: the checkpoint stays at the
# first record skipped (p0 offset 1, p1 offset 0), so 19 are still to
# re-drive; a later run re-drives the skipped ones and finds the others
# already re-driven (resume scan by provenance), so each arrives once.
run_evt dlq redrive payments-dlq --message "^Order (0|4|8|12|16) " -o json
expect_rc 0 "connect filtered"
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .skipped, .already, .failed]')" '[5,15,0,0]' "connect filtered"
check_redriven payments "0 4 8 12 16" 0
run_evt dlq ls payments-dlq -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending]')" '[20,19]' "skipped records are kept for a later run"
run_evt dlq redrive payments-dlq --exception OrderRejected
expect_rc 0 "connect, another filter"
expect_eq "$ERR" "evt: payments-dlq: re-driven 5, parked 0, skipped by filter 10, failed 0, undecodable 0, already re-driven by an earlier run 4" "another filter"
run_evt dlq redrive payments-dlq -o json
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .skipped, .already]')" '[10,0,0]' "unfiltered after filtered runs"
check_redriven payments "$(seq 0 19)" 0
run_evt dlq ls payments-dlq -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending]')" '[20,0]' "all re-driven"
run_evt dlq redrive prices-dlq --dry-run --message "^bad state [0-9]+$" -o json
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .skipped, .destinations]')" '[10,10,{"prices/1":5,"prices/3":5}]' "smallrye plan"
run_evt dlq redrive prices-dlq --offsets 0:5 -o json
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .skipped]')" '[10,10]' "smallrye offsets"
check_redriven prices "$(seq 0 9)" 0

# Watermill: no partition, so by key.
run_evt dlq redrive carts-dlq -o json
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .destinations]')" '[12,{"carts (by key)":12}]' "watermill"
check_redriven carts "$(seq 0 11)" 1

# Over --max-redrives, and broken records: parked with a reason.
run_evt dlq check orders.DLT --max-records 0
expect_rc 0
$PRODUCE "$BROKERS" orders.DLT spring orders 4 100 3 || fail "producing re-driven dead letters"
/usr/bin/python3 - "$BROKERS" <<'PY' || fail "producing broken dead letters"
import struct, sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1])
p.send("orders.DLT", key=b"b1", value=b"x", partition=0, headers=[
    ("kafka_dlt-original-topic", b"orders"), ("kafka_dlt-original-partition", b"\0\0\1")])
p.send("orders.DLT", key=b"b2", value=b"x", partition=0, headers=[
    ("kafka_dlt-original-topic", b"gone"), ("kafka_dlt-original-partition", struct.pack(">i", 1))])
p.send("orders.DLT", key=None, value=b"x", partition=1, headers=[("unrelated", b"1")])
p.send("orders.DLT", key=None, value=b"x", partition=1, headers=[("topic_poisoned", b"orders")])
p.send("orders.DLT", key=b"b3", value=b"x", partition=1, headers=[
    ("kafka_dlt-original-topic", b"orders.DLT"), ("kafka_dlt-original-partition", struct.pack(">i", 0))])
p.flush(30)
PY
run_evt dlq check orders.DLT --max-records 9
expect_rc 0 "check at the limit"
run_evt dlq check orders.DLT --max-records 8
expect_rc 1 "check over the limit"
expect_eq "$OUT" "orders.DLT: FAIL 9 record(s) to re-drive, more than --max-records 8" "check reason"
run_evt dlq redrive orders.DLT -o json
expect_rc 0 "redrive with parking"
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .parked, .undecodable]')" '[0,9,1]' "parked counts"
expect_eq "$("$EVT" tail orders -e -o jsonl 2>/dev/null | wc -l)" 30 "orders unchanged"
timeout 30 "$EVT" tail orders.DLT.parked -e -o jsonl 2>/dev/null >parked.jsonl
expect_eq "$(jq -r '[.key // "null", (.headers | map(select(.key == "evt_redrive_parked"))[0].value)] | join(" ")' parked.jsonl | sort)" \
"b1 undecodable: header 'kafka_dlt-original-partition': 3 byte(s), expected 4 (big-endian int32)
b2 unknown topic 'gone'
b3 original topic 'orders.DLT' is the dead-letter topic itself
k100 re-driven 3 time(s) already (--max-redrives 3)
k101 re-driven 3 time(s) already (--max-redrives 3)
k102 re-driven 3 time(s) already (--max-redrives 3)
k103 re-driven 3 time(s) already (--max-redrives 3)
null no original partition and no key
null no original topic" "parked records and reasons"
expect_eq "$(jq -c 'select(.key == "k102") | [.headers[] | select(.key | startswith("kafka_dlt-original-topic") or . == "evt_redrive_count") | .value]' parked.jsonl)" \
  '["orders","orders-retry","3"]' "parked records keep their headers"

# A custom header mapping from the config file.
mkdir -p "$XDG_CONFIG_HOME/evt"
cat >"$XDG_CONFIG_HOME/evt/config.yaml" <<'YAML'
dlq:
  conventions:
    acme:
      original-topic: acme-src
      original-partition: acme-part
      exception-message: acme-error
YAML
/usr/bin/python3 - "$BROKERS" <<'PY' || fail "producing acme dead letters"
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1])
p.send("carts-dlq", key=b"a1", value=b"x", headers=[("acme-src", b"carts"), ("acme-part", b"2"), ("acme-error", b"E 42")])
p.flush(30)
PY
run_evt dlq inspect carts-dlq --key a1 --show 1 -o json
expect_rc 0 "inspect acme"
expect_eq "$(echo "$OUT" | jq -c '.records[0] | [.convention, .original_topic, .original_partition, .message]')" \
  '["acme","carts",2,"E 42"]' "custom mapping"
# Hostile failure headers: nothing raw reaches the terminal, in any output.
/usr/bin/python3 - "$BROKERS" <<'PY' || fail "producing hostile dead letters"
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1])
evil = "x\x1b]0;owned\x07\x1b[31m\u202e\u009b2J\x7f".encode()
p.send("carts-dlq", key=b"h1" + evil, value=b"x", headers=[("acme-src", b"carts" + evil), ("acme-error", evil),
       ("__connect.errors.topic", evil), ("__connect.errors.exception.stacktrace", evil + b"\n\tat " + evil)])
p.flush(30)
PY
for fmt in text json; do
  timeout 30 "$EVT" dlq inspect carts-dlq --show 20 --full -o "$fmt" >hostile.out 2>hostile.err
  /usr/bin/python3 - hostile.out hostile.err <<'PY' || fail "raw control bytes in dlq inspect -o $fmt"
import re, sys
bad = re.compile(rb'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]')
for f in sys.argv[1:]:
    if bad.search(open(f, 'rb').read()):
        sys.exit(1)
PY
done
expect_contains "$(cat hostile.out)" "owned" "the hostile record is shown"
run_evt dlq inspect carts-dlq --key a1 --convention nope
expect_rc 2 "unknown convention"
expect_contains "$ERR" "evt: error: unknown --convention 'nope'" "unknown convention"

# A dead letter larger than the destination takes (message.max.bytes,
# 1000000 by default): the run stops before it, naming it, with what came
# before it checkpointed; --skip-too-large passes over it, counts it as
# failed (exit 3) and re-drives the rest; the next run has nothing left.
/usr/bin/python3 - "$BROKERS" <<'PY' || fail "producing a large dead letter"
import struct, sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1], max_request_size=4000000)
for i, size in enumerate([1, 1100000, 1]):
    p.send("oversize", key=b"k%d" % i, value=b"v" * size, partition=0, headers=[
        ("kafka_dlt-original-topic", b"carts"), ("kafka_dlt-original-partition", struct.pack(">i", 3))])
p.flush(30)
PY
run_evt dlq redrive oversize
expect_rc 3 "a dead letter too large"
expect_contains "$ERR" "evt: oversize: re-driven 1, parked 0, skipped by filter 0, failed 0, undecodable 0
evt: error: dead letter oversize/0@1 is 1100" "too large: summary and record named"
expect_contains "$ERR" " bytes as re-driven, more than the destination takes (message.max.bytes 1000000)
evt: hint: pass over it with --skip-too-large (counted as failed; it stays in the dead-letter topic)" "too large: way out"
run_evt dlq ls oversize -o json
expect_eq "$(echo "$OUT" | jq -c '.[0] | [.records, .pending]')" '[3,2]' "checkpoint stops before it"
run_evt dlq redrive oversize --skip-too-large -o json
expect_rc 3 "--skip-too-large"
expect_eq "$(echo "$OUT" | jq -c '[.redriven, .parked, .failed, (.failed_records[0] | test("^oversize/0@1 \\(1100[0-9]{3} bytes\\)$"))]')" '[1,0,1,true]' "--skip-too-large counts"
expect_contains "$ERR" "evt: error: 1 dead letter(s) larger than the destination takes were passed over (--skip-too-large): oversize/0@1 (1100" "--skip-too-large message"
run_evt dlq redrive oversize
expect_rc 0 "after --skip-too-large"
expect_eq "$ERR" "evt: oversize: nothing to re-drive (checkpoint at the end)" "after --skip-too-large"
expect_eq "$("$EVT" tail carts -p 3 -e -o jsonl 2>/dev/null | jq -r 'select((.key | startswith("k")) and (.value | length) == 1) | .key' | sort | tr '\n' ' ')" \
  "k0 k2 " "the small ones re-driven once each"
exit 0
