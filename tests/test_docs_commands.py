"""Every command the docs show runs as written, in a fresh copy of the sample site.

The commands are read from README.md, docs/editing.md and docs/content-format.md: the
lines of code blocks, and inline `code`, that start with `site-builder ` or `make `.
They run as a member runs them after the README's set-up: in the project folder, with
`.venv` switched on (its bin/ first on PATH, as `. .venv/bin/activate` does). Commands
that never finish on their own (`serve`) or that are the developers' (`make test`...) are
listed in SKIP; anything else found in the docs must run. Placeholders (`FILE`, `[...]`,
`…`) mark syntax summaries, not commands.
"""

from __future__ import annotations

import os
import pty
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO, copy_project

DOCS = ("README.md", "docs/editing.md", "docs/content-format.md")
SKIP = {
    "site-builder serve": "never ends by itself; tests/test_serve.py runs it",
    "site-builder serve --port 8001": "never ends by itself; tests/test_serve.py runs it",
    "make serve": "never ends by itself; tests/test_serve.py runs it",
    "make test": "the whole test suite (this test is part of it)",
    "make validators": "installs and runs the validators (CI)",
    "make bench": "minutes of benchmarks",
    "make lint": "developers' lint",
    "make po": "developers' catalog update",
    "make setup": "the set-up itself, done by the environment of this test",
}
# Inline names of a tool or verb in running text, not commands to run.
MENTIONS = {
    "site-builder",
    "make",
    "site-builder new",
    "site-builder stickers",  # the docs' table of sticker errors: "stickers (nothing else)"
    "site-builder check --mark-translated",
    "site-builder codes mark-printed",
}
PLACEHOLDER = re.compile(r"[\[\]|…<>]|\.\.\.|\b(FILE|DIR|NAME|BOOKLET|KIND)\b|\bN\b")


def doc_commands() -> list[str]:
    """The commands of the docs, in order of first appearance, each once."""
    found: list[str] = []
    for doc in DOCS:
        text = (REPO / doc).read_text(encoding="utf-8")
        candidates = re.findall(r"^(?: {4}|\t)(.+)$", text, flags=re.M)  # indented blocks
        for block in re.findall(r"^```(?:sh|bash|console)?\n(.*?)^```", text, re.M | re.S):
            candidates += block.splitlines()
        candidates += re.findall(r"`([^`\n]+)`", text)  # inline code
        for line in candidates:
            try:
                words = shlex.split(line, comments=True)
            except ValueError:
                continue
            if not words or words[0] not in ("site-builder", "make"):
                continue
            command = shlex.join(words)
            if (
                words[0] == "make"
                and len(words) > 1
                and "=" not in words[1]
                and words[1] not in make_targets()
            ):
                raise AssertionError(f"{doc}: `{line}` names no Makefile target")
            if PLACEHOLDER.search(line) or command in found or command in MENTIONS:
                continue
            found.append(command)
    return found


def make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.M))


def fresh_sample(tmp: Path) -> Path:
    project = copy_project(tmp / "site", "sample")
    for name in ("Makefile", "pyproject.toml"):  # keep times: the set-up is not redone
        shutil.copy2(REPO / name, project / name)
    stamp = Path(sys.prefix) / ".installed"
    if stamp.is_file():  # never newer than the running venv's set-up: `make` must not
        st = stamp.stat()  # reinstall the package into it from this temporary copy
        os.utime(project / "pyproject.toml", ns=(st.st_atime_ns, st.st_mtime_ns))
    (project / ".venv").symlink_to(Path(sys.prefix))
    return project


def run(project: Path, command: str) -> subprocess.CompletedProcess[str]:
    """`command` in a terminal where the member answers 'y' to a confirmation
    (`codes mark-printed`, `stickers --for-print` ask before making a code permanent)."""
    env = dict(os.environ, LANG="C.UTF-8", VIRTUAL_ENV=sys.prefix)
    env["PATH"] = str(Path(sys.prefix) / "bin") + os.pathsep + env.get("PATH", "")
    master, terminal = pty.openpty()
    try:
        os.write(master, b"y\n")
        return subprocess.run(
            command,
            shell=True,
            cwd=project,
            env=env,
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        os.close(master)
        os.close(terminal)


def test_the_docs_show_the_everyday_commands() -> None:
    commands = doc_commands()
    for expected in (
        "site-builder check",
        "site-builder build",
        "site-builder new doll 'Búp bê Dao đỏ'",
        "site-builder codes list",
        "site-builder check --lang vi",
        "make check",
        "make build",
    ):
        assert expected in commands, commands


def test_every_command_in_the_docs_runs_as_written(tmp_path: Path) -> None:
    assert (Path(sys.prefix) / "bin" / "site-builder").is_file()
    project = fresh_sample(tmp_path)
    commands = [c for c in doc_commands() if c not in SKIP]
    # `new` adds items whose placeholders must be filled before anything is published,
    # so the commands that need a publishable site run first, `new` and its follow-ups last.
    later = [c for c in commands if " new " in f" {c} " or "bup-be" in c or "KIND=" in c]
    first = [c for c in commands if c not in later]
    for command in first:
        result = run(project, command)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "Traceback" not in result.stderr
        assert "Warning" not in result.stdout + result.stderr, command  # a clean start
    for command in later:
        result = run(project, command)
        assert "Traceback" not in result.stderr, command
        assert "usage:" not in result.stderr, command
        if " new " in f" {command} ":
            assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert (project / "content/dolls/bup-be-dao-do/item.yaml").is_file()
    # Fresh items are refused until filled in, naming what to fill.
    result = run(project, "site-builder check")
    assert result.returncode == 1
    assert "this is still the placeholder '???' written by `site-builder new`." in result.stdout
