# evt publish: a broker down for longer than the delivery timeout ends with
# exit 3, the undelivered lines named and counted (never exit 0); SIGINT
# stops reading, flushes what is in flight and exits 130.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox --topic down:1 --topic sig:1
command -v kcat >/dev/null || skip "kcat not installed"
wait_for_records() {  # TOPIC COUNT: prints the count once COUNT records are readable (10 s at most)
  local n=0
  for _ in $(seq 1 100); do
    n=$(timeout 10 kcat -C -b "$BROKERS" -t "$1" -o beginning -e -q -f '%s\n' | wc -l)
    [ "$n" -ge "$2" ] && break
    sleep 0.1
  done
  echo "$n"
}

# Lines arrive through a FIFO so the broker goes down mid-run.
mkfifo down.fifo
timeout 60 "$EVT" publish -t down -f down.fifo --input raw --delivery-timeout 2 >out.txt 2>err.txt &
PUB=$!
exec 3>down.fifo
printf 'a1\na2\na3\na4\na5\n' >&3
expect_eq "$(wait_for_records down 5)" 5 "records delivered before the outage"
run_evt sandbox ctl down 1
expect_rc 0
printf 'b6\nb7\nb8\nb9\nb10\n' >&3
exec 3>&-
wait "$PUB"
RC=$?
ERR=$(cat err.txt)
expect_rc 3 "exit code with the broker down"
expect_eq "$(cat out.txt)" "" "stdout"
# librdkafka times the records out (or evt purges them after the timeout
# plus a margin): either way each line is named and counted.
expect_eq "$(echo "$ERR" | sed 's/ in [0-9.]* s (.*)$/ in …/; s/not delivered: Local: Purged in queue/not delivered: Local: Message timed out/')" \
"evt: down.fifo:6-10: not delivered: Local: Message timed out
evt: stopped reading after the failed delivery of down.fifo:6
evt: sent 5, rejected 0, failed 5 in …"
run_evt sandbox ctl up 1
expect_rc 0

# SIGINT while waiting for input: what was read is delivered, exit 130
mkfifo sig.fifo
"$EVT" publish -t sig -f sig.fifo --input raw >out.txt 2>err.txt &
PUB=$!
exec 3>sig.fifo
printf 's1\ns2\ns3\n' >&3
expect_eq "$(wait_for_records sig 3)" 3 "records delivered before SIGINT"
kill -INT "$PUB"
wait "$PUB"
RC=$?
exec 3>&-
ERR=$(cat err.txt)
expect_rc 130 "exit code after SIGINT"
expect_eq "$(echo "$ERR" | sed 's/ in [0-9.]* s (.*)$/ in …/')" \
"evt: interrupted: stopped reading, flushed what was in flight
evt: sent 3, rejected 0, failed 0 in …"
echo ok
