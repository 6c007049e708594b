"""The README's *Call the APIs* blocks, run as a newcomer would: literally, top to bottom,
in one bash shell, against a real gunicorn of a freshly set-up portal.

The set-up is `make run`'s own (migrate, then `ensure_demo_admin`, whose printed `export`
lines the reader pastes), on a free port instead of 8000, plus the demo data the README
offers (`load_demo_data`): the examples must not collide with it. Every `curl` in a block
carries the status the README promises as its trailing `# NNN` comment. The README's own
`curl` function shows each status ("HTTP 200" on stderr); the test records the status of
each call too, by running the binary that function calls through a recorder that adds
`--dump-header`, and compares both with the notes, in order. The blocks run under
`set -euo pipefail`, so a reply that lacks a field a later command picks out fails the
run too.
"""

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.live import ROOT, gunicorn, manage, migrated, portal_env

pytestmark = [
    pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl"),
    # A documentation check: its portal runs on a SQLite file of its own in either pass.
    pytest.mark.one_database,
]

README = ROOT / "README.md"
SECTION = "## Call the APIs"
DEFAULT_BASE = "BASE=http://127.0.0.1:8000"
# `curl` as a command word: at the start of a line, after `$(`, `|` or `;`.
CURL = re.compile(r"(?:^|\$\(|[|;]\s*)curl\s")
STATUS_NOTE = re.compile(r"#\s*(\d{3})\b[^#]*$")

# The README's curl function, which the reader's calls go through.
README_CURL = "curl() { command curl -sS -w '\\n%{stderr}HTTP %{http_code}\\n' \"$@\"; }"
# Records each call's final HTTP status on stderr, whatever the command does with stdout:
# the README's function calls it in place of the binary.
RECORDING_CURL = r"""
recorded_curl() {
  local headers rc=0
  headers=$(mktemp)
  command curl --silent --show-error --dump-header "$headers" "$@" || rc=$?
  printf 'README-STATUS %s\n' "$(awk '/^HTTP\//{code=$2} END{print code}' "$headers")" >&2
  rm -f "$headers"
  return $rc
}
"""


def shell_blocks(text):
    """The ```sh blocks of the README's *Call the APIs* section, in order."""
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(r"^```sh\n(.*?)^```", section, flags=re.DOTALL | re.MULTILINE)


def logical_lines(block):
    """The block's commands, with backslash-continued lines joined."""
    return block.replace("\\\n", " ").splitlines()


def expected_statuses(blocks):
    """The status noted after each curl call, in order; every curl must carry one."""
    statuses = []
    for line in (line for block in blocks for line in logical_lines(block)):
        code, _, comment = line.partition("#")  # no '#' in the blocks' URLs or bodies
        calls = len(CURL.findall(code))
        if not calls:
            continue
        note = STATUS_NOTE.search("#" + comment)
        assert calls == 1 and note, f"one curl per line, with its status noted after #: {line}"
        statuses.append(int(note.group(1)))
    return statuses


def test_the_blocks_name_the_default_base_once_and_note_every_status():
    blocks = shell_blocks(README.read_text())
    assert README_CURL in blocks[0]
    assert len(blocks) >= 5
    text = "\n".join(blocks)
    assert text.count("127.0.0.1:8000") == 1 and DEFAULT_BASE in blocks[0]
    assert len(expected_statuses(blocks)) >= 40


def test_the_readme_api_blocks_run_top_to_bottom_on_a_fresh_portal():
    blocks = shell_blocks(README.read_text())
    expected = expected_statuses(blocks)
    with tempfile.TemporaryDirectory(prefix="portal-readme-") as tmp:
        env = portal_env(Path(tmp) / "db.sqlite3")
        # A copy of the session's migrated database, then make run's own migrate (which
        # finds nothing left to do): a migrate of an empty database takes seconds.
        migrated(env)
        manage(env, "migrate", "--noinput", "-v", "0")
        with gunicorn(env) as base:
            banner = manage(env, "ensure_demo_admin", "--url", base)
            manage(env, "load_demo_data")
            # What the reader pastes: the banner's own export lines.
            exports = [line.strip() for line in banner.splitlines() if "export " in line]
            assert [line.split("=")[0] for line in exports] == ["export KEY", "export SECRET"]
            script = "\n".join(
                [
                    "set -euo pipefail",
                    RECORDING_CURL,
                    *exports,
                    *(
                        block.replace(DEFAULT_BASE, f"BASE={base}").replace(
                            "command curl", "recorded_curl"
                        )
                        for block in blocks
                    ),
                ]
            )
            done = subprocess.run(
                ["bash", "-c", script],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
    statuses = [int(s) for s in re.findall(r"^README-STATUS (\d{3})$", done.stderr, re.M)]
    calls = [line for block in blocks for line in logical_lines(block) if CURL.search(line)]
    mismatches = [
        f"{got} (README: {want}): {call}"
        for call, want, got in zip(calls, expected, statuses, strict=False)
        if want != got
    ]
    report = "\n".join(
        [*mismatches, "stderr:", done.stderr[-3000:], "stdout:", done.stdout[-2000:]]
    )
    assert done.returncode == 0, report
    assert statuses == expected, report
    # What the reader sees: each call's status after its reply, but for a call that asks
    # for something else with its own -w (the ac-revision header).
    shown = [int(s) for s in re.findall(r"^HTTP (\d{3})$", done.stderr, re.M)]
    own_format = [i for i, call in enumerate(calls) if " -w " in call]
    assert shown == [code for i, code in enumerate(expected) if i not in own_format], report
