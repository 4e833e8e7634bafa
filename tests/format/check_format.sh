#!/usr/bin/env bash
# Every C++ file follows .clang-format (clang-format 16, installed by
# scripts/bootstrap). Skipped (77) where that exact version is absent, since
# other versions format differently.
set -euo pipefail
src=${EVT_SRC:?}
command -v clang-format-16 >/dev/null || { echo "clang-format-16 not installed: skipped"; exit 77; }
cd "$src"
files=$(find cmd lib tests -name '*.cpp' -o -name '*.hpp' | sort)
if ! clang-format-16 --dry-run --Werror $files 2>/tmp/evt-format.$$; then
  grep -E '^[^ ].*: error' /tmp/evt-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  rm -f /tmp/evt-format.$$
  echo "run: clang-format-16 -i \$(git ls-files '*.cpp' '*.hpp')"
  exit 1
fi
rm -f /tmp/evt-format.$$
echo "formatting: all files follow .clang-format"
