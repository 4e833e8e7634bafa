# Local I/O failures are reported, never lost: --data-file that cannot be
# read (exit 4, named), --out on a full disk (exit 3, named), and timeouts
# below a second said as they were given.
. "$EVT_SRC/tests/integration/lib.sh"
[ -w /dev/full ] || skip "/dev/full is needed"
T=$(unique_topic io)
start_sandbox --topic "$T:1"

# --data-file on a directory is a usage error, like -f DIR. Nothing is sent.
mkdir adir
run_evt publish -t "$T" --data-file adir
expect_rc 2 "--data-file DIR"
expect_eq "$ERR" "evt: error: cannot read --data-file 'adir': it is a directory" "--data-file DIR message"
run_evt tail "$T" -e
expect_rc 0
expect_eq "$OUT" "" "nothing was sent for --data-file DIR"

printf '{"value":"a"}\n{"value":"b"}\n' > two.jsonl
run_evt -q publish -t "$T" -f two.jsonl
expect_rc 0 "publish two records"

# --out on a full disk: exit 3 naming the file, not a silent loss.
run_evt tail "$T" -e --out /dev/full
expect_rc 3 "--out /dev/full"
expect_eq "$ERR" "evt: error: cannot write '/dev/full': No space left on device" "--out /dev/full message"
# The same for standard output.
OUT=$(timeout 30 "$EVT" topics -o json 2>"$TEST_DIR/stderr" >/dev/full)
RC=$?
ERR=$(cat "$TEST_DIR/stderr")
expect_rc 3 "stdout on /dev/full"
expect_eq "$ERR" "evt: error: cannot write output: No space left on device" "stdout /dev/full message"
# dlq reports too (they were written unchecked: exit 0 on a full disk).
"$EVT" -q topics create "$T.DLT" -p 1 >/dev/null
for args in "ls" "check $T.DLT --max-records 0" "inspect $T.DLT"; do
  # shellcheck disable=SC2086
  OUT=$(timeout 30 "$EVT" dlq $args 2>"$TEST_DIR/stderr" >/dev/full)
  RC=$?
  ERR=$(cat "$TEST_DIR/stderr")
  expect_rc 3 "dlq $args on a full stdout"
  expect_eq "$ERR" "evt: error: cannot write output: No space left on device" "dlq $args /dev/full message"
done

# A control socket that accepts and never answers: the wait is bounded by
# --timeout, and 0.5 s is said as 0.5 s.
python3 - "$TEST_DIR/mute.sock" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept()
time.sleep(20)
PY
MUTE=$!
for _ in $(seq 1 100); do [ -S "$TEST_DIR/mute.sock" ] && break; sleep 0.05; done
run_evt sandbox ctl --control "$TEST_DIR/mute.sock" --timeout 0.5 status
kill "$MUTE" 2>/dev/null; wait "$MUTE" 2>/dev/null
expect_rc 3 "mute control socket"
expect_eq "$ERR" "evt: error: the sandbox did not answer within 0.5 s" "sub-second timeout message"

# A bounded read whose fetches keep failing: "no records arrived for 0.5 s".
run_evt sandbox ctl fail Fetch 1000 NOT_LEADER_FOR_PARTITION
expect_rc 0 "fault injection"
run_evt --timeout 30 --timeout 0.5 tail "$T" -e
expect_rc 3 "stalled bounded read"
expect_contains "$ERR" "evt: error: no records arrived for 0.5 s while partitions were short of their end" "stall message"
exit 0
