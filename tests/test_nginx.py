"""The generated nginx configuration, run by a real nginx serving the built sample
(issue 15, item 2): language chosen at the edge, one redirect, headers, 404, precompressed
files.

nginx and its brotli module are Debian packages installed by tools/install-validators.sh.
Missing, these tests skip on a developer machine and fail under
SITE_BUILDER_REQUIRE_BROWSER=1 (.ci/run).
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import brotli
import pytest
import tinyhtml5

from site_builder.hosting import NGINX_OWN_LINES
from tests.validators.conftest import missing
from tests.visit import visit

BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
INSTALL = "run tools/install-validators.sh (Debian packages nginx, libnginx-mod-http-brotli-static)"


def need_nginx() -> str:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )
    if nginx is None:
        missing(f"nginx not found: {INSTALL}")
    if not BROTLI_MODULE.is_file():
        missing(f"nginx's brotli module not found at {BROTLI_MODULE}: {INSTALL}")
    return str(nginx)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Nginx:
    port: int
    output: Path

    def get(self, path: str, **headers: str) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        conn.close()
        return response


@contextlib.contextmanager
def running_nginx(output: Path, folder: Path, own_lines: str = "") -> Iterator[Nginx]:
    """nginx with the site's own `_server/nginx.conf`, changed only where docs/deploy.md
    says to change it (`listen`, `root`), on a free loopback port; `own_lines`: what an
    operator puts in the folder the file includes (hosting.NGINX_OWN_LINES), here below
    `folder`."""
    binary = need_nginx()
    port = free_port()
    site_conf = (output / "_server/nginx.conf").read_text(encoding="utf-8")
    site_conf = site_conf.replace("    listen 80;", f"    listen 127.0.0.1:{port};")
    site_conf = re.sub(r"(?m)^    root .*;$", f"    root {output};", site_conf)
    assert site_conf.count(f"    include {NGINX_OWN_LINES};") == 1
    own = folder / "site-builder.d"
    site_conf = site_conf.replace(NGINX_OWN_LINES, f"{own}/*.conf")
    if own_lines:
        own.mkdir()
        (own / "own.conf").write_text(own_lines, encoding="utf-8")
    (folder / "site.conf").write_text(site_conf, encoding="utf-8")
    temp = folder / "temp"
    temp.mkdir()
    user = "user root;\n" if os.getuid() == 0 else ""  # workers read the test's tmp folder
    (folder / "nginx.conf").write_text(
        f"load_module {BROTLI_MODULE};\n{user}worker_processes 1;\n"
        f"error_log {folder}/error.log;\nevents {{ worker_connections 64; }}\n"
        "http {\n  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {temp}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    args = [binary, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    args += ["-g", f"daemon off; pid {folder}/nginx.pid;"]
    test = subprocess.run([*args, "-t"], capture_output=True, text=True, timeout=60)
    assert test.returncode == 0, test.stderr
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "nginx did not start in 60 s"
            time.sleep(0.2)
        yield Nginx(port, output)
    finally:
        proc.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def nginx(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    with running_nginx(sample_site / "output", tmp_path_factory.mktemp("nginx")) as server:
        yield server


def html_lang(body: bytes) -> str | None:
    return tinyhtml5.parse(body, namespace_html_elements=False).get("lang")


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("vi", "vi"),
        ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"),
        ("en-US", "en"),
        ("en-US,en;q=0.9,vi;q=0.8", "en"),
        ("fr-FR", "en"),
        ("fr-FR,fr;q=0.9,vi;q=0.8", "vi"),
        ("zh-CN", "en"),
        ("zh-CN,zh;q=0.9", "en"),
        ("ja", "en"),
        (None, "en"),
    ],
)
def test_a_printed_code_is_one_redirect_to_the_item_in_the_visitors_language(
    nginx: Nginx, accept: str | None, lang: str
) -> None:
    headers = {"Accept-Language": accept} if accept is not None else {}
    first = nginx.get("/Q/XM-D01", **headers)
    assert first.status == 302
    assert first.getheader("Location") == f"/{lang}/dolls/hmong/"
    assert "Accept-Language" in (first.getheader("Vary") or "")
    page = nginx.get(first.getheader("Location") or "", **headers)
    assert page.status == 200  # no second redirect
    assert html_lang(page.body) == lang  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("cookie", "accept", "lang"),
    [
        ("nf_lang=vi", "en-US,en;q=0.9", "vi"),
        ("nf_lang=en", "vi-VN,vi;q=0.9", "en"),
        ("theme=dark; nf_lang=vi; other=1", "fr-FR", "vi"),
        ("nf_lang=fr", "fr-FR,fr;q=0.9,vi;q=0.8", "vi"),  # a language the site lacks
        ("nf_lang=", "en-GB", "en"),
        ("xnf_lang=vi", "en-GB", "en"),  # another cookie's name
        ("nf_lang=vi", None, "vi"),
    ],
)
def test_the_language_chosen_with_the_switcher_wins_over_the_phone(
    nginx: Nginx, cookie: str, accept: str | None, lang: str
) -> None:
    """The switcher's cookie (assets/lang.js): a tourist who chose a language on one
    box's page gets it from the next box's code too."""
    headers = {"Cookie": cookie} | ({"Accept-Language": accept} if accept else {})
    first = nginx.get("/Q/XM-D01", **headers)
    assert first.status == 302
    assert first.getheader("Location") == f"/{lang}/dolls/hmong/"
    assert "Cookie" in (first.getheader("Vary") or "")  # no cache hands it to another phone


def test_a_language_chosen_on_one_page_opens_the_next_box_in_it(nginx: Nginx) -> None:
    """Real Chromium: a French phone scans a box (English), taps "Tiếng Việt", and scans
    another box: nginx sends it to the Vietnamese page (before: English again, as only
    the landing page, which nginx skips, read the choice)."""
    base = f"http://127.0.0.1:{nginx.port}"
    steps = visit(
        [
            {"goto": f"{base}/Q/XM-D01", "wait_for_url": "/en/dolls/hmong/"},
            {"click": 'a[data-lang="vi"]'},
            {"goto": f"{base}/Q/XM-D02", "wait_for_url": "/dolls/"},
        ],
        locale="fr-FR",
    )
    scan, chose, next_box = steps
    assert scan["error"] is None and scan["lang"] == "en"
    assert chose["error"] is None and chose["url"] == f"{base}/vi/dolls/hmong/"
    assert next_box["error"] is None, next_box
    assert next_box["lang"] == "vi" and next_box["url"].startswith(f"{base}/vi/dolls/")


@pytest.mark.parametrize("path", ["/q/xm-d01", "/Q/xm-D01", "/q/XM-D01/", "/Q/XM-D01/"])
def test_a_code_in_any_letter_case_works(nginx: Nginx, path: str) -> None:
    response = nginx.get(path, **{"Accept-Language": "en-GB"})
    assert response.status == 302
    assert response.getheader("Location") == "/en/dolls/hmong/"


def test_every_printed_code_leads_to_its_item(nginx: Nginx) -> None:
    conf = (nginx.output / "_server/nginx.conf").read_text(encoding="utf-8")
    codes = sorted(set(re.findall(r"/q/(xm-[a-z0-9]+)/", conf)) - {"xm-b01"})
    assert len(codes) == 8  # the items' codes (XM-B01 is the booklet's: below)
    for code in codes:
        response = nginx.get(f"/Q/{code.upper()}", **{"Accept-Language": "vi"})
        location = response.getheader("Location") or ""
        assert response.status == 302 and location.startswith("/vi/"), code
        page = nginx.get(location)
        assert page.status == 200
        assert f"{code.upper()}" in page.body.decode()  # type: ignore[attr-defined]


def test_headers(nginx: Nginx) -> None:
    page = nginx.get("/en/dolls/hmong/")
    assert page.status == 200
    assert page.getheader("Content-Type") == "text/html; charset=utf-8"
    assert page.getheader("Cache-Control") == "no-cache"
    csp = page.getheader("Content-Security-Policy") or ""
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("Referrer-Policy") == "strict-origin-when-cross-origin"
    tree = tinyhtml5.parse(page.body, namespace_html_elements=False)  # type: ignore[attr-defined]
    css = tree.find(".//link[@rel='stylesheet']")
    assert css is not None and re.fullmatch(r"/assets/site\.[0-9a-f]{10}\.css", css.get("href"))
    sheet = nginx.get(css.get("href"))
    assert sheet.status == 200
    assert sheet.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert sheet.getheader("Content-Type") == "text/css; charset=utf-8"
    photo = tree.find(".//img")
    assert photo is not None
    image = nginx.get(photo.get("src"))
    assert image.status == 200 and image.getheader("Cache-Control") == "public, max-age=86400"
    root = nginx.get("/")  # the language chooser: inline script allowed by its own hashes
    assert root.status == 200
    assert "script-src 'unsafe-inline'" in (root.getheader("Content-Security-Policy") or "")
    assert "sha256-" in root.body.decode()  # type: ignore[attr-defined]


def test_the_404_page(nginx: Nginx) -> None:
    expected = (nginx.output / "404.html").read_bytes()
    for path in ("/no/such/page/", "/Q/XM-NOPE", "/vi/dolls/nobody/", "/_server/nginx.conf"):
        response = nginx.get(path)
        assert response.status == 404, path
        assert response.body == expected, path  # type: ignore[attr-defined]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_precompressed_files_are_served(nginx: Nginx, encoding: str) -> None:
    decode = brotli.decompress if encoding == "br" else gzip.decompress
    page = nginx.get("/vi/dolls/hmong/", **{"Accept-Encoding": encoding})
    assert page.getheader("Content-Encoding") == encoding
    body = page.body  # type: ignore[attr-defined]
    original = (nginx.output / "vi/dolls/hmong/index.html").read_bytes()
    assert decode(body) == original and len(body) < len(original) / 2
    assert "Accept-Encoding" in (page.getheader("Vary") or "")
    css = next((nginx.output / "assets").glob("site.*.css"))
    sheet = nginx.get(f"/assets/{css.name}", **{"Accept-Encoding": f"{encoding}, deflate"})
    assert sheet.getheader("Content-Encoding") == encoding
    assert decode(sheet.body) == css.read_bytes()  # type: ignore[attr-defined]
    plain = nginx.get("/vi/dolls/hmong/")
    assert plain.getheader("Content-Encoding") is None and plain.body == original  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "accept", "lang"),
    [("/Q/XM-B01", "fr-FR", "en"), ("/q/xm-b01", "vi-VN", "vi"), ("/q/Xm-B01/", None, "en")],
)
def test_a_booklets_code_is_one_redirect_to_the_booklet_in_the_visitors_language(
    nginx: Nginx, path: str, accept: str | None, lang: str
) -> None:
    """The code on a booklet's back cover, in any letter case, at the edge too."""
    headers = {"Accept-Language": accept} if accept is not None else {}
    first = nginx.get(path, **headers)
    assert first.status == 302
    assert first.getheader("Location") == f"/{lang}/booklets/xin-man-gifts/"
    page = nginx.get(first.getheader("Location") or "", **headers)
    assert page.status == 200
    assert html_lang(page.body) == lang  # type: ignore[attr-defined]


def test_an_operators_own_lines_are_kept_beside_the_generated_file(
    sample_site: Path, tmp_path: Path
) -> None:
    """Certificates and logs live in a folder the generated file includes, so the file can
    be linked from output/ and replaced by every deploy: here a second `listen` (as
    `listen 443 ssl;` would be) answers with the same site."""
    second = free_port()
    own = f"listen 127.0.0.1:{second};\n"
    with (
        running_nginx(sample_site / "output", tmp_path, own_lines=own),
        urllib.request.urlopen(f"http://127.0.0.1:{second}/vi/", timeout=60) as reply,
    ):
        assert reply.status == 200
        page = tinyhtml5.parse(reply.read(), namespace_html_elements=False)
    assert page.get("lang") == "vi"
