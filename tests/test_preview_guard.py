"""The preview answers this machine only: a real `site-builder serve`, real HTTP and
websocket requests with forged Host, Origin and Sec-Fetch-Site headers, and symlinks
planted in output/ that point out of it."""

from __future__ import annotations

import asyncio
import http.client
import signal
import subprocess
import time
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from site_builder.preview.guard import loopback_host
from tests.test_serve import TIMEOUT, server, wait_for  # noqa: F401  (fixture)

FIRST_BUILD = 90.0  # seconds; the machine is shared

Server = tuple[Path, int, subprocess.Popen[bytes]]


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def websocket(port: int, origin: str) -> str:
    """'open' when the live-reload websocket accepts the connection, else the HTTP code."""

    async def connect() -> str:
        request = HTTPRequest(
            f"ws://127.0.0.1:{port}/livereload", headers={"Origin": origin}, request_timeout=10
        )
        try:
            ws = await websocket_connect(request)
        except HTTPClientError as exc:
            return str(exc.code)
        ws.close()
        return "open"

    return asyncio.run(connect())


@pytest.mark.parametrize(
    ("host", "ok"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("preview.localhost:8000", True),
        ("127.0.0.1:8000", True),
        ("127.1.2.3", True),
        ("[::1]:8000", True),
        ("evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("localhost.evil.example", False),
        ("0.0.0.0", False),
        ("", False),
    ],
)
def test_loopback_names(host: str, ok: bool) -> None:
    assert loopback_host(host) is ok


def test_only_this_machine_is_answered(server: Server, tmp_path: Path) -> None:  # noqa: F811
    project, port, proc = server
    deadline = time.monotonic() + FIRST_BUILD
    while time.monotonic() < deadline:
        try:
            wait_for(port, "/vi/dolls/hmong/", lambda s, b: s == 200 and "Búp bê Mông" in b)
            break
        except (AssertionError, TimeoutError):  # the first build holds the server up
            assert proc.poll() is None, "the preview stopped"
    here = f"127.0.0.1:{port}"

    # DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1
    for path in ("/vi/dolls/hmong/", "/livereload.js", "/forcereload", "/no/such/page/"):
        status, body = get(port, path, {"Host": f"evil.example:{port}"})
        assert status == 403, path
        assert b"Hmong" not in body and b"M\xc3\xb4ng" not in body
    for host in (here, f"localhost:{port}", f"[::1]:{port}"):
        assert get(port, "/vi/dolls/hmong/", {"Host": host})[0] == 200, host

    # the live reload: its own origin only
    assert websocket(port, f"http://{here}") == "open"
    assert websocket(port, "http://evil.example") == "403"
    assert websocket(port, f"http://localhost:{port}") == "403"  # another origin than the page's
    assert get(port, "/forcereload", {"Host": here, "Origin": "http://evil.example"})[0] == 403
    cross = {"Host": here, "Sec-Fetch-Site": "cross-site"}
    assert get(port, "/forcereload", cross)[0] == 403
    referer = {"Host": here, "Referer": "http://evil.example/page"}
    assert get(port, "/forcereload", referer)[0] == 403
    same = {"Host": here, "Origin": f"http://{here}", "Sec-Fetch-Site": "same-origin"}
    assert get(port, "/forcereload", same) == (200, b"ok")

    # symlinks planted in output/ never lead out of it
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "index.html").write_text("<p>SECRET</p>", encoding="utf-8")
    (secret / "key.txt").write_text("SECRET", encoding="utf-8")
    output = project / "output"
    (output / "key.txt").symlink_to(secret / "key.txt")
    (output / "vi" / "leak").symlink_to(secret, target_is_directory=True)
    (output / "leak.html").symlink_to(secret / "index.html")
    for path in ("/key.txt", "/vi/leak/", "/vi/leak/index.html", "/vi/leak", "/leak.html", "/leak"):
        status, body = get(port, path, {"Host": here})
        assert status == 404, path
        assert b"SECRET" not in body, path
    assert get(port, "/vi/dolls/hmong/", {"Host": here})[0] == 200

    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=TIMEOUT) == 0
