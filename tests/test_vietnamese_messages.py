"""Every message of the invalid-site suite reads as Vietnamese under --lang vi.

Each case of tests/invalid_sites/ is built in English and in Vietnamese. Values are taken
out of both (the location `file:line: field:`, anything in quotes or backticks, URLs,
file names, codes); an English word of at least three letters left in the English
message must not be left in the Vietnamese one. Names of formats and brands (YAML, GTIN,
VietQR…) are allowed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.cli import main
from site_builder.vietqr import KNOWN_BANKS
from tests.helpers import copy_project
from tests.test_invalid_sites import BEFORE, CASES, apply_case

ALLOWED = {"YAML", "GTIN", "BIN", "UTF", "VietQR", "NAPAS", "JPEG", "PNG", "WebP", "SVG", "HEIC"}
ALLOWED |= {"GS1", "QR", "PDF", "HTML", "URL", "https", "http", "www", "com", "html", "yaml"}
ALLOWED |= {"web", "email", "Markdown", "zalo", "voso", "sendo", "postmart", "facebook", "website"}
ALLOWED |= {"phone", "tab", "git", "checkout", "Word"}  # "tab" is Vietnamese too; git commands
# are commands; Word is the program
ALLOWED |= {
    w
    for bank in KNOWN_BANKS
    for w in re.findall(r"[A-Za-z]{3,}", " ".join((bank.name, *bank.aliases)))
}
VALUE = re.compile(
    r"\b\w+(?:[._]\w+)+\b|/[\w.-]+/|'[^']*'|\"[^\"]*\"|`[^`]*`|“[^”]*”|https?://\S+|\S+\.(?:yaml|md|png|jpg|webp|svg|html)\b"
    r"|\b[A-Z]{2}-[A-Z0-9-]+\b|\b[\w./-]+/[\w./-]+\b|\{[^}]*\}|\[[^\]]*\]"
)


def words(message: str, values: set[str]) -> set[str]:
    """The English words of a message, without its values."""
    body = re.sub(r"^(Error|Lỗi|Warning|Cảnh báo): [^:]+(?::\d+)?: (?:[\w.\[\]-]+: )?", "", message)
    body = VALUE.sub(" ", body)
    found = set(re.findall(r"[A-Za-z]{3,}", body))
    return {w for w in found if w not in ALLOWED and w not in values and not w.isupper()}


def written(project: Path) -> set[str]:
    """Every word of the project's own files: field names and values a message may quote."""
    out: set[str] = set()
    for path in project.rglob("*"):
        if path.suffix in (".yaml", ".md") and "templates" not in path.parts:
            out |= set(
                re.findall(r"[A-Za-z_]{3,}", path.read_text(encoding="utf-8", errors="replace"))
            )
            out |= {w for part in out for w in part.split("_")}
        out |= set(re.findall(r"[A-Za-z]{3,}", path.name))
    return out


def messages(project: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    main(["--project", str(project), "--lang", lang, "build", "--no-pdf"])
    shown = capsys.readouterr()
    return [line for line in (shown.err + shown.out).splitlines() if line.strip()]


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_no_english_fragment_in_vietnamese(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "site", "minimal")
    if (CASES / case / BEFORE).is_dir():  # as tests/test_invalid_sites.py prepares it
        shutil.copytree(CASES / case / BEFORE, project, dirs_exist_ok=True)
        build(project, with_print=False)
    apply_case(project, CASES / case)
    english = messages(project, "en", capsys)
    vietnamese = messages(project, "vi", capsys)
    assert len(english) == len(vietnamese)
    values = written(project)
    left = []
    for en, vi in zip(english, vietnamese, strict=True):
        vi_words = set(re.findall(r"[A-Za-z]{3,}", VALUE.sub(" ", vi)))
        same = sorted(w for w in words(en, values) if w in vi_words)
        if same:
            left.append(f"{vi}\n    English left: {', '.join(same)}")
    assert not left, "\n".join(left)
