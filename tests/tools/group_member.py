#!/usr/bin/python3
"""A kafka-python consumer-group member for evt's rebalance scenarios.

Usage: group_member.py BROKERS TOPIC GROUP SESSION_TIMEOUT_MS

Joins GROUP on TOPIC and prints "topic partition offset" for every record,
one line each, flushed. It commits a batch's offsets before printing it and
prints nothing of a batch whose commit a rebalance refused (it seeks back
instead), so a record it printed is never read again by the group. SIGTERM
or SIGINT: leave the group and exit 0.
"""
import os
import signal
import sys
import threading

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata


def main():
    brokers, topic, group, session_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    stop = []
    printing = threading.Lock()

    def leave_soon():
        # kafka-python's poll can block through a whole rebalance: after
        # 3 s, exit anyway, but never in the middle of printing a batch.
        with printing:
            sys.stdout.flush()
            os._exit(0)

    def on_signal(*_):
        if not stop:
            timer = threading.Timer(3.0, leave_soon)
            timer.daemon = True
            timer.start()
        stop.append(1)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    consumer = KafkaConsumer(
        bootstrap_servers=brokers,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=session_ms,
        heartbeat_interval_ms=max(100, session_ms // 6),
        max_poll_records=100,
    )
    consumer.subscribe([topic])
    while not stop:
        try:
            batch = consumer.poll(timeout_ms=200)
        except KafkaError as e:
            # The sandbox answers a SyncGroup that comes after the leader's
            # with INVALID_REQUEST; the next poll joins again.
            sys.stderr.write("group_member: %s; joining again\n" % e)
            continue
        if not batch:
            continue
        offsets = {}
        for tp, records in batch.items():
            offsets[tp] = OffsetAndMetadata(records[-1].offset + 1, None)
        try:
            consumer.commit(offsets)
        except (CommitFailedError, KafkaError):
            # A rebalance: whoever owns these partitions next reads them.
            for tp, records in batch.items():
                try:
                    consumer.seek(tp, records[0].offset)
                except (AssertionError, KafkaError):
                    pass  # no longer ours
            continue
        with printing:
            for tp, records in batch.items():
                for r in records:
                    sys.stdout.write("%s %d %d\n" % (r.topic, r.partition, r.offset))
            sys.stdout.flush()
    consumer.close(autocommit=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
