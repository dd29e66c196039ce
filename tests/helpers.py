"""Shared test helpers: copy a project, build it in-process, parse HTML."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import tinyhtml5

from site_builder import serving

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def copy_project(dest: Path, base: str = "minimal") -> Path:
    """A fresh project in `dest`: the fixture `base` (or 'sample' = the repo's own
    content) plus the repo's templates and locale."""
    dest.mkdir(parents=True, exist_ok=True)
    if base == "sample":
        for name in ("site.yaml", "content", "booklets"):
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, dest / name)
            else:
                shutil.copy(src, dest / name)
    else:
        shutil.copytree(FIXTURES / base, dest, dirs_exist_ok=True)
    shutil.copytree(REPO / "templates", dest / "templates")
    shutil.copytree(REPO / "locale", dest / "locale")
    return dest


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(project: Path, *args: str) -> Run:
    """Run the real console entry point in a subprocess, as a member would."""
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def cli_then(project: Path, show: str, *args: str, setup: str = "") -> tuple[int, str, str]:
    """`site-builder --project PROJECT ARGS` in a fresh Python, with `setup` (statements)
    run first and the expression `show` (e.g. whether a module was imported) printed after:
    (the command's exit code, what it printed, `repr` of `show`)."""
    script = (
        f"import sys\n{setup}\nfrom site_builder.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        f"print('\\n@@ ' + repr(({show})))\nsys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, "--project", str(project), *args],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=600,
    )
    out, _, shown = proc.stdout.rstrip("\n").rpartition("\n")
    assert shown.startswith("@@ "), proc.stderr  # (else the script itself failed)
    return proc.returncode, out, shown[3:]


def parse_html(path: Path) -> ET.Element:
    return tinyhtml5.parse(path.read_bytes(), namespace_html_elements=False)


def text_of(el: ET.Element) -> str:
    return " ".join("".join(el.itertext()).split())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its bytes, to prove a failed build changed nothing."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def need_chromium() -> None:
    """Skip where Chromium is missing on a developer's machine; CI sets the variable to fail."""
    import os

    import pytest

    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: run tools/install-validators.sh"
        if os.environ.get("SITE_BUILDER_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def chromium_dom(url: str, accept_lang: str, tmp: Path) -> str:
    """The DOM after scripts ran (and redirected), as headless Chromium sees it."""
    proc = subprocess.run(
        [
            str(CHROMIUM),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp}",
            f"--lang={accept_lang}",
            f"--accept-lang={accept_lang}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.stdout


def resolved_file(output: Path, url_path: str) -> Path | None:
    """The file a host serves for `url_path` (site_builder/serving.py's rules, following
    one redirect to a folder's index page), or None (404)."""
    found = serving.resolve(url_path, lambda rel: (output / rel).is_file())
    if found.kind == "redirect":
        found = serving.resolve(found.target, lambda rel: (output / rel).is_file())
    return output / found.target if found.kind == "file" else None


def serve(folder: Path):  # type: ignore[no-untyped-def]
    """Serve `folder` on 127.0.0.1 like a static host (site_builder/serving.py's rules:
    clean URLs, `/Q/X` -> `Q/X.html`); a folder without its slash is redirected by
    http.server itself."""
    import contextlib
    import functools
    import http.server
    import threading
    import urllib.parse

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            found = resolved_file(folder, urllib.parse.unquote(urllib.parse.urlsplit(path).path))
            return str(found) if found is not None else super().translate_path(path)

        def log_message(self, *args: object) -> None:
            pass

    @contextlib.contextmanager
    def running():  # type: ignore[no-untyped-def]
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
        )
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()

    return running()


def mypy_errors(snippet: Path, code: str) -> list[str]:
    """The error lines mypy reports for `code` written to `snippet`, checked against this
    checkout's site_builder; asserts mypy ran and failed."""
    snippet.write_text(code, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", str(snippet)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "MYPYPATH": str(REPO)},
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    return [line for line in done.stdout.splitlines() if ": error:" in line]
