#!/usr/bin/env bash
# evt completion bash|zsh|fish: the generated scripts load in real shells and
# complete subcommands, flags, enum values and topic names from the cluster.
set -u
. "$EVT_SRC/tests/integration/lib.sh"

# The scripts call `evt` by the name typed on the command line.
mkdir -p bin
ln -s "$EVT" bin/evt
export PATH="$TEST_DIR/bin:$PATH"

run_evt completion bash
[ "$RC" -eq 0 ] || fail "completion bash exited $RC: $ERR"
printf "%s\n" "$OUT" >evt.bash
run_evt completion zsh
[ "$RC" -eq 0 ] || fail "completion zsh exited $RC: $ERR"
printf "%s\n" "$OUT" >_evt
run_evt completion fish
[ "$RC" -eq 0 ] || fail "completion fish exited $RC: $ERR"
printf "%s\n" "$OUT" >evt.fish
run_evt completion tcsh
[ "$RC" -eq 2 ] || fail "completion tcsh exited $RC, want 2"

# bash: invoke the registered function as bash does, with COMP_WORDS/COMP_CWORD.
bash_complete() {
  bash --norc --noprofile -c '
    source ./evt.bash || exit 9
    [ "$(complete -p evt)" = "complete -F _evt evt" ] || exit 8
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _evt evt "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$@"
}
expect_words() {  # expect_words WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: got [$(echo $3)], want [$(echo $2)]"
}

expect_words "bash: evt ta" "tail" "$(bash_complete evt ta)"
expect_words "bash: evt sch" "schema" "$(bash_complete evt sch)"
got=$(bash_complete evt '')
for c in sandbox topics config publish partition-of tail schema lag completion; do
  grep -qx "$c" <<<"$got" || fail "bash: '$c' missing after 'evt ': $got"
done
grep -qx conformance <<<"$(bash_complete evt schema '')" && fail "bash: hidden 'schema conformance' offered"
expect_words "bash: evt schema " "check
lint
validate" "$(bash_complete evt schema '')"
expect_words "bash: evt schema check --m" "--mode" "$(bash_complete evt schema check --m)"
expect_words "bash: evt tail -o " "jsonl
pretty
raw
template" "$(bash_complete evt tail -o '')"
expect_words "bash: evt lag --output " "json
prometheus
text" "$(bash_complete evt lag --output '')"
expect_words "bash: evt -q tail --binary h" "hex" "$(bash_complete evt -q tail --binary h)"
expect_words "bash: evt lag --fail-on s" "stall
stop" "$(bash_complete evt lag --fail-on s)"
expect_words "bash: evt --color " "always
auto
never" "$(bash_complete evt --color '')"
expect_words "bash: evt schema check --mode full" "full
full_transitive" "$(bash_complete evt schema check --mode full)"
got=$(bash_complete evt tail -)
for f in -s --start --end -e --exit --binary --where -b --brokers -o --output --timeout -h --help; do
  grep -qx -- "$f" <<<"$got" || fail "bash: '$f' missing after 'evt tail -': $got"
done
grep -qx -- --data <<<"$got" && fail "bash: publish's --data offered for tail"
# A flag's value is not a subcommand: 'evt -o json topics ' still completes topics' subcommands.
expect_words "bash: evt -o json topics " "create
describe
list" "$(bash_complete evt -o json topics '')"
# File names where a value is free-form.
touch orders.jsonl
expect_words "bash: evt publish -f ord" "orders.jsonl" "$(bash_complete evt publish -f ord)"

# zsh: syntax, compinit picks up the file from $fpath, and the shared helper answers.
zsh -n _evt || fail "zsh -n rejects the script"
zsh_next() {
  zsh -f -c 'autoload -U compinit; compinit -u -d "$PWD/zcompdump"; source ./_evt || exit 9
             (( $+functions[_evt] )) || exit 8; [[ $_comps[evt] == _evt ]] || exit 7
             _evt_next $(($# - 1)) "$@" | sort' zsh "$@"
}
# _evt_next leaves prefix matching to compadd.
expect_words "zsh: evt ta" "tail" "$(zsh_next evt ta | grep '^ta')"
expect_words "zsh: evt schema " "check
lint
validate" "$(zsh_next evt schema '')"
expect_words "zsh: evt tail -o " "jsonl
pretty
raw
template" "$(zsh_next evt tail -o '')"
got=$(zsh_next evt tail -)
grep -qx -- --binary <<<"$got" || fail "zsh: --binary missing after 'evt tail -': $got"
got=$(zsh -f -c 'fpath=("$PWD" $fpath); autoload -U compinit; compinit -u -d "$PWD/zcompdump2"; print -r -- $_comps[evt]')
[ "$got" = "_evt" ] || fail "zsh: compinit did not register _evt from \$fpath: '$got'"

# fish: syntax and real completions.
fish -n evt.fish || fail "fish -n rejects the script"
fish_complete() {
  fish --no-config -c 'source ./evt.fish; complete -C $argv[1]' "$1" | cut -f1 | sort
}
expect_words "fish: evt ta" "tail" "$(fish_complete 'evt ta')"
expect_words "fish: evt tail --bin" "--binary" "$(fish_complete 'evt tail --bin')"
expect_words "fish: evt tail --binary " "base64
escape
hex" "$(fish_complete 'evt tail --binary ')"
expect_words "fish: evt lag -o " "json
prometheus
text" "$(fish_complete 'evt lag -o ')"
expect_words "fish: evt schema " "check
lint
validate" "$(fish_complete 'evt schema ')"

# Topic names come from the cluster the typed flags point at.
start_sandbox
T=$(unique_topic done)
run_evt topics create "$T" -p 1
[ "$RC" -eq 0 ] || fail "topics create: $ERR"
unset EVT_BROKERS
got=$(bash_complete evt -b "$BROKERS" tail "${T%-*}")
expect_words "bash: evt -b … tail <topic prefix>" "$T" "$got"
got=$(bash_complete evt publish -b "$BROKERS" -t "${T%-*}")
expect_words "bash: evt publish -t <topic prefix>" "$T" "$got"
# A topic name is data from the broker: completing it runs nothing and
# offers it quoted for the shell.
run_evt publish -b "$BROKERS" -t 'cq$(touch${IFS}PWNED)' --data 1
[ "$RC" -eq 0 ] || fail "publish to the hostile topic: $ERR"
got=$(bash_complete evt -b "$BROKERS" tail cq)
[ -e PWNED ] && fail "bash completion ran a command substitution from a topic name"
expect_words "bash: hostile topic name offered quoted" 'cq\$\(touch\$\{IFS\}PWNED\)' "$got"
got=$(fish_complete "evt -b $BROKERS topics describe ${T%-*}")
expect_words "fish: evt topics describe <topic prefix>" "$T" "$got"
echo "ok"
