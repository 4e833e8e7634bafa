# Shared helpers for integration scenarios. Each scenario file sources this,
# runs the real evt binary ($EVT) and asserts exactly on stdout, stderr and
# exit codes. Exit 77 tells ctest the scenario was skipped.
set -u

: "${EVT:?EVT must point at the evt binary}"
: "${EVT_SRC:?EVT_SRC must point at the source tree}"

TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/evt-it-${TEST_NAME}.XXXXXX")
cd "$TEST_DIR" || exit 1
# Isolate every scenario: no user config, no sandbox state from elsewhere.
export HOME="$TEST_DIR/home" XDG_RUNTIME_DIR="$TEST_DIR/run" XDG_CONFIG_HOME="$TEST_DIR/config"
export XDG_CACHE_HOME="$TEST_DIR/cache"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
unset EVT_BROKERS EVT_CONTEXT EVT_CONFIG NO_COLOR
SANDBOX_PID=""

cleanup() {
  if [ -n "$SANDBOX_PID" ]; then
    kill "$SANDBOX_PID" 2>/dev/null
    wait "$SANDBOX_PID" 2>/dev/null
  fi
  if [ "${KEEP_TEST_DIR:-0}" = 0 ]; then rm -rf "$TEST_DIR"; fi
}
trap cleanup EXIT

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  exit 1
}

skip() {
  echo "SKIP [$TEST_NAME]: $*"
  exit 77
}

# wait_exit PID NAME [SECONDS]: waits at most SECONDS (default 50) for the
# background process PID to end and sets RC to its exit code; kills it and
# fails, showing NAME.err, when it does not end in time.
wait_exit() {
  local tenths=$((${3:-50} * 10))
  for _ in $(seq 1 "$tenths"); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -KILL "$1"
    fail "$2 did not finish within ${3:-50} s: $(cat "$2.err" 2>/dev/null)"
  fi
  wait "$1"
  RC=$?
}

# scale_out_churn: with a function `member NAME` that starts one process of
# a scaled-out run in the background (stdout NAME.out, stderr NAME.err,
# its pid added to PIDS, which are killed when the scenario ends),
# starts members a and b, adds c once the group has formed (its first join
# takes about 3 s on the sandbox) and 2 s of work were done, SIGKILLs b
# mid-run, and expects a and c to finish with exit 0, each having done
# some of the work (jq expression $1 over its JSON report) and together
# less than all of it ($2).
scale_out_churn() {
  local a b c
  PIDS=()
  trap 'kill -KILL "${PIDS[@]}" 2>/dev/null; cleanup' EXIT
  member a
  a=$!
  member b
  b=$!
  sleep 5
  member c
  c=$!
  sleep 2.5
  kill -0 "$b" 2>/dev/null || fail "member b ended before it could be killed: $(cat b.err)"
  kill -KILL "$b"
  wait "$b" 2>/dev/null
  for m in a c; do
    if [ "$m" = a ]; then wait_exit "$a" a; else wait_exit "$c" c; fi
    ERR=$(cat "$m.err")
    expect_rc 0 "member $m"
  done
  # Both survivors worked, and together did less than everything: b did some.
  local done_a done_c
  done_a=$(jq -r "$1" a.out)
  done_c=$(jq -r "$1" c.out)
  [ "$done_a" -gt 0 ] || fail "member a did nothing ($1)"
  [ "$done_c" -gt 0 ] || fail "member c (joined mid-run) did nothing ($1)"
  [ "$((done_a + done_c))" -lt "$2" ] ||
    fail "members a and c did everything: b's work was lost or doubled ($done_a + $done_c of $2)"
}

# start_sandbox [args…]: starts `evt sandbox --port 0`, waits for its address,
# sets BROKERS and exports EVT_BROKERS.
start_sandbox() {
  "$EVT" sandbox --port 0 "$@" >"$TEST_DIR/sandbox.out" 2>"$TEST_DIR/sandbox.err" &
  SANDBOX_PID=$!
  for _ in $(seq 1 100); do
    BROKERS=$(head -n 1 "$TEST_DIR/sandbox.out" 2>/dev/null)
    [ -n "$BROKERS" ] && break
    kill -0 "$SANDBOX_PID" 2>/dev/null || fail "sandbox exited: $(cat "$TEST_DIR/sandbox.err")"
    sleep 0.05
  done
  [ -n "$BROKERS" ] || fail "sandbox printed no address"
  export EVT_BROKERS="$BROKERS"
}

# unique_topic PREFIX: a topic name no other scenario uses.
unique_topic() {
  echo "${1:-t}-$$-$RANDOM"
}

# run_evt [--timeout S] ARGS…: runs evt, capturing OUT, ERR and RC.
run_evt() {
  local limit=30
  if [ "${1:-}" = "--timeout" ]; then limit=$2; shift 2; fi
  OUT=$(timeout "$limit" "$EVT" "$@" 2>"$TEST_DIR/stderr")
  RC=$?
  ERR=$(cat "$TEST_DIR/stderr")
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
  if [ "$1" != "$2" ]; then
    fail "${3:-value}: expected [$2] got [$1]"
  fi
}

# expect_contains HAYSTACK NEEDLE [WHAT]
expect_contains() {
  case "$1" in
    *"$2"*) ;;
    *) fail "${3:-output} does not contain [$2]: [$1]" ;;
  esac
}

# expect_not_contains HAYSTACK NEEDLE [WHAT]
expect_not_contains() {
  case "$1" in
    *"$2"*) fail "${3:-output} unexpectedly contains [$2]: [$1]" ;;
    *) ;;
  esac
}

# expect_rc EXPECTED [WHAT]: checks RC from the last run_evt.
expect_rc() {
  if [ "$RC" != "$1" ]; then
    fail "${2:-exit code}: expected $1 got $RC; stderr: $ERR"
  fi
}
