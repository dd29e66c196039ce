"""THE URL-serving rules (site_builder/serving.py): a table of URL -> result, and a real
nginx running the generated `_server/nginx.conf` over the built sample giving the same
file for every page (issue 17, item 2)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder import serving
from site_builder.link_check import resolves
from site_builder.preview.serve import Preview
from tests.test_nginx import Nginx, running_nginx

FILES = {
    "index.html",
    "404.html",
    "robots.txt",
    "vi/index.html",
    "vi/dolls/index.html",
    "vi/dolls/hmong/index.html",
    "Q/XM-D01.html",
    "Q/XM-D02.html",  # a code at both addresses, as the build writes them
    "Q/XM-D02/index.html",
    "assets/site.1a2b3c.css",
    "media/dolls/hmong/front-640.webp",
    "_server/nginx.conf",
}

TABLE = [
    ("/", "file", "index.html"),
    ("", "file", "index.html"),
    ("/index.html", "file", "index.html"),
    ("/vi/", "file", "vi/index.html"),
    ("/vi", "redirect", "/vi/"),
    ("/vi/dolls/hmong/", "file", "vi/dolls/hmong/index.html"),
    ("/vi/dolls/hmong", "redirect", "/vi/dolls/hmong/"),
    ("/vi/dolls/hmong/index.html", "file", "vi/dolls/hmong/index.html"),
    ("/vi//dolls/./hmong/", "file", "vi/dolls/hmong/index.html"),
    ("/vi/ocop/../dolls/hmong/", "file", "vi/dolls/hmong/index.html"),
    ("/../../etc/passwd", "missing", ""),
    ("/Q/XM-D01", "file", "Q/XM-D01.html"),
    ("/Q/XM-D01.html", "file", "Q/XM-D01.html"),
    ("/Q/XM-D01/", "missing", ""),  # no folder of that name
    ("/Q/XM-D99", "missing", ""),
    ("/q/xm-d01", "redirect", "/Q/XM-D01"),  # typed in lower case (nginx: by language)
    ("/Q/xm-d01", "redirect", "/Q/XM-D01"),
    ("/q/xm-d99", "missing", ""),
    ("/q/xm-d02/", "redirect", "/Q/XM-D02/"),  # lower case, trailing slash (nginx: the same)
    ("/Q/XM-D02/", "file", "Q/XM-D02/index.html"),
    ("/q/xm-d99/", "missing", ""),
    ("/vi/dolls/HMONG/", "missing", ""),  # only the printed codes ignore case
    ("/assets/site.1a2b3c.css", "file", "assets/site.1a2b3c.css"),
    ("/media/dolls/hmong/front-640.webp", "file", "media/dolls/hmong/front-640.webp"),
    ("/media/dolls/hmong/front-640", "missing", ""),
    ("/robots.txt", "file", "robots.txt"),
    ("/vi/dolls/tay/", "missing", ""),
    ("/vi/dolls/tay", "missing", ""),
    ("/_server/nginx.conf", "missing", ""),  # the host's own files are never served
    ("/vi/\x00/", "missing", ""),
]


@pytest.mark.parametrize(("path", "kind", "target"), TABLE)
def test_rules(path: str, kind: str, target: str) -> None:
    assert serving.resolve_in(path, FILES) == serving.Resolved(kind, target)  # type: ignore[arg-type]


@pytest.mark.parametrize(("path", "kind", "target"), TABLE)
def test_check_and_preview_use_the_rules(path: str, kind: str, target: str, tmp_path: Path) -> None:
    out = tmp_path / "output"
    for rel in FILES:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel, encoding="utf-8")
    assert resolves(path.lstrip("/"), FILES) == (kind != "missing")
    preview = Preview.__new__(Preview)
    preview.output = out
    found = preview.resolve(path)
    expected = {"file": "page" if target.endswith(".html") else "file"}.get(kind, kind)
    assert found == (expected, target)


def test_a_symlink_out_of_the_folder_is_missing_in_the_preview(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    preview = Preview.__new__(Preview)
    preview.output = out
    assert preview.resolve("/leak.txt") == ("missing", "")


@pytest.fixture(scope="module")
def nginx(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    with running_nginx(sample_site / "output", tmp_path_factory.mktemp("nginx")) as server:
        yield server


def _urls(output: Path) -> list[str]:
    """Every page of the built sample in each form a visitor may type, a few files and
    a few paths that lead nowhere."""
    urls = ["/", "/index.html", "/nowhere/", "/vi/nowhere", "/_server/nginx.conf", "/vi/../en/"]
    for page in sorted(output.rglob("*.html")):
        rel = page.relative_to(output).as_posix()
        if rel.startswith("_server/"):
            continue
        urls.append("/" + rel)
        if rel.endswith("/index.html"):
            folder = rel[: -len("index.html")]
            urls += ["/" + folder, "/" + folder.rstrip("/")]
        else:
            urls.append("/" + rel[: -len(".html")])
    urls += ["/" + p.relative_to(output).as_posix() for p in sorted(output.glob("assets/*"))[:5]]
    return urls


def test_nginx_serves_what_the_rules_say(nginx: Nginx) -> None:
    output = nginx.output
    on_disk = {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
    not_found = (output / serving.NOT_FOUND_PAGE).read_bytes()
    compared = 0
    for url in _urls(output):
        found = serving.resolve_in(url, on_disk)
        response = nginx.get(url, **{"Accept-Language": "vi"})
        body: bytes = response.body  # type: ignore[attr-defined]
        if response.status == 302 and url.upper().startswith("/Q/"):
            continue  # a printed code redirected by language at the edge, before the rules
        if found.kind == "file":
            assert response.status == 200, url
            assert body == (output / found.target).read_bytes(), url
        elif found.kind == "redirect":
            assert response.status == 301, url
            assert response.getheader("Location") == found.target, url
        else:
            assert response.status == 404, url
            assert body == not_found, url
        compared += 1
    assert compared > 100


def test_the_rules_know_where_the_printed_codes_live() -> None:
    from site_builder.urls import QR_PREFIX

    assert serving.CODE_FOLDER == QR_PREFIX
