#!/usr/bin/env bash
# Every long flag that `evt … --help` shows is documented in that command's
# man page: man/evt-<sub>.1 (nested commands such as `schema check` live in
# their parent's page; the global flags in evt.1). Every command has a page
# with EXIT STATUS and EXAMPLES.
set -u
. "$EVT_SRC/tests/integration/lib.sh"

MAN="$EVT_SRC/man"
# Hidden commands (not listed by --help) that still have flags to document.
HIDDEN=("schema conformance")

# The long flags in the option lines of a help text (first column only).
help_flags() {
  sed -n 's/^  \{1,\}\(-[^ ].*\)$/\1/p' | sed 's/   .*//' | grep -oE -- '--[A-Za-z0-9][A-Za-z0-9_-]*' | sort -u
}
# The subcommand names listed under "Subcommands:".
help_subcommands() {
  awk '/^[A-Za-z ]*[Ss]ubcommands:$/ {on = 1; next} on && /^  [a-z]/ {print $1; next} on && !/^  / {on = 0}'
}
# A man page as plain text: roff's \- is a dash, font changes go.
man_text() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g' "$1"
}
documents() {  # documents PAGE FLAG
  man_text "$1" | grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9_-]|$)"
}

help_of() {
  # shellcheck disable=SC2086
  "$EVT" $1 --help 2>&1
}

failures=0
complain() { echo "missing: $*" >&2; failures=$((failures + 1)); }

global_help=$(help_of "")
global_flags=$(help_flags <<<"$global_help")
[ -n "$global_flags" ] || fail "no flags parsed from 'evt --help': $global_help"
for f in $global_flags; do
  documents "$MAN/evt.1" "$f" || complain "evt.1 does not document the global flag $f"
done

# Walk every command the help texts list, plus the hidden ones.
queue=()
for s in $(help_subcommands <<<"$global_help"); do queue+=("$s"); done
[ "${#queue[@]}" -ge 8 ] || fail "too few subcommands parsed from 'evt --help': ${queue[*]}"
queue+=("${HIDDEN[@]}")
checked=0
while [ "${#queue[@]}" -gt 0 ]; do
  cmd=${queue[0]}
  queue=("${queue[@]:1}")
  top=${cmd%% *}
  page="$MAN/evt-$top.1"
  text=$(help_of "$cmd")
  for s in $(help_subcommands <<<"$text"); do queue+=("$cmd $s"); done
  if [ ! -f "$page" ]; then
    complain "evt $cmd has no man page $page"
    continue
  fi
  grep -q '^\.SH "\{0,1\}EXIT STATUS' "$page" || complain "$page has no EXIT STATUS section"
  grep -q '^\.SH "\{0,1\}EXAMPLES' "$page" || complain "$page has no EXAMPLES section"
  for f in $(help_flags <<<"$text"); do
    if grep -qx -- "$f" <<<"$global_flags"; then
      continue  # a global flag: evt.1
    fi
    documents "$page" "$f" || complain "evt-$top.1 does not document 'evt $cmd $f'"
  done
  checked=$((checked + 1))
done
[ "$failures" -eq 0 ] || fail "$failures flag(s) or page(s) undocumented"
[ "$checked" -ge 12 ] || fail "only $checked commands checked"
echo "ok: $checked commands"
