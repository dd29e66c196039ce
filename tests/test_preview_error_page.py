"""The preview's error page, now a Jinja template (site_builder/preview/error.html,
issue 17 item 2), read back as parsed HTML: every problem with file, line, field, message
and hint, in the CLI language, and content text escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinyhtml5

from site_builder.errors import ContentError
from site_builder.messages import Msg, language, set_language
from site_builder.preview.serve import Preview, ShownProblem


def page_of(tmp_path: Path, lang: str) -> tinyhtml5.Element:  # type: ignore[name-defined]
    preview = Preview(tmp_path, tmp_path / "output", log=lambda _m: None)
    preview.problems = [
        ShownProblem(
            ContentError(
                tmp_path / "content/dolls/hmong/item.yaml",
                7,
                "price",
                Msg("the {lang} text is missing.", lang="vi"),
                "Use <b>digits</b> & no dots.",
            )
        ),
        ShownProblem(ContentError(tmp_path / "content/ocop/tea/vi.md", None, None, "bad <script>")),
        ShownProblem(text="PDF: the font is missing."),
    ]
    before = language()
    set_language(lang)
    try:
        body = preview.error_page()
    finally:
        set_language(before)
    return tinyhtml5.parse(body, namespace_html_elements=False)


def text(el: object) -> str:
    return "".join(el.itertext())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("en", "The site has errors", "the vi text is missing."),
        ("vi", "Nội dung đang có lỗi", "chưa có bản vi."),
    ],
)
def test_every_problem_is_on_the_page(tmp_path: Path, lang: str, title: str, message: str) -> None:
    root = page_of(tmp_path, lang)
    assert root.get("lang") == lang
    assert text(root.find(".//h1")) == title == text(root.find(".//title"))
    first, second, third = root.findall(".//ol[@class='errors']/li")
    assert text(first.find("p[@class='where']/code")) == "content/dolls/hmong/item.yaml:7"
    assert text(first.find(".//span[@class='field']/code")) == "price"
    assert text(first.find("p[@class='message']")) == message
    assert text(first.find("p[@class='hint']")) == "Use <b>digits</b> & no dots."  # escaped
    assert first.find(".//b") is None
    assert text(second.find("p[@class='where']/code")) == "content/ocop/tea/vi.md"
    assert (
        second.find(".//span[@class='field']") is None and second.find("p[@class='hint']") is None
    )
    assert text(second.find("p[@class='message']")) == "bad <script>"
    assert root.find(".//script") is None
    assert text(third) == "PDF: the font is missing." and third.find("p[@class='where']") is None
