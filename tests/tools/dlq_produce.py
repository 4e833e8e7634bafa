#!/usr/bin/python3
"""Writes dead letters the way other frameworks do, for evt dlq scenarios.

dlq_produce.py BROKERS DLQ CONVENTION ORIGIN COUNT [FIRST [REDRIVES]]

Record i (FIRST <= i < FIRST+COUNT) has key "k<i>" and value "v<i>", came
from ORIGIN partition i % 4 at offset 1000 + i, and failed with
org.acme.OrderRejected "Order <i> rejected for 'c<i>'" when i is even,
java.lang.IllegalStateException "bad state <i>" when odd. CONVENTION:
spring (binary headers; every third record was dead-lettered twice, so its
original-* headers repeat with the true origin first), connect, smallrye,
watermill (no partition, no offset). REDRIVES: an evt_redrive_count header.
Dead letters go to DLQ partition i % $DLQ_PARTITIONS (default 2); keep
them under the sandbox's retention (about 5 MB per partition);
$DLQ_TRACE_FRAMES sets the stack trace's frames (default 8);
$ORIGIN_PARTITIONS the origin's partition count (default 4: i % 4).
"""
import os
import struct
import sys

from kafka import KafkaProducer


FRAMES = int(os.environ.get("DLQ_TRACE_FRAMES", "8"))
ORIGIN_PARTITIONS = int(os.environ.get("ORIGIN_PARTITIONS", "4"))


def headers_for(conv, origin, i):
    p, off = i % ORIGIN_PARTITIONS, 1000 + i
    cls, msg = ("org.acme.OrderRejected", "Order %d rejected for 'c%d'" % (i, i)) if i % 2 == 0 else (
        "java.lang.IllegalStateException", "bad state %d" % i)
    trace = cls + ": " + msg + "".join("\n\tat org.acme.Handler.m%d(Handler.java:%d)" % (n, n) for n in range(FRAMES))
    if conv == "spring":
        h = [("kafka_dlt-original-topic", origin.encode()),
             ("kafka_dlt-original-partition", struct.pack(">i", p)),
             ("kafka_dlt-original-offset", struct.pack(">q", off)),
             ("kafka_dlt-original-timestamp", struct.pack(">q", 1763900000000 + i)),
             ("kafka_dlt-original-timestamp-type", b"CreateTime"),
             ("kafka_dlt-original-consumer-group", b"billing")]
        if i % 3 == 0:
            h += [("kafka_dlt-original-topic", (origin + "-retry").encode()),
                  ("kafka_dlt-original-partition", struct.pack(">i", ORIGIN_PARTITIONS - 1 - p)),
                  ("kafka_dlt-original-offset", struct.pack(">q", 5))]
        h += [("kafka_dlt-exception-fqcn", cls.encode()),
              ("kafka_dlt-exception-message", msg.encode()),
              ("kafka_dlt-exception-stacktrace", trace.encode())]
    elif conv == "connect":
        h = [("__connect.errors.topic", origin.encode()),
             ("__connect.errors.partition", str(p).encode()),
             ("__connect.errors.offset", str(off).encode()),
             ("__connect.errors.connector.name", b"jdbc-sink"),
             ("__connect.errors.task.id", b"0"),
             ("__connect.errors.stage", b"VALUE_CONVERTER"),
             ("__connect.errors.class.name", b"org.apache.kafka.connect.json.JsonConverter"),
             ("__connect.errors.exception.class.name", cls.encode()),
             ("__connect.errors.exception.message", msg.encode()),
             ("__connect.errors.exception.stacktrace", trace.encode())]
    elif conv == "smallrye":
        h = [("dead-letter-exception-class-name", cls.encode()),
             ("dead-letter-reason", msg.encode()),
             ("dead-letter-topic", origin.encode()),
             ("dead-letter-partition", str(p).encode()),
             ("dead-letter-offset", str(off).encode())]
    elif conv == "watermill":
        h = [("topic_poisoned", origin.encode()),
             ("reason_poisoned", msg.encode()),
             ("handler_poisoned", b"order_handler"),
             ("subscriber_poisoned", b"orders-sub")]
    else:
        raise SystemExit("unknown convention " + conv)
    return h + [("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]


def main():
    brokers, dlq, conv, origin, count = sys.argv[1:6]
    first = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    extra = [("evt_redrive_count", sys.argv[7].encode())] if len(sys.argv) > 7 else []
    parts = int(os.environ.get("DLQ_PARTITIONS", "2"))
    producer = KafkaProducer(bootstrap_servers=brokers, linger_ms=20, batch_size=256 * 1024, acks=1)
    for i in range(first, first + int(count)):
        producer.send(dlq, key=b"k%d" % i, value=b"v%d" % i, headers=headers_for(conv, origin, i) + extra, partition=i % parts)
    producer.flush(60)
    producer.close(10)


if __name__ == "__main__":
    main()
