"""The build names a link in a story that leads to no page of the site, on the line that
writes it, and still publishes (a warning, as MkDocs gives; `check` fails on it): after a
full build, after an update in place (only the stories it converted), and after the page
a link led to was removed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from site_builder.content.translations import load_translation
from site_builder.errors import Collector
from site_builder.markdown import story_links
from tests.helpers import parse_html, run_cli
from tests.test_incremental import _append
from tests.test_quick_build import BUILT, UPDATED, cold, project_of

STORY = "content/dolls/hmong/vi.md"
TEE = (
    "Warning: content/dolls/hmong/vi.md:10: the link '/vi/ocop/tee/' leads to no page of "
    "this site. Did you mean /vi/ocop/tea/?"
)


def warnings_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("Warning:", "Cảnh báo:"))]


def links_added(project: Path) -> None:
    _append(STORY, "\nXem [chè](/vi/ocop/tee/) và [trang](../../pages/visit/).\n")(project)


def test_a_full_build_names_a_broken_link_and_publishes(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    links_added(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    assert done.out.startswith(BUILT)
    assert warnings_of(done.out + done.err) == [TEE]  # the working link says nothing
    page = parse_html(project / "output/vi/dolls/hmong/index.html")
    hrefs = [a.get("href") for a in page.iter("a")]
    assert "/vi/ocop/tee/" in hrefs  # published as written: a warning, not a refusal
    checked = run_cli(project, "check")
    assert checked.code == 1 and TEE.replace("Warning:", "Error:") in checked.out + checked.err


def test_the_warning_in_vietnamese(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    links_added(project)
    done = run_cli(project, "--lang", "vi", "build", "--no-pdf")
    assert done.code == 0, done.err
    (warning,) = warnings_of(done.out + done.err)
    assert warning.startswith("Cảnh báo: content/dolls/hmong/vi.md:10: ")
    assert "'/vi/ocop/tee/'" in warning and "/vi/ocop/tea/" in warning
    assert "leads to no page" not in warning  # (translated, not English)


def test_an_update_in_place_names_the_links_of_the_story_it_converted(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    assert run_cli(project, "build", "--no-pdf").out.startswith(BUILT)
    links_added(project)
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    assert done.out.startswith(UPDATED + "1 item(s)"), done.out
    assert warnings_of(done.out + done.err) == [TEE]
    _append(STORY, "\nRồi [sửa lại](/vi/ocop/tea/).\n")(project)  # another edit, a good link
    again = run_cli(project, "build", "--no-pdf")
    assert again.out.startswith(UPDATED), again.out
    assert warnings_of(again.out + again.err) == [TEE]  # the bad one is still there: named
    fixed = (project / STORY).read_text("utf-8").replace("/vi/ocop/tee/", "/vi/ocop/tea/")
    (project / STORY).write_text(fixed, encoding="utf-8")
    done = run_cli(project, "build", "--no-pdf")
    assert done.out.startswith(UPDATED) and warnings_of(done.out + done.err) == []
    assert (project / "output/vi/dolls/hmong/index.html").read_bytes() == cold(
        project, tmp_path, "--no-pdf"
    )["vi/dolls/hmong/index.html"]


def test_a_link_to_a_removed_item_is_named_in_the_story_that_kept_it(tmp_path: Path) -> None:
    project = project_of(tmp_path)
    _append(STORY, "\nUống cùng [chè Shan](/vi/ocop/tea/).\n")(project)
    first = run_cli(project, "build", "--no-pdf")
    assert first.code == 0 and warnings_of(first.out + first.err) == []
    shutil.rmtree(project / "content/ocop/tea")  # the tea is no longer sold
    for booklet in (project / "booklets").glob("*.yaml"):  # (nor in a booklet)
        text = booklet.read_text("utf-8")
        booklet.write_text(
            "\n".join(line for line in text.splitlines() if "ocop/tea" not in line) + "\n",
            encoding="utf-8",
        )
    done = run_cli(project, "build", "--no-pdf")
    assert done.code == 0, done.err
    (warning,) = warnings_of(done.out + done.err)
    assert warning.startswith(
        "Warning: content/dolls/hmong/vi.md:10: the link '/vi/ocop/tea/' leads to no page"
    ), warning


def test_links_are_found_where_the_story_is_converted(tmp_path: Path) -> None:
    """`Translation.links`: every `a` href and `img` src, once each, in order; none for a
    story without a tag (and the same as `story_links` of the page's HTML)."""
    project = project_of(tmp_path)
    path = project / STORY
    _append(
        STORY,
        "\nXem [chè](/vi/ocop/tea/), lại [chè](/vi/ocop/tea/), <img src=x.png alt=x>, "
        "[ngoài](https://example.org/), `<a href=/code/>` trong mã.\n",
    )(project)
    tr = load_translation(path, "vi", "dolls", ["doll.png"], Collector())
    assert tr.links == ("/vi/ocop/tea/", "x.png", "https://example.org/")
    assert story_links(tr.body_html) == tr.links
    plain = project / "content/dolls/hmong/en.md"
    assert load_translation(plain, "en", "dolls", ["doll.png"], Collector()).links == ()


def test_the_hint_names_the_page_a_broken_link_most_likely_meant(tmp_path: Path) -> None:
    """Never the page the link is on (a relative `ocop/tea` from the doll's page suggested
    the doll's page itself), the page with the link's last parts, the item whose title the
    address was made from."""
    project = project_of(tmp_path)
    _append(
        STORY,
        "\nXem [chè](ocop/tea/), [búp bê](/vi/dolls/bup-be-mong/), [mình](../hmongg/).\n",
    )(project)
    done = run_cli(project, "check", "--format", "json")
    hints = {e["message"].split("'")[1]: e["hint"] for e in json.loads(done.out)["errors"]}
    assert hints == {
        "ocop/tea/": "Did you mean /vi/ocop/tea/?",
        "/vi/dolls/bup-be-mong/": "Did you mean /vi/dolls/hmong/?",
        "../hmongg/": "Did you mean /vi/dolls/hmong/?",
    }
