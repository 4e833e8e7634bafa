# evt replay between two clusters (two sandboxes): --to-brokers,
# --to-context and --to-X pick the destination; the records land there and
# the checkpoint (the run's group) stays with the source cluster.
. "$EVT_SRC/tests/integration/lib.sh"
S=$(unique_topic xs)
D=$(unique_topic xd)
start_sandbox --topic "$S:2"
A="$BROKERS"
# The second sandbox keeps its state elsewhere so both can run.
mkdir -p "$TEST_DIR/run2"
XDG_RUNTIME_DIR="$TEST_DIR/run2" "$EVT" sandbox --port 0 --topic "$D:2" >"$TEST_DIR/sb2.out" 2>"$TEST_DIR/sb2.err" &
SB2=$!
trap 'kill $SB2 2>/dev/null; wait $SB2 2>/dev/null; cleanup' EXIT
for _ in $(seq 1 100); do
  B=$(head -n 1 "$TEST_DIR/sb2.out" 2>/dev/null)
  [ -n "$B" ] && break
  sleep 0.05
done
[ -n "$B" ] || fail "second sandbox printed no address"
[ "$B" != "$A" ] || fail "both sandboxes at $A"

seq 1 7 | timeout 20 "$EVT" publish -t "$S" -p 0 -f - >/dev/null 2>&1 || fail "publish"
seq 8 10 | timeout 20 "$EVT" publish -t "$S" -p 1 -f - >/dev/null 2>&1 || fail "publish"
expect_eq "$("$EVT" tail "$S" -e -f '%s\n' 2>/dev/null | wc -l)" 10 "source records"

run_evt replay "$S" --to "$D" --to-brokers "$B" --to-X client.id=evt-dest --run-id x1 -o json
expect_rc 0 "cross-cluster replay"
expect_eq "$(echo "$OUT" | jq -c '[.written, .partition_by]')" '[10,"same"]'
expect_eq "$("$EVT" -b "$B" tail "$D" -e -f '%p %s\n' 2>/dev/null | sort -n -k2 | tr '\n' ' ')" \
  "0 1 0 2 0 3 0 4 0 5 0 6 0 7 1 8 1 9 1 10 " "records on the destination cluster, same partitions"
expect_eq "$("$EVT" -b "$A" topics 2>/dev/null | grep -c "^$D ")" 0 "nothing written to the source cluster"

# The checkpoint is on the source cluster: the run's group committed the ends there.
run_evt -o json replay --group evt-replay-x1 --to-latest
expect_rc 0
expect_eq "$(echo "$OUT" | jq -r '[.partitions[] | "\(.partition):\(.current)"] | join(" ")')" "0:7 1:3" "checkpoint on the source"
run_evt -b "$B" replay --group evt-replay-x1 --to-latest
expect_rc 2
expect_contains "$ERR" "group 'evt-replay-x1' has no committed offsets to move"

# Again: already complete. A context names the destination too.
cfg="$XDG_CONFIG_HOME/evt/config.yaml"
mkdir -p "$(dirname "$cfg")"
printf 'contexts:\n  staging:\n    brokers: %s\n' "$B" > "$cfg"
chmod 600 "$cfg"
run_evt replay "$S" --to "$D" --to-context staging --run-id x1 -o json
expect_rc 0
expect_eq "$(echo "$OUT" | jq -c '[.already_complete, .written]')" '[true,0]' "resumed across clusters: complete"
run_evt replay "$S" --to "$D" --to-context staging -p 1 --run-id x2 -o json
expect_rc 0
expect_eq "$(echo "$OUT" | jq -c .written)" 3 "--to-context"
expect_eq "$("$EVT" -b "$B" tail "$D" -e -p 1 -f '%s\n' 2>/dev/null | wc -l)" 6 "six records in partition 1 now"

# Same topic name on another cluster is not "into itself".
run_evt replay "$S" --to "$S" --to-brokers "$B" --run-id x3
expect_rc 2
expect_contains "$ERR" "topic '$S' does not exist"
run_evt replay "$S" --to "$D" --to-brokers "$B" --to-X no.such.property=1
expect_rc 2
exit 0
