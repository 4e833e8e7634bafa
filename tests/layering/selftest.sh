#!/usr/bin/env bash
# The include-direction check must fail on a planted upward include (codec ->
# tail), on an engine including another engine, on rdkafka.h outside kafka/,
# and on a folder the table does not know; and pass on the tree as it is.
set -euo pipefail
src=${EVT_SRC:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fresh() {
  rm -rf "$work/tree"
  mkdir -p "$work/tree"
  cp -r "$src/lib" "$src/cmd" "$src/ARCHITECTURE.md" "$work/tree/"
}
expect_fail() {  # what, file, line to append, expected text
  fresh
  printf '%s\n' "$3" >>"$work/tree/$2"
  if out=$(python3 "$src/tests/layering/check_includes.py" "$work/tree" 2>&1); then
    echo "FAIL: planted $1 was not caught"; exit 1
  fi
  grep -qF -- "$4" <<<"$out" || { echo "FAIL: $1: expected '$4' in: $out"; exit 1; }
  echo "ok: $1 caught"
}
fresh
python3 "$src/tests/layering/check_includes.py" "$work/tree" >/dev/null || { echo "FAIL: clean copy rejected"; exit 1; }
expect_fail "upward include" lib/evt/codec/base64.cpp '#include "evt/tail/tail.hpp"' 'codec -> tail'
expect_fail "engine to engine" lib/evt/lag/lag.cpp '#include "evt/publish/publish.hpp"' 'lag -> publish'
expect_fail "rdkafka outside kafka" lib/evt/output/sink.cpp '#include <librdkafka/rdkafka.h>' 'only lib/evt/kafka/'
fresh
mkdir -p "$work/tree/lib/evt/mystery" && echo '#pragma once' >"$work/tree/lib/evt/mystery/x.hpp"
if python3 "$src/tests/layering/check_includes.py" "$work/tree" >/dev/null 2>&1; then
  echo "FAIL: unknown folder not caught"; exit 1
fi
echo "ok: unknown folder caught"
