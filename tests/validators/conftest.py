"""Fixtures for the real validators: the tools, and the built sample site served over HTTP.

The tools are installed by tools/install-validators.sh (Debian chromium + `npm ci` in
tools/). When one is missing the tests skip with a message saying so, unless
SITE_BUILDER_REQUIRE_BROWSER=1 (set by .ci/run and `make validators`): then they fail.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests import helpers
from tests.helpers import REPO

TOOLS = REPO / "tools"
NODE_MODULES = TOOLS / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE_CLI = NODE_MODULES / "lighthouse" / "cli" / "index.js"
CHROMIUM = Path(os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium"))
BROKEN = Path(__file__).resolve().parent / "broken"
INSTALL_HINT = "run tools/install-validators.sh"

# The Chromium flags proven on this kind of machine (shared/notes/verification-tools.md).
CHROMIUM_FLAGS = [
    "--headless=new",
    *(f for f in helpers.CHROMIUM_FLAGS if f != "--headless"),
]


def require_browser() -> bool:
    return os.environ.get("SITE_BUILDER_REQUIRE_BROWSER", "") not in ("", "0")


def missing(message: str) -> None:
    """Skip on a developer machine; fail in CI, where the tools must be installed."""
    if require_browser():
        pytest.fail(f"{message} (SITE_BUILDER_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(message)


def need_chromium() -> Path:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing(f"Chromium not found at {CHROMIUM}: {INSTALL_HINT}")
    return CHROMIUM


def need_node_package(name: str) -> None:
    if shutil.which("node") is None:
        missing(f"node not found: install Node.js >= 20, then {INSTALL_HINT}")
    if not (NODE_MODULES / name / "package.json").is_file():
        missing(f"npm package {name} not found in tools/node_modules: {INSTALL_HINT}")


def need_vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        missing(f"java not found (the Nu HTML Checker needs Java >= 11): {INSTALL_HINT}")
    if not VNU_JAR.is_file():
        missing(f"Nu HTML Checker not found at {VNU_JAR.relative_to(REPO)}: {INSTALL_HINT}")
    return [str(java), "-jar", str(VNU_JAR)]


def vnu_errors(pages: list[Path]) -> str:
    """What the Nu HTML Checker reports as errors in `pages` ("" when they are valid)."""
    proc = subprocess.run(
        [*need_vnu(), "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return "" if proc.returncode == 0 else proc.stdout + proc.stderr


# --- a tiny static host ------------------------------------------------------------


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built `output/` folder like the real host does:

    - `/Q/XM-D01` (no extension) is `Q/XM-D01.html`, the QR landing page;
    - `/vi/` is `vi/index.html`; a folder without its slash is redirected to it;
    - anything missing answers 404 with the site's own 404.html;
    - `?nojs` on an HTML page serves it without its `<script>` elements: what a browser
      with JavaScript disabled runs. Only for Lighthouse, which cannot run with JavaScript
      disabled (Chromium's --blink-settings=scriptEnabled=false makes it stop with
      "Debugger.enable: Script execution is prohibited").
    """

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.query != "nojs":
            super().do_GET()
            return
        path = Path(self.translate_path(parts.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            self.send_error(404)
            return
        html = path.read_text(encoding="utf-8")
        body = re.sub(r"<script\b.*?</script>", "", html, flags=re.S | re.I).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        root = Path(self.directory)
        rel = unquote(urlsplit(path).path).lstrip("/")
        if ".." in Path(rel).parts:
            return str(root / "404.html.missing")
        target = root / rel
        if rel and not rel.endswith("/") and not target.is_file():
            html = root / f"{rel}.html"
            if html.is_file():
                return str(html)
        return str(target)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def end_headers(self) -> None:
        # What a static host sends for a small site that changes when rebuilt.
        self.send_header("Cache-Control", "public, max-age=3600")
        super().end_headers()

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        kind = super().guess_type(path)
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            return f"{kind}; charset=utf-8"
        return kind

    def log_message(self, format: str, *args: object) -> None:
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True


@dataclass(frozen=True)
class Served:
    root: Path  # the output folder
    base: str  # http://127.0.0.1:PORT (no trailing slash)

    def url(self, path: str) -> str:
        return self.base + path


@contextlib.contextmanager
def serve(root: Path) -> Iterator[Served]:
    """Serve `root` on 127.0.0.1 (a free port) in a background thread."""
    handler = functools.partial(SiteHandler, directory=str(root))
    server = SiteServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site_output(sample_site: Path) -> Path:
    """The built sample site's output folder."""
    return sample_site / "output"


@pytest.fixture(scope="session")
def served_site(site_output: Path) -> Iterator[Served]:
    with serve(site_output) as served:
        yield served


@pytest.fixture(scope="session")
def served_broken() -> Iterator[Served]:
    with serve(BROKEN) as served:
        yield served


# --- running the Node tools ----------------------------------------------------------


def run_axe(pages: list[dict[str, object]], viewport: tuple[int, int] = (360, 740)) -> dict:
    """Run tools/axe-pages.mjs on `pages` in one Chromium; its JSON result."""
    need_chromium()
    need_node_package("playwright-core")
    need_node_package("@axe-core/playwright")
    job = {
        "chromium": str(CHROMIUM),
        "viewport": {"width": viewport[0], "height": viewport[1]},
        "pages": pages,
    }
    proc = subprocess.run(
        ["node", str(TOOLS / "axe-pages.mjs")],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=180,
        cwd=TOOLS,
    )
    assert proc.returncode == 0, f"axe-pages.mjs failed:\n{proc.stderr[-4000:]}"
    return json.loads(proc.stdout)
