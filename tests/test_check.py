"""`site-builder check`: every error the build finds, broken links, the translation report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.check import source_hash
from site_builder.cli import main
from tests.test_incremental import _append
from tests.test_invalid_sites import CASES, apply_case


def check(project: Path, *args: str) -> int:
    return main(["--project", str(project), "--lang", "en", "check", *args])


def report(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = check(project, "--format", "json", *args)
    return code, json.loads(capsys.readouterr().out)


CLEAN = """\
Warning: content/dolls/hmong/en.md: unknown freshness: this translation does not say which \
version of vi.md it was made from. If it matches vi.md now, run \
`site-builder check --mark-translated content/dolls/hmong/en.md`.
Warning: content/pages/visit/en.md: unknown freshness: this translation does not say which \
version of vi.md it was made from. If it matches vi.md now, run \
`site-builder check --mark-translated content/pages/visit/en.md`.

Translations (source: vi):
  dolls/hmong  en: unknown freshness
  ocop/tea     en: missing
  pages/visit  en: unknown freshness

"""


def test_clean_site_passes_with_warnings_and_writes_nothing(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(minimal) == 0
    assert capsys.readouterr().out == CLEAN + "Check passed: 0 errors, 2 warnings.\n"
    assert not (minimal / "output").exists()
    assert check(minimal, "--strict") == 1
    assert capsys.readouterr().out == CLEAN + (
        "Check failed: 0 errors, 2 warnings. With --strict, warnings count as errors.\n"
    )


def test_mark_translated_then_stale_after_editing_the_source(
    minimal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    en = minimal / "content/dolls/hmong/en.md"
    vi = minimal / "content/dolls/hmong/vi.md"
    digest = source_hash(vi)
    assert len(digest) == 12
    code = check(
        minimal, "--mark-translated", "content/dolls/hmong/en.md", "content/pages/visit/en.md"
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        f"Marked content/dolls/hmong/en.md as translated from vi.md (source_hash: {digest})."
    )
    assert f"\nsource_hash: {digest}\n---\n" in en.read_text(encoding="utf-8")
    assert check(minimal, "--strict") == 0
    assert capsys.readouterr().out.endswith(
        "  dolls/hmong  en: up to date\n  ocop/tea     en: missing\n  pages/visit  en: up to date\n"
        "\nCheck passed: 0 errors, 0 warnings.\n"
    )
    # the hash ignores its own line, spaces at line ends and trailing blank lines
    vi.write_text(vi.read_text(encoding="utf-8").replace(".\n", ".  \n") + "\n\n", "utf-8")
    assert source_hash(vi) == digest

    vi.write_text(vi.read_text(encoding="utf-8") + "Một câu mới.\n", encoding="utf-8")
    code, data = report(minimal, capsys)
    assert code == 0 and data["ok"] is True
    hmong = next(t for t in data["translations"] if t["key"] == "dolls/hmong")
    assert hmong == {
        "key": "dolls/hmong",
        "source": "content/dolls/hmong/vi.md",
        "languages": {
            "en": {
                "status": "stale",
                "file": "content/dolls/hmong/en.md",
                "source_hash": digest,
                "expected_hash": source_hash(vi),
            }
        },
    }
    assert data["warnings"] == [
        {
            "file": "content/dolls/hmong/en.md",
            "line": 7,
            "field": "source_hash",
            "message": "stale: vi.md changed after this translation was made.",
            "hint": "Update the translation, then run "
            "`site-builder check --mark-translated content/dolls/hmong/en.md`.",
        }
    ]
    code, data = report(minimal, capsys, "--strict")
    assert code == 1 and data["ok"] is False and data["errors"] == []
    # marking again makes it current; the build still accepts the field
    assert check(minimal, "--mark-translated", str(en)) == 0
    capsys.readouterr()
    assert report(minimal, capsys, "--strict")[0] == 0


def test_mark_translated_refuses_the_source_text(
    minimal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    assert check(minimal, "--mark-translated", "content/dolls/hmong/vi.md") == 1
    assert capsys.readouterr().err == (
        "Error: content/dolls/hmong/vi.md is the source text (vi); other languages are "
        "translated from it. Give a translation, e.g. content/dolls/hmong/en.md.\n"
    )


def test_mark_translated_given_a_folder_names_the_file_to_give(
    minimal: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member gives the item's folder (tab completion stops there): it exists, so
    "does not exist" was wrong; the message names the translation inside."""
    monkeypatch.chdir(minimal)
    assert check(minimal, "--mark-translated", "content/dolls/hmong/") == 1
    assert capsys.readouterr().err == (
        "Error: content/dolls/hmong is a folder: give the translation file in it, e.g. "
        "content/dolls/hmong/en.md.\n"
    )
    vi = ["--project", str(minimal), "--lang", "vi", "check", "--mark-translated"]
    assert main([*vi, "content/dolls/hmong"]) == 1
    assert capsys.readouterr().err == (
        "Lỗi: content/dolls/hmong là một thư mục: hãy đưa tệp bản dịch trong đó, ví dụ "
        "content/dolls/hmong/en.md.\n"
    )


def test_a_broken_link_is_found_on_the_story_line_that_writes_it(
    minimal: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first line holding the link's text was reported: `doll.png` is the front
    matter's `alt:` key (line 5), `x` a letter of the summary."""
    vi = minimal / "content/dolls/hmong/vi.md"
    _append(
        "content/dolls/hmong/vi.md",
        '\nẢnh trong bài: ![búp bê](doll.png)\n\nXem <abbr title="x">x</abbr>.\n\n'
        'Và <img src=x alt="x"> nữa.\n',
    )(minimal)
    lines = vi.read_text(encoding="utf-8").splitlines()
    code, data = report(minimal, capsys)
    assert code == 1
    found = {e["message"]: e["line"] for e in data["errors"]}
    assert (
        found["the link 'doll.png' leads to no page of this site."]
        == lines.index("Ảnh trong bài: ![búp bê](doll.png)") + 1
    )
    assert (
        found["the link 'x' leads to no page of this site."]
        == lines.index('Và <img src=x alt="x"> nữa.') + 1
    )


def test_broken_internal_links(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vi = minimal / "content/dolls/hmong/vi.md"
    vi.write_text(
        vi.read_text(encoding="utf-8")
        + "\nXem [chè](/vi/ocop/tee/), [trang](../../pages/visit/), [QR](/Q/XM-D01),\n"
        "[ảnh](/media/dolls/hmong/doll.png), [ngoài](https://example.org/x), [thư](mailto:a@b.vn),\n"
        "[ảnh nhỏ](/media/dolls/hmong/doll-40.webp), [máy chủ](/_server/nginx.conf),\n"
        "[đầu trang](#top), [tiếng Anh](https://xinman.example.vn/en/dolls/hmong/).\n"
        "Và [sai](../hmongg/) cùng [mất](/Q/XM-D77).\n",
        encoding="utf-8",
    )
    code, data = report(minimal, capsys)
    assert code == 1
    assert data["errors"] == [
        {
            "file": "content/dolls/hmong/vi.md",
            "line": 10,
            "field": None,
            "message": "the link '/vi/ocop/tee/' leads to no page of this site.",
            "hint": "Did you mean /vi/ocop/tea/?",
        },
        {  # the original photo is not published: only its sizes are (issue 17, item 2)
            "file": "content/dolls/hmong/vi.md",
            "line": 11,
            "field": None,
            "message": "the link '/media/dolls/hmong/doll.png' leads to no page of this site.",
            "hint": "Did you mean /media/dolls/hmong/doll-40.jpg?",
        },
        {  # the host's own files are never served
            "file": "content/dolls/hmong/vi.md",
            "line": 12,
            "field": None,
            "message": "the link '/_server/nginx.conf' leads to no page of this site.",
            "hint": "Pages of this site look like /vi/dolls/hmong/; check the folder name.",
        },
        {
            "file": "content/dolls/hmong/vi.md",
            "line": 14,
            "field": None,
            "message": "the link '../hmongg/' leads to no page of this site.",
            "hint": "Did you mean /vi/dolls/hmong/?",
        },
        {
            "file": "content/dolls/hmong/vi.md",
            "line": 14,
            "field": None,
            "message": "the link '/Q/XM-D77' leads to no page of this site.",
            "hint": "Did you mean /Q/XM-D01?",
        },
    ]
    assert check(minimal) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        "Error: content/dolls/hmong/vi.md:10: the link '/vi/ocop/tee/' leads to no page of this "
        "site. Did you mean /vi/ocop/tea/?\n"
    )
    assert out.endswith("Check failed: 5 errors, 2 warnings.\n")


@pytest.mark.parametrize(
    "case",
    [
        "missing-title",
        "missing-image",
        "duplicate-code",
        "printed-code-deleted",
        "code-too-long-for-qr",
        "several-errors",
        "malformed-yaml",
        "sticker-title-too-long",
    ],
)
def test_check_reports_what_the_build_reports(
    minimal: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    apply_case(minimal, CASES / case)
    assert check(minimal) == 1
    out = capsys.readouterr().out
    expected = (CASES / case / "expected.txt").read_text().splitlines()[:-1]  # minus the summary
    assert sorted(line for line in out.splitlines() if line.startswith("Error: ")) == sorted(
        expected
    )
    code, data = report(minimal, capsys)
    assert code == 1 and data["ok"] is False
    assert len(data["errors"]) == len(expected)
    assert all(set(e) == {"file", "line", "field", "message", "hint"} for e in data["errors"])
    assert not (minimal / "output").exists()


def test_a_translations_path_worked_out_ahead_is_the_one_its_warning_would_show(
    minimal: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The look-ahead process works out how each translation's path is shown
    (`ContentError.shown`); the check prints that, and it is what the warning would
    show without it: also for a project reached through a symbolic link."""
    from site_builder.errors import ContentError

    link = tmp_path / "link"
    link.symlink_to(minimal)
    assert check(link) == 0
    out = capsys.readouterr().out
    shown = [line.split(": ")[1] for line in out.splitlines() if line.startswith("Warning: ")]
    assert shown == ["content/dolls/hmong/en.md", "content/pages/visit/en.md"]
    for rel in shown:
        fresh = ContentError(link / rel, None, None, "x")
        assert fresh.location(link, {}) == fresh.location(link) == rel
        ahead = ContentError(link / rel, 3, None, "x", shown=(link, rel))
        assert ahead.location(link, {}) == f"{rel}:3"
        assert ahead.location(tmp_path) == ContentError(link / rel, 3, None, "x").location(tmp_path)
