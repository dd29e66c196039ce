"""`site-builder serve` end to end: a real server in a subprocess, real HTTP, real edits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import copy_project, run_cli

TIMEOUT = 90.0  # seconds: the first build on a busy 2-core machine; no timing is asserted


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(port: int, path: str) -> tuple[int, str, str]:
    """(status, content type, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")


def wait_for(port: int, path: str, ok: Callable[[int, str], bool]) -> tuple[int, str]:
    deadline = time.monotonic() + TIMEOUT
    last: tuple[int, str] = (0, "")
    while time.monotonic() < deadline:
        try:
            status, _ctype, body = fetch(port, path)
            last = (status, body)
            if ok(status, body):
                return last
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.2)
    raise AssertionError(
        f"{path} never matched within {TIMEOUT} s; last: {last[0]} {last[1][:500]}"
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Path, int, subprocess.Popen[bytes]]]:
    project = copy_project(tmp_path / "site", "minimal")
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "--project", str(project), "--lang", "en"]
        + ["serve", "--port", str(port)],
        cwd=project,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield project, port, proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()


def test_serve_rebuilds_shows_errors_and_stops_cleanly(
    server: tuple[Path, int, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    project, port, proc = server
    page = "/vi/dolls/hmong/"
    wait_for(port, page, lambda s, b: s == 200 and "Búp bê Mông" in b)

    # an edit shows up without restarting anything
    vi = project / "content/dolls/hmong/vi.md"
    vi.write_text(vi.read_text(encoding="utf-8").replace("Búp bê Mông", "Búp bê Mông đỏ"), "utf-8")
    wait_for(port, page, lambda s, b: s == 200 and "Búp bê Mông đỏ" in b)

    # a half-saved YAML file: every page shows the error, with file and line, escaped
    item = project / "content/dolls/hmong/item.yaml"
    good = item.read_text(encoding="utf-8")
    item.write_text(good.replace("maker: ", "maker: half: "), encoding="utf-8")
    status, body = wait_for(port, page, lambda s, b: s == 500)
    assert "<code>content/dolls/hmong/item.yaml:4</code>" in body
    assert "this is not valid YAML (mapping values are not allowed" in body
    assert "put text that contains &#x27;:&#x27; or &#x27;#&#x27; in quotes." in body  # escaped
    status, body = wait_for(port, "/en/", lambda s, b: s == 500)
    assert "content/dolls/hmong/item.yaml:4" in body
    # images and styles are still served while the content is broken
    assert fetch(port, "/media/dolls/hmong/doll-40.webp")[0] == 200
    assert fetch(port, "/media/dolls/hmong/doll.png")[0] == 404  # originals are never shipped

    # fixing the file brings the page back
    item.write_text(good, encoding="utf-8")
    wait_for(port, page, lambda s, b: s == 200 and "Búp bê Mông đỏ" in b)

    # the printed short URL works locally, without .html
    status, ctype, body = fetch(port, "/Q/XM-D01")
    assert status == 200 and ctype.startswith("text/html")
    assert "/vi/dolls/hmong/" in body
    status, _ctype, body = fetch(port, "/no/such/page/")
    assert status == 404 and "<html" in body
    status, _ctype, _body = fetch(port, "/vi/dolls/hmong")  # no slash: redirected like a host
    assert status == 200

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=TIMEOUT) == 0
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert f"Preview: http://127.0.0.1:{port}/ — press Ctrl-C to stop." in log
    assert log.rstrip().endswith("Preview stopped.")


def test_sigterm_stops_the_preview_with_143(
    server: tuple[Path, int, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    """A supervisor's or `kill`'s SIGTERM: stopped as cleanly as by Ctrl-C, with the exit
    code every other command gives it (the preview said 0)."""
    _project, port, proc = server
    wait_for(port, "/vi/dolls/hmong/", lambda s, b: s == 200)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=TIMEOUT) == 143
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and log.rstrip().endswith("Preview stopped.")


def test_port_in_use_is_a_clear_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli(project, "--lang", "en", "serve", "--port", str(port))
    assert result.code == 1
    assert result.out == ""
    assert result.err == (
        f"Error: the port {port} is already in use (another preview or program is using it). "
        f"Choose another one, e.g. `site-builder serve --port {port + 1}`.\n"
    )
    assert not (project / "output").exists()  # nothing was built


def test_port_in_use_under_make_serve_suggests_make() -> None:
    """`make serve` runs the command for the member: the hint names what they typed
    (`make serve PORT=…`; the command it runs needs the activated .venv)."""
    repo = Path(__file__).resolve().parent.parent
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(  # (the port is taken: it stops before building anything)
            ["make", "-s", "-o", ".venv/.installed", "serve", f"PORT={port}"],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=repo,
            env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
        )
    assert done.returncode != 0
    assert (
        f"Error: the port {port} is already in use (another preview or program is using it). "
        f"Choose another one, e.g. `make serve PORT={port + 1}`.\n"
    ) in done.stderr, done.stderr


@pytest.mark.parametrize("port", ["99999", "0", "-1", "http"])
def test_a_port_out_of_range_is_refused_before_anything_runs(tmp_path: Path, port: str) -> None:
    """`--port 99999` was announced as http://127.0.0.1:99999/ while the server listened
    on a port of the system's choosing."""
    project = copy_project(tmp_path / "site", "minimal")
    result = run_cli(project, "--lang", "en", "serve", "--port", port)
    assert result.code == 2
    assert result.err.endswith(
        f"serve: error: argument --port: '{port}' is not a port: write a number from 1 to "
        "65535, e.g. 8001.\n"
    )
    assert not (project / "output").exists()


def test_port_in_use_in_vietnamese(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        proc = subprocess.run(
            [sys.executable, "-m", "site_builder", "--project", str(project)]
            + ["serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env={**env, "LANG": "vi_VN.UTF-8"},
            timeout=60,
        )
    assert proc.returncode == 1
    assert proc.stderr == (
        f"Lỗi: cổng {port} đang bận (một bản xem trước hoặc chương trình khác đang dùng). "
        f"Hãy chọn cổng khác, ví dụ `site-builder serve --port {port + 1}`.\n"
    )


def test_template_error_and_deleted_file_are_shown_on_the_page(tmp_path: Path) -> None:
    from site_builder.preview.serve import Preview

    project = copy_project(tmp_path / "site", "minimal")
    preview = Preview(project, project / "output", log=lambda _m: None)
    assert preview.rebuild()
    template = project / "templates/item.html"
    template.write_text(template.read_text() + "{{ broken( }}\n")
    assert not preview.rebuild()
    page = preview.error_page().decode()
    assert "<code>templates/item.html:" in page and "template error: " in page
    template.write_text(template.read_text().replace("{{ broken( }}\n", ""))
    (project / "content/dolls/hmong/vi.md").unlink()
    assert not preview.rebuild()
    assert "<code>content/dolls/hmong/vi.md</code>" in preview.error_page().decode()
    assert "the vi text is missing." in preview.error_page().decode()
    assert preview.resolve("/Q/XM-D01") == ("page", "Q/XM-D01.html")  # last good output kept
    assert preview.resolve("/../etc/passwd") == ("missing", "")


def fetch_bytes(port: int, path: str) -> bytes:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            return bytes(r.read())
    except (urllib.error.URLError, ConnectionError):
        return b""


def test_a_saved_edit_is_served_and_the_pdfs_follow(
    server: tuple[Path, int, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    """Saved the way editors save (a temporary file renamed over the story, with a swap
    file beside it): the page shows the new text, then the sticker sheet is redrawn."""
    project, port, proc = server
    page = "/vi/dolls/hmong/"
    wait_for(port, page, lambda s, b: s == 200 and "Búp bê Mông" in b)
    deadline = time.monotonic() + 60
    stickers = b""
    while not stickers.startswith(b"%PDF") and time.monotonic() < deadline:
        stickers = fetch_bytes(port, "/print/stickers-L7160.pdf")
        time.sleep(0.2)
    assert stickers.startswith(b"%PDF")

    folder = project / "content/dolls/hmong"
    (folder / ".vi.md.swp").write_bytes(b"vim swap")
    text = (folder / "vi.md").read_text(encoding="utf-8")
    temp = folder / ".vi.md.tmp1234"
    temp.write_text(text.replace("title: Búp bê Mông", "title: Búp bê Mông xanh"), "utf-8")
    os.replace(temp, folder / "vi.md")
    wait_for(port, page, lambda s, b: s == 200 and "Búp bê Mông xanh" in b)
    wait_for(port, "/vi/", lambda s, b: s == 200 and "Búp bê Mông xanh" in b)  # its card

    while fetch_bytes(port, "/print/stickers-L7160.pdf") in (stickers, b""):
        assert time.monotonic() < deadline + 60, "the sticker sheet was not redrawn"
        time.sleep(0.2)

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=TIMEOUT) == 0
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log
    rebuilt = [line for line in log.splitlines() if "rebuilt in" in line]
    assert rebuilt[0].startswith("rebuilt in")  # the first, full build
    assert len(rebuilt) >= 2  # the swap file and the temporary one caused no rebuild:
    assert all(line.startswith("content/dolls/hmong/vi.md: ") for line in rebuilt[1:])
