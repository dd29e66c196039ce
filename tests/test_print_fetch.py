"""A print document loads only the files it was given: nothing a story names on the
network or elsewhere on the disk is fetched (issue 13)."""

from __future__ import annotations

import dataclasses
import http.server
import io
import logging
import threading
from pathlib import Path

from pypdf import PdfReader

from site_builder.print import render_booklet
from tests.helpers import run_cli
from tests.test_print_booklet import ENV, make_doc, photos  # noqa: F401 (fixture)


def image_count(pdf: bytes) -> int:
    """Distinct images embedded in the PDF."""
    seen = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        for ref in xobjects.values():
            if ref.get_object()["/Subtype"] == "/Image":
                seen.add(ref.idnum)
    return len(seen)


def test_remote_and_outside_references_are_left_out(photos, tmp_path: Path, caplog) -> None:  # noqa: F811
    hits: list[str] = []

    class Spy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.png"
    secret.write_bytes((next(iter(photos.values()))).read_bytes())
    try:
        remote = f"http://127.0.0.1:{server.server_address[1]}/track.png"
        doc = make_doc("en", photos)
        story = (
            f'<p>A photo from elsewhere: <img src="{remote}" alt="x"> '
            f'<img src="{secret.as_uri()}" alt="y"></p>'
        )
        chapters = tuple(dataclasses.replace(c, body_html=story) for c in doc.chapters)
        with caplog.at_level(logging.WARNING, logger="site_builder.print"):
            pdf = render_booklet(dataclasses.replace(doc, chapters=chapters), env=ENV)
    finally:
        server.shutdown()
    assert hits == []
    # the cover and three chapter photos only; the two references are left out
    assert image_count(pdf) == 4
    refused = [r.getMessage() for r in caplog.records if r.name == "site_builder.print"]
    assert any(remote in m and "was not loaded" in m for m in refused)
    assert any(secret.as_uri() in m for m in refused)
    assert refused[0].startswith("booklet 'Xín Mần Dolls': ")


def test_a_story_picture_on_the_web_is_named_in_a_warning(minimal: Path) -> None:
    hits: list[str] = []

    class Spy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Spy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_address[1]}/pixel.png"
    story = minimal / "content/dolls/hmong/vi.md"
    story.write_text(story.read_text() + f"\n![Ảnh trên mạng]({remote})\n")
    try:
        result = run_cli(minimal, "build")
    finally:
        server.shutdown()
    assert result.code == 0, result.err
    assert (
        f"Warning: booklet gifts, 'Búp bê Mông': the picture {remote} is not printed (a "
        "booklet prints only the items' own photos, never a file from elsewhere or the web)."
        in result.out.splitlines()
    )
    assert hits == []  # the PDFs were made without asking the network
    assert (minimal / "output/print/gifts-vi.pdf").is_file()
