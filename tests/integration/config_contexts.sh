# Config contexts: view redacts secrets, get-contexts, use-context, bad YAML,
# a world-readable secret warns, and the context's brokers are used.
. "$EVT_SRC/tests/integration/lib.sh"
start_sandbox
unset EVT_BROKERS
cfg="$XDG_CONFIG_HOME/evt/config.yaml"
mkdir -p "$(dirname "$cfg")"
cat >"$cfg" <<YAML
current-context: local
contexts:
  local:
    brokers: $BROKERS
  prod:
    brokers: 127.0.0.1:1
    properties:
      sasl.username: svc
      sasl.password: hunter2
YAML
chmod 600 "$cfg"

run_evt config view
expect_rc 0
expect_not_contains "$OUT" "hunter2"
expect_contains "$OUT" 'sasl.password: "***"'
expect_eq "$ERR" "" "no warning for a private file"

run_evt config get-contexts
expect_rc 0
expect_eq "$OUT" $'CURRENT  NAME   BROKERS\n*        local  '"$BROKERS"$'\n         prod   127.0.0.1:1'

run_evt topics
expect_rc 0

run_evt config use-context staging
expect_rc 2
expect_contains "$ERR" "unknown context 'staging'"
run_evt config use-context prod
expect_rc 0
run_evt config get-contexts -o json
expect_contains "$OUT" '"current": true,
    "name": "prod"'
run_evt --context nope topics
expect_rc 2
expect_contains "$ERR" "evt: error: unknown context 'nope'"

chmod 644 "$cfg"
run_evt config view
expect_contains "$ERR" "evt: warning: config file $cfg contains secrets and is readable by other users; run: chmod 600 $cfg"

printf 'contexts:\n  a: [1,\n' >"$cfg"
run_evt topics
expect_rc 2
expect_contains "$ERR" "evt: error: $cfg:3:1: invalid YAML"

# A file without contexts, a directory, a binary file, duplicate keys.
printf '# nothing here yet\n' >"$cfg"
run_evt config view
expect_rc 0
expect_eq "$OUT" "# $cfg"$'\ncontexts: {}' "view of a file without contexts"
run_evt config get-contexts
expect_rc 0
expect_eq "$OUT" "CURRENT  NAME  BROKERS" "get-contexts without contexts"

printf 'contexts:\n  a: {brokers: x}\n  a: {brokers: y}\n' >"$cfg"
run_evt config view
expect_rc 2
expect_eq "$ERR" "evt: error: $cfg:3:3: duplicate key 'a' (context names must be unique)"$'\n'"evt: hint: see \`man evt\` (CONFIGURATION) for the file format"

head -c 64 "$EVT" >"$cfg"
run_evt config view
expect_rc 2
expect_contains "$ERR" "evt: error: $cfg: not a YAML text file (it contains NUL bytes)"

mkdir -p "$TEST_DIR/dir.yaml"
EVT_CONFIG="$TEST_DIR/dir.yaml" run_evt topics
expect_rc 2
expect_contains "$ERR" "evt: error: cannot read config file $TEST_DIR/dir.yaml: Is a directory"
rm -f "$cfg"
mkdir "$cfg"
run_evt config get-contexts
expect_rc 2
expect_contains "$ERR" "evt: error: cannot read config file $cfg: Is a directory"
rmdir "$cfg"

EVT_CONFIG="$TEST_DIR/absent.yaml" run_evt topics
expect_rc 2
expect_contains "$ERR" "cannot read config file $TEST_DIR/absent.yaml"
echo ok
