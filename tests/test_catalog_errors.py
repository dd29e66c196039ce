"""A damaged .po catalogue: the site's is a content error at the right line; the command
line's own (a damaged installation) falls back to English with one line on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder import i18n, messages
from site_builder.errors import ContentError

HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
BROKEN = HEAD + 'msgid "Home"\nmsgstr "Trang chủ\nxin chào"\n'  # line 7: a line torn in two


def test_a_broken_site_catalog_names_its_file_and_line(tmp_path: Path) -> None:
    po = tmp_path / "vi" / "LC_MESSAGES" / "site.po"
    po.parent.mkdir(parents=True)
    po.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ContentError) as info:
        i18n.load_translations(tmp_path, "vi")
    text = info.value.format(tmp_path)
    assert info.value.path == po and info.value.line == 7
    assert text.startswith("vi/LC_MESSAGES/site.po:7: this translation catalog cannot be read (")
    assert text.endswith("Check the quotes of the msgid/msgstr lines.")
    messages.set_language("vi")
    try:
        assert info.value.format_localized(tmp_path) == (
            "vi/LC_MESSAGES/site.po:7: không đọc được tệp bản dịch này ("
            f"{info.value.message.params['detail']}). "
            "Hãy kiểm tra dấu ngoặc kép của các dòng msgid/msgstr."
        )
    finally:
        messages.set_language("en")


def test_a_good_site_catalog_translates(tmp_path: Path) -> None:
    po = tmp_path / "vi" / "LC_MESSAGES" / "site.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEAD + 'msgid "Home"\nmsgstr "Trang chủ"\n', encoding="utf-8")
    assert i18n.load_translations(tmp_path, "vi").gettext("Home") == "Trang chủ"


def test_a_damaged_cli_catalog_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    po = tmp_path / "vi" / "LC_MESSAGES" / "cli.po"
    po.parent.mkdir(parents=True)
    po.write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(messages, "LOCALE_DIR", tmp_path)
    try:
        assert messages.set_language("vi") == "en"
        assert messages._("{n} error(s)") == "{n} error(s)"
    finally:
        monkeypatch.undo()
        messages.set_language("en")
    err = capsys.readouterr().err
    assert err.startswith(f"{po}: ") and err.endswith(
        "; messages are shown in English (reinstall site-builder).\n"
    )


def test_a_copy_of_site_pot_as_a_new_language_says_how_to_start_one(tmp_path: Path) -> None:
    """site.pot has no header, so no plural rule: its two msgstr[N] lines are one too many
    for the rule babel falls back to (the language's own: one form in Chinese)."""
    po = tmp_path / "zh" / "LC_MESSAGES" / "site.po"
    po.parent.mkdir(parents=True)
    po.write_bytes((Path(__file__).parent.parent / "locale/site.pot").read_bytes())
    with pytest.raises(ContentError) as info:
        i18n.load_translations(tmp_path, "zh")
    text = info.value.format(tmp_path)
    assert text.startswith("zh/LC_MESSAGES/site.po:")
    assert "this translation catalog cannot be read (" in text
    assert text.endswith(
        "The msgstr[N] lines do not fit the plural rule in the header (Plural-Forms): "
        "start a catalogue with pybabel init (docs/editing.md), not a copy of site.pot."
    )
    messages.set_language("vi")
    try:
        assert info.value.format_localized(tmp_path).endswith(
            "Các dòng msgstr[N] không khớp với quy tắc số nhiều ở đầu tệp (Plural-Forms): "
            "hãy tạo tệp bản dịch bằng pybabel init (docs/editing.md), đừng chép nguyên site.pot."
        )
    finally:
        messages.set_language("en")
