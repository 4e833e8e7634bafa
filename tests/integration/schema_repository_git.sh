#!/usr/bin/env bash
# Repository mode with --against on a temporary git repository: edited
# published version, new compatible version, new incompatible version,
# deleted subject, ignore list.
set -u
# A private temp dir as cwd (removed at exit), so runs never see each other's files.
. "$EVT_SRC/tests/integration/lib.sh"
command -v git >/dev/null || { echo "git not installed: skipped"; exit 77; }
run() { "$EVT" "$@" >out.txt 2>err.txt; echo $?; }

git init -q repo && cd repo
git config user.email t@example.com && git config user.name test
mkdir -p schemas/Orders schemas/Legacy
cat > schemas/Orders/v1.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"}}}
J
cat > schemas/Legacy/v1.json <<'J'
{"type":"object","properties":{"x":{"type":"string"}}}
J
git add -A && git commit -qm base && git branch base

# Without changes: nothing new, exit 0.
[ "$(run schema check schemas --against base)" = 0 ] || fail "clean tree: $(cat out.txt err.txt)"

# A new compatible version.
cat > schemas/Orders/v2.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string"},"note":{"type":"string"}}}
J
[ "$(run schema check schemas --against base)" = 0 ] || fail "compatible v2: $(cat out.txt err.txt)"

# A new incompatible version.
cat > schemas/Orders/v3.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"integer"},"note":{"type":"string"}}}
J
[ "$(run schema check schemas --against base)" = 1 ] || fail "incompatible v3: $(cat out.txt err.txt)"
grep -q 'schemas/Orders/v3.json: TYPE_CHANGED #/properties/id' out.txt || fail "v3 finding: $(cat out.txt)"

# The team decides to ship it: an ignore entry with a reason.
cat > schemas/Orders/subject.json <<'J'
{"mode":"backward","ignore":[{"version":"v3","rule":"TYPE_CHANGED","location":"#/properties/id","reason":"no consumer reads id yet"}]}
J
[ "$(run schema check schemas --against base)" = 0 ] || fail "ignored v3: $(cat out.txt err.txt)"
grep -q 'ignored: no consumer reads id yet' out.txt || fail "ignored finding not shown: $(cat out.txt)"
echo '{"ignore":[{"rule":"TYPE_CHANGED","location":"#/properties/id"}]}' > schemas/Orders/subject.json
[ "$(run schema check schemas --against base)" = 2 ] || fail "ignore without reason must be rejected"
rm schemas/Orders/v3.json schemas/Orders/subject.json

# Editing a published version is an error even when compatible.
cat > schemas/Orders/v1.json <<'J'
{"type":"object","additionalProperties":false,"properties":{"id":{"type":"string","description":"edited"}}}
J
[ "$(run schema check schemas --against base)" = 1 ] || fail "edited v1: $(cat out.txt err.txt)"
grep -q 'PUBLISHED_VERSION_MODIFIED' out.txt || fail "edit not reported: $(cat out.txt)"
git checkout -q schemas/Orders/v1.json
# Reformatting is not an edit.
python3 -c 'import json;d=json.load(open("schemas/Orders/v1.json"));json.dump(d,open("schemas/Orders/v1.json","w"),indent=4)' 2>/dev/null &&
  { [ "$(run schema check schemas --against base)" = 0 ] || fail "reformatted v1 flagged: $(cat out.txt)"; }
git checkout -q schemas/Orders/v1.json

# A deleted subject is reported (as a warning).
rm -r schemas/Legacy
run schema check schemas --against base >/dev/null
grep -q 'SUBJECT_DELETED' out.txt || fail "deleted subject not reported: $(cat out.txt)"
"$EVT" -o github schema check schemas --against base | grep -q '^::warning file=schemas/Legacy,title=SUBJECT_DELETED::' ||
  fail "github warning for deleted subject"
"$EVT" -o junit schema check schemas --against base > junit.xml
grep -q '<testcase classname="Orders" name="v2.json"' junit.xml || fail "junit test case per subject and version"

# Unknown revision: usage error.
[ "$(run schema check schemas --against no-such-branch)" = 2 ] || fail "unknown revision"
grep -q "unknown git revision" err.txt || fail "unknown revision message"
# Without --against every version is checked in order.
[ "$(run schema check schemas)" = 0 ] || fail "plain repository check: $(cat out.txt err.txt)"
echo ok
