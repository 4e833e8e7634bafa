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
echo ok
