# The sandbox prints its address first; kcat (another Kafka client) can
# produce to it and consume from it; the sandbox stops cleanly on SIGTERM.
. "$EVT_SRC/tests/integration/lib.sh"
command -v kcat >/dev/null || skip "kcat is not installed"

start_sandbox --topic kc:2
expect_contains "$BROKERS" "127.0.0.1:" "bootstrap address"
topic=kc

printf 'k1:one\nk2:two\nk3:three\n' | timeout 20 kcat -b "$BROKERS" -P -t "$topic" -K: -p 0 ||
  fail "kcat could not produce"
got=$(timeout 20 kcat -b "$BROKERS" -C -t "$topic" -p 0 -o beginning -e -q -f '%k=%s@%o\n') ||
  fail "kcat could not consume"
expect_eq "$got" $'k1=one@0\nk2=two@1\nk3=three@2' "records read back by kcat"

# The state file lets other evt commands find this sandbox.
state=$(cat "$XDG_RUNTIME_DIR/evt/sandbox.json")
expect_contains "$state" "\"bootstrap\":\"$BROKERS\"" "state file"

kill -TERM "$SANDBOX_PID"
wait "$SANDBOX_PID"
rc=$?
SANDBOX_PID=""
expect_eq "$rc" 0 "sandbox exit code after SIGTERM"
[ ! -e "$XDG_RUNTIME_DIR/evt/sandbox.json" ] || fail "state file left behind"

# An explicit --port goes through the bootstrap proxy: kcat works through
# it, and with broker 1 down a client bootstrapping there gets a clean error.
for _ in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 30000))
  "$EVT" sandbox --port "$port" --topic px:1 >"$TEST_DIR/px.out" 2>"$TEST_DIR/px.err" &
  SANDBOX_PID=$!
  for _ in $(seq 1 100); do [ -s "$TEST_DIR/px.out" ] && break; kill -0 "$SANDBOX_PID" 2>/dev/null || break; sleep 0.05; done
  [ -s "$TEST_DIR/px.out" ] && break
  wait "$SANDBOX_PID"; SANDBOX_PID=""
done
[ -n "$SANDBOX_PID" ] || fail "no sandbox on an explicit port: $(cat "$TEST_DIR/px.err")"
expect_eq "$(head -n 1 "$TEST_DIR/px.out")" "127.0.0.1:$port" "explicit port address"
echo 'via:proxy' | timeout 20 kcat -b "127.0.0.1:$port" -P -t px -K: -p 0 || fail "kcat through the proxy"
got=$(timeout 20 kcat -b "127.0.0.1:$port" -C -t px -p 0 -o beginning -e -q -f '%k=%s\n')
expect_eq "$got" "via=proxy" "record through the proxy"
run_evt sandbox ctl down 1
expect_rc 0
run_evt -b "127.0.0.1:$port" topics --timeout 2
expect_rc 3
expect_contains "$ERR" "evt: error: cannot fetch metadata: Local: " "proxy with broker 1 down"
expect_not_contains "$ERR" "%3|" "librdkafka log lines"
run_evt sandbox ctl up 1
run_evt -b "127.0.0.1:$port" topics --timeout 10
expect_rc 0
expect_contains "$OUT" "px " "topics through the proxy after broker 1 is back"
echo ok
