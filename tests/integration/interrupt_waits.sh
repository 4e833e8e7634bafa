# Ctrl-C and SIGTERM end every wait at once (issue 14, item 2): commands
# waiting for an unreachable broker exit 130 on SIGINT well before their
# --timeout; a line that never ends is rejected as it is read and Ctrl-C
# stops its reading; after the broker dies mid-publish the exit follows
# --delivery-timeout. The time bounds are loose hang checks, not speed tests.
. "$EVT_SRC/tests/integration/lib.sh"

# interrupt_after SECONDS SIGNAL CMD…: runs CMD, sends SIGNAL after SECONDS,
# sets RC, ERR and ELAPSED (whole seconds from the signal to the exit).
interrupt_after() {
  local after=$1 sig=$2
  shift 2
  "$@" >"$TEST_DIR/out" 2>"$TEST_DIR/stderr" &
  local pid=$!
  sleep "$after"
  kill -0 "$pid" 2>/dev/null || fail "$* ended before the signal: $(cat "$TEST_DIR/stderr")"
  local start=$SECONDS
  kill -"$sig" "$pid"
  wait "$pid"
  RC=$?
  ELAPSED=$((SECONDS - start))
  ERR=$(cat "$TEST_DIR/stderr")
}

DEAD=127.0.0.1:1
printf '{"a":1}\n' >one.jsonl
for cmd in "publish -t x -f one.jsonl" "lag -g g" "tail x" "tail x -e" "tail x -g g"; do
  # shellcheck disable=SC2086
  interrupt_after 1 INT timeout 30 "$EVT" -b $DEAD --timeout 8 $cmd
  expect_rc 130 "evt $cmd against an unreachable broker, SIGINT at 1 s"
  [ "$ELAPSED" -lt 5 ] || fail "evt $cmd took ${ELAPSED}s to honour SIGINT"
done
interrupt_after 1 TERM timeout 30 "$EVT" -b $DEAD --timeout 8 tail x -g g
expect_rc 130 "tail -g, SIGTERM"
[ "$ELAPSED" -lt 5 ] || fail "tail -g took ${ELAPSED}s to honour SIGTERM"

# A line that never ends: rejected once it passes the limit (exit 4) …
run_evt --timeout 20 publish -t x --dry-run -f /dev/zero
expect_rc 4 "a line that never ends"
expect_contains "$ERR" "evt: /dev/zero:1: the line is longer than"
# … and with --skip-invalid its rest is skipped until Ctrl-C, in bounded memory.
for sig in INT TERM; do
  interrupt_after 1 "$sig" timeout 30 "$EVT" publish -t x --dry-run --skip-invalid -f /dev/zero
  expect_rc 130 "skipping a line that never ends, SIG$sig"
  [ "$ELAPSED" -lt 5 ] || fail "publish took ${ELAPSED}s to honour SIG$sig while skipping"
done
# From a pipe too.
timeout 30 "$EVT" publish -t x --dry-run --skip-invalid < <(cat /dev/zero) >out 2>stderr &
PUB=$!
sleep 1
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$PUB/status")
[ "$rss" -lt 200000 ] || fail "reading a never-ending line took ${rss} kB"
kill -INT "$PUB"
wait "$PUB"
RC=$?
ERR=$(cat stderr)
expect_rc 130 "skipping a never-ending line from a pipe"

# schema validate reads events with the same bound: a line that never ends
# is reported once, the rest skipped in bounded memory until Ctrl-C.
printf '{"type":"string"}\n' > str.json
for sig in INT TERM; do
  interrupt_after 2 "$sig" timeout 30 "$EVT" schema validate -s str.json /dev/zero
  expect_rc 130 "validate of a line that never ends, SIG$sig"
  expect_contains "$(cat "$TEST_DIR/out")" "/dev/zero:1: /: not JSON: the line is longer than 16777216 bytes"
  [ "$ELAPSED" -lt 6 ] || fail "validate took ${ELAPSED}s to honour SIG$sig"
done

# Waiting for input: opening a FIFO nobody writes to, and reading a pipe
# that sends nothing (schema validate reads on a worker thread).
mkfifo never.fifo
interrupt_after 1 INT timeout 30 "$EVT" -b $DEAD publish -t x -f never.fifo
expect_rc 130 "publish -f FIFO, SIGINT while opening"
interrupt_after 1 INT timeout 30 "$EVT" schema validate -s str.json never.fifo
expect_rc 130 "schema validate FIFO, SIGINT while opening"
interrupt_after 1 TERM timeout 30 env EVT_CONFIG=never.fifo "$EVT" -b $DEAD topics
expect_rc 130 "EVT_CONFIG=FIFO, SIGTERM while opening"
interrupt_after 1 INT timeout 30 "$EVT" -b $DEAD --timeout 8 tail x -e --out never.fifo
expect_rc 130 "tail --out FIFO, SIGINT while opening"
mkfifo silent.fifo
(echo '"a"'; exec sleep 20) >silent.fifo 2>/dev/null &
WRITER=$!
interrupt_after 1 INT timeout 30 "$EVT" schema validate -s str.json silent.fifo
kill "$WRITER" 2>/dev/null
expect_rc 130 "schema validate of a silent pipe, SIGINT"
[ "$ELAPSED" -lt 5 ] || fail "validate took ${ELAPSED}s to honour SIGINT on a silent pipe"

# The broker dies mid-publish: exit 3 follows --delivery-timeout (3 s)
# plus evt's margin, the undelivered lines named.
start_sandbox --topic down:1
mkfifo in.fifo
timeout 60 "$EVT" publish -t down -f in.fifo --input raw --delivery-timeout 3 >out 2>stderr &
PUB=$!
exec 3>in.fifo
printf 'a1\na2\n' >&3
for _ in $(seq 1 100); do
  [ "$("$EVT" tail down -e -f '%s\n' 2>/dev/null | wc -l)" -ge 2 ] && break
  sleep 0.1
done
run_evt sandbox ctl down 1
expect_rc 0
START=$SECONDS
printf 'b3\nb4\n' >&3
sleep 1
printf 'b5\n' >&3
exec 3>&-
wait "$PUB"
RC=$?
ELAPSED=$((SECONDS - START))
ERR=$(cat stderr)
expect_rc 3 "publish with the broker down"
expect_contains "$ERR" "evt: in.fifo:3-5: not delivered: "
# 3 s delivery timeout + 2 s margin, and slack for a loaded machine.
[ "$ELAPSED" -le 10 ] || fail "publish took ${ELAPSED}s to give up with --delivery-timeout 3"
exit 0
