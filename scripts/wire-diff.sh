#!/usr/bin/env bash
# Record every request the API test suites send through the test client, and its reply
# (tests/wire.py), for the working tree into /tmp/wire/after.jsonl, and print a unified diff
# against a baseline recording made the same way from the code before a refactor.
#
#   scripts/wire-diff.sh /tmp/wire/before.jsonl
#
# Exit 0: the wire is unchanged. Exit 1: the recordings differ (the diff is printed), or
# tests failed (reported; their requests are recorded up to the failure).
# A baseline, from an older commit checked out in a worktree (this copies tests/wire.py in):
#   git worktree add /tmp/wire-before <commit>
#   WIRE_TREE=/tmp/wire-before WIRE_OUT=/tmp/wire/before.jsonl scripts/wire-diff.sh --record-only
# Environment: WIRE_TREE (the tree to record; default this one), WIRE_OUT (default
# /tmp/wire/after.jsonl), PYTEST (default this tree's .venv/bin/pytest), WIRE_SUITES (test
# paths, space-separated, instead of the API suites: for a quick look, not for the proof),
# WIRE_BODY_LIMIT (bodies longer than this, 4096 bytes, are shown as a digest: raise it for
# both recordings to see what changed in a long body).
set -euo pipefail

usage="usage: scripts/wire-diff.sh BASELINE.jsonl | --record-only"
baseline=${1:?$usage}
if [[ $baseline != --record-only ]]; then
    [[ -f $baseline ]] || { echo "no baseline file: $baseline" >&2; exit 2; }
    baseline=$(realpath "$baseline")
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${WIRE_OUT:-/tmp/wire/after.jsonl}")
pytest=${PYTEST:-$repo/.venv/bin/pytest}
tree=$(realpath "${WIRE_TREE:-$repo}")
if [[ ! -f $tree/tests/wire.py ]]; then
    cp "$repo/tests/wire.py" "$tree/tests/wire.py"
    echo "copied tests/wire.py into $tree" >&2
fi
cd "$tree"
if [[ -n ${WIRE_SUITES:-} ]]; then
    read -ra suites <<<"$WIRE_SUITES"
else
    suites=(
        tests/statuses tests/reasons tests/community tests/access
        tests/test_unauthenticated_errors.py tests/test_hardening.py tests/test_name_characters.py
    )
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
tests_status=0
PYTHONPATH=. WIRE_RECORD="$out" "$pytest" -q -rfE -p no:cacheprovider -p no:randomly -p tests.wire \
    "${suites[@]}" >"$out.log" 2>&1 || tests_status=$?
grep -E '^(FAILED|ERROR) ' "$out.log" >&2 || true
tail -n 1 "$out.log" >&2
if ((tests_status != 0)); then
    echo "pytest exit status $tests_status (see $out.log); the recording holds what was sent" >&2
fi
echo "$(wc -l <"$out") records in $out" >&2
[[ $baseline == --record-only ]] && exit "$((tests_status == 0 ? 0 : 1))"

# One field a line, so that the diff points at the field that changed; each test's records
# start with a "=== <test id> #<n>" line, which 9 lines of context always show.
expand() {
    "$python" - "$1" "$2" <<'PY'
import json
import sys

with open(sys.argv[1], encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in src:
        record = json.loads(line)
        test, n = record.pop("test"), record.pop("n")
        out.write(f"=== {test} #{n}\n")
        for key, value in record.items():
            items = value.items() if isinstance(value, dict) else [(None, value)]
            for sub, item in items:
                name = key if sub is None else f"{key}.{sub}"
                out.write(f"{name}: {json.dumps(item, ensure_ascii=False)}\n")
PY
}

python=$(dirname "$pytest")/python
[[ -x $python ]] || python=python3
expand "$baseline" "$out.before.txt" || { echo "cannot read $baseline" >&2; exit 2; }
expand "$out" "$out.after.txt" || { echo "cannot read $out" >&2; exit 2; }
if diff -U 9 -F '^=== ' --label "before ($baseline)" --label "after ($out)" \
    "$out.before.txt" "$out.after.txt"; then
    echo "wire unchanged: $(wc -l <"$out") records match the baseline" >&2
    exit "$((tests_status == 0 ? 0 : 1))"
fi

# Tests renamed or added by the refactor show in the diff above as records gone and new.
# Matched on their content alone (without the test id), the records tell what really changed.
"$python" - "$baseline" "$out" >&2 <<'PY'
import collections
import json
import sys


def load(path):
    records = collections.defaultdict(list)
    with open(path, encoding="utf-8") as src:
        for line in src:
            record = json.loads(line)
            name = f"{record.pop('test')} #{record.pop('n')}"
            records[json.dumps(record, ensure_ascii=False)].append(name)
    return records


before, after = load(sys.argv[1]), load(sys.argv[2])
gone = [(names[len(after.get(key, [])) :], key) for key, names in before.items()]
gone = [(name, key) for names, key in gone for name in names]
new = sum(max(0, len(names) - len(before.get(key, []))) for key, names in after.items())
print(f"\nby content: {len(gone)} baseline records have no identical record after (changed", end="")
print(f" or gone); {new} records after are new (new tests, or the changed ones)")
for name, key in sorted(gone)[:30]:
    record = json.loads(key)
    print(f"  {name}: {record.get('method')} {record.get('path')} -> {record.get('status')}")
PY
exit 1
