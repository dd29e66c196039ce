"""CLI messages in Vietnamese or English: --lang, the environment, the catalog, Msg."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder import messages
from site_builder.errors import ContentError
from site_builder.messages import Msg, _, language_from_env, ngettext
from tests.helpers import run_cli


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    messages.set_language("en")


def run(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("LANG", "LANGUAGE")}
    clean = {k: v for k, v in clean.items() if not k.startswith("LC_")}
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(project), *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )


def break_title(project: Path) -> None:
    vi = project / "content/dolls/hmong/vi.md"
    vi.write_text(vi.read_text(encoding="utf-8").replace("title: Búp bê Mông\n", ""), "utf-8")


EN = (
    "Error: content/dolls/hmong/vi.md:2: title: this required field is missing. "
    "Add a line 'title: ...' with the name shown on the page.\n"
    "1 error; nothing was written.\n"
)
VI = (
    "Lỗi: content/dolls/hmong/vi.md:2: title: thiếu trường bắt buộc này. "
    "Hãy thêm dòng 'title: ...' với tên hiển thị trên trang.\n"
    "1 lỗi; chưa ghi tệp nào.\n"
)


def test_an_error_in_both_languages_by_lang_option(minimal: Path) -> None:
    break_title(minimal)
    assert run_cli(minimal, "--lang", "en", "build").err == EN
    assert run_cli(minimal, "--lang", "vi", "build").err == VI


def test_language_from_the_environment(minimal: Path) -> None:
    break_title(minimal)
    assert run(minimal, {"LANG": "vi_VN.UTF-8"}, "build").stderr == VI
    assert run(minimal, {"LANG": "en_US.UTF-8"}, "build").stderr == EN
    assert run(minimal, {}, "build").stderr == EN
    # LC_ALL wins over LANG; --lang wins over everything
    assert run(minimal, {"LANG": "vi_VN.UTF-8", "LC_ALL": "C.UTF-8"}, "build").stderr == EN
    assert run(minimal, {"LC_MESSAGES": "vi_VN", "LANG": "en_GB"}, "build").stderr == VI
    assert run(minimal, {"LANG": "vi_VN.UTF-8"}, "--lang", "en", "build").stderr == EN


def test_success_and_help_in_vietnamese(minimal: Path) -> None:
    result = run(minimal, {"LANG": "vi_VN.UTF-8"}, "build")
    assert result.returncode == 0
    assert result.stdout.startswith("Đã tạo ")
    assert " mã QR và " in result.stdout and result.stdout.rstrip().endswith("giây.")
    help_text = run(minimal, {}, "--lang", "vi", "check", "--help").stdout
    assert help_text.startswith("cách dùng: site-builder check")
    assert "coi cảnh báo là lỗi (mã thoát 1)" in help_text


def test_language_from_env_rules() -> None:
    assert language_from_env({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert language_from_env({"LANG": "vi"}) == "vi"
    assert language_from_env({"LANG": "en_US.UTF-8"}) == "en"
    assert language_from_env({}) == "en"
    assert language_from_env({"LC_ALL": "vi_VN", "LANG": "en_US"}) == "vi"
    assert language_from_env({"LC_ALL": "", "LC_MESSAGES": "en_US", "LANG": "vi_VN"}) == "en"


def test_language_as_gnu_gettext_and_windows_choose_it() -> None:
    """LANGUAGE first (a list; not with the C locale), and where no variable is set (Windows
    sets none) the system's display language: Vietnamese Windows gets Vietnamese."""
    no_system = lambda: None  # noqa: E731
    assert language_from_env({"LANGUAGE": "vi:en", "LANG": "en_US.UTF-8"}, no_system) == "vi"
    assert language_from_env({"LANGUAGE": "en", "LANG": "vi_VN.UTF-8"}, no_system) == "en"
    assert language_from_env({"LANGUAGE": "vi", "LANG": "C"}, no_system) == "en"  # (as GNU)
    assert language_from_env({"LANGUAGE": "vi"}, no_system) == "vi"
    assert language_from_env({}, lambda: 0x042A) == "vi"  # vi-VN
    assert language_from_env({}, lambda: 0x0409) == "en"  # en-US
    assert language_from_env({}, lambda: 0x040C) == "en"  # fr-FR: English, not Vietnamese
    assert language_from_env({"LANG": "en_GB.UTF-8"}, lambda: 0x042A) == "en"  # set wins


def test_msg_is_english_text_with_a_translatable_template() -> None:
    m = Msg("no item has the code {code}.", code="XM-D09")
    assert m == "no item has the code XM-D09."
    assert isinstance(m, str) and m.template == "no item has the code {code}."
    assert m.params == {"code": "XM-D09"}
    messages.set_language("en")
    assert _(m) == "no item has the code XM-D09."
    messages.set_language("vi")
    assert _(m) == "không có sản phẩm nào mang mã XM-D09."
    assert _("this required field is missing.") == "thiếu trường bắt buộc này."
    assert _("a text the catalog does not know") == "a text the catalog does not know"
    assert _(Msg("unknown {x}", x=1)) == "unknown 1"
    assert ngettext("{n} error", "{n} errors", 3) == "3 lỗi"
    messages.set_language("en")
    assert ngettext("{n} error", "{n} errors", 1) == "1 error"
    assert ngettext("{n} error", "{n} errors", 3) == "3 errors"


def test_content_error_is_translated_only_when_shown() -> None:
    error = ContentError(
        Path("site.yaml"),
        3,
        "moved_codes.XM-D04",
        Msg("{old} is moved to {new}, but no item has the code {new}.", old="XM-D04", new="XM-D09"),
        Msg("Write the code of an existing item after the colon."),
    )
    english = (
        "site.yaml:3: moved_codes.XM-D04: XM-D04 is moved to XM-D09, but no item has the code "
        "XM-D09. Write the code of an existing item after the colon."
    )
    messages.set_language("vi")
    assert error.format() == english  # logs, tests and str() stay English
    assert str(error) == english
    assert error.format_localized() == (
        "site.yaml:3: moved_codes.XM-D04: XM-D04 được chuyển sang XM-D09, nhưng không có sản "
        "phẩm nào mang mã XM-D09. Hãy viết mã của một sản phẩm đang có sau dấu hai chấm."
    )
    messages.set_language("en")
    assert error.format_localized() == english


def test_progress_bar_on_a_terminal_and_plain_lines_otherwise() -> None:
    import io

    from site_builder.progress import Progress

    messages.set_language("en")
    plain = io.StringIO()
    p = Progress(plain, tty=False)
    p.start(3, "Checking")
    for _i in range(3):
        p.advance()
    p.done()
    lines = plain.getvalue().splitlines()
    assert lines[0] == "Checking: 3 steps…"
    assert lines[1].startswith("Checking: done in ") and len(lines) == 2
    tty = io.StringIO()
    p = Progress(tty, tty=True)
    p.start(2, "Rendering")
    p.advance(2)
    p.done()
    assert "Rendering [" + "#" * Progress.WIDTH + "] 2/2" in tty.getvalue()
    quiet = io.StringIO()
    q = Progress(quiet)
    q.enabled = False
    q.start(1, "x")
    q.done()
    assert quiet.getvalue() == ""


BROKEN_TEA = """\
code: XM-P01
ocop_group: tea
stars: four
certified_year: 2022
commune: xin-man
producer: HTX Chè Xín Mần (ví dụ)
prise: 150000
net_weight: 200 g
shelf_life_months: 24
images: [Tea.PNG]
gtin: "8930000000018"
payment:
  bank: Vietcombnak
  account: "0011000000000"
"""
BANKS = (
    "Vietcombank (VCB), BIDV, Agribank, VietinBank, Techcombank, MB Bank (MB), ACB, "
    "Sacombank, TPBank, VPBank"
)
YAML_PROBLEM = "mapping values are not allowed in this context"  # PyYAML's own words
TEA = "content/ocop/tea/item.yaml"
MISTAKES_EN = [
    f"content/dolls/hmong/item.yaml:4: this is not valid YAML ({YAML_PROBLEM}). "
    "Check the indentation and put text that contains ':' or '#' in quotes.",
    f"{TEA}:3: stars: expected a whole number of stars, found text ('four'). "
    "Write digits only, without dots, commas or units, e.g. 4.",
    f"{TEA}:7: prise: this field is not known. Did you mean 'price'? "
    "'price' is required, so write it as 'price:'.",
    f"{TEA}:10: images[0]: the image 'Tea.PNG' does not exist. Images in this folder: tea.png.",
    f"{TEA}:11: gtin: GTIN '8930000000018' has check digit 8, expected 9. "
    "Check the digits against the barcode; the last digit is computed from the others.",
    f"{TEA}:13: payment.bank: unknown bank 'Vietcombnak'. "
    f"Known banks: {BANKS}; or the 6-digit BIN of one of them.",
    "content/pages/visit/vi.md:2: title: this required field is missing. "
    "Add a line 'title: ...' with the name shown on the page.",
]
MISTAKES_VI = [
    "content/dolls/hmong/item.yaml:4: chỗ này viết sai cú pháp YAML: có một dấu ':' ở chỗ "
    "không được có, thường do chữ có dấu ':' mà không đặt trong ngoặc kép, hoặc do thụt đầu "
    "dòng sai. Hãy kiểm tra các dấu cách đầu dòng, và đặt trong ngoặc kép những đoạn chữ có dấu "
    "':' hoặc '#'.",
    f"{TEA}:3: stars: cần số sao (một số nguyên), nhưng lại thấy chữ ('four'). "
    "Hãy chỉ viết chữ số, không có dấu chấm, dấu phẩy hay đơn vị, ví dụ 4.",
    f"{TEA}:7: prise: không có trường nào tên như vậy. Bạn có muốn viết 'price' không? "
    "'price' là trường bắt buộc, nên hãy sửa thành 'price:'.",
    f"{TEA}:10: images[0]: không tìm thấy ảnh 'Tea.PNG'. Các ảnh có trong thư mục này: tea.png.",
    f"{TEA}:11: gtin: GTIN '8930000000018' có chữ số kiểm tra là 8, nhưng đúng ra phải là 9. "
    "Hãy so lại các chữ số với mã vạch; chữ số cuối cùng được tính từ các chữ số còn lại.",
    f"{TEA}:13: payment.bank: không có ngân hàng nào tên 'Vietcombnak'. "
    f"Các ngân hàng dùng được: {BANKS}; hoặc mã BIN 6 chữ số của một trong các ngân hàng này.",
    "content/pages/visit/vi.md:2: title: thiếu trường bắt buộc này. "
    "Hãy thêm dòng 'title: ...' với tên hiển thị trên trang.",
]


def test_content_mistakes_in_vietnamese(minimal: Path) -> None:
    """Typo with "did you mean", wrong type, missing field, missing image, bad GTIN,
    unknown bank, malformed YAML: every sentence in Vietnamese, the values as written."""
    (minimal / TEA).write_text(BROKEN_TEA, encoding="utf-8")
    hmong = minimal / "content/dolls/hmong/item.yaml"
    hmong.write_text(
        hmong.read_text(encoding="utf-8").replace("maker: Chi", "maker: Chi đoàn: thôn"), "utf-8"
    )
    visit = minimal / "content/pages/visit/vi.md"
    visit.write_text(visit.read_text(encoding="utf-8").replace("title: Đến Xín Mần\n", ""), "utf-8")

    english = run_cli(minimal, "--lang", "en", "build")
    vietnamese = run_cli(minimal, "--lang", "vi", "build")

    assert english.err == "".join(f"Error: {m}\n" for m in MISTAKES_EN) + (
        "7 errors; nothing was written.\n"
    )
    assert vietnamese.err == "".join(f"Lỗi: {m}\n" for m in MISTAKES_VI) + (
        "7 lỗi; chưa ghi tệp nào.\n"
    )
    assert english.code == vietnamese.code == 1
    # no word of the English sentences is left, only the values: paths, fields, the
    # mistaken values themselves, bank names, names of formats (YAML, GTIN, BIN); not
    # PyYAML's own description of the mistake (explained in Vietnamese)
    values = " ".join(
        [TEA, "content/dolls/hmong content/pages/visit/vi.md tea.png", BANKS]
        + ["price prise title stars images gtin payment bank Vietcombnak four Tea.PNG"]
        + ["YAML GTIN BIN"]
    )
    allowed = set(re.findall(r"[A-Za-z]{3,}", values))
    words = set(re.findall(r"[A-Za-z]{3,}", english.err)) - allowed
    left = sorted(w for w in words if re.search(rf"(?<![\w']){w}(?![\w'])", vietnamese.err))
    assert left == []


def test_errors_cross_process_boundaries_intact() -> None:
    """Errors found in worker processes are pickled back: nothing of them may be lost."""
    import pickle

    from site_builder.errors import ContentError, ErrorList, FieldError
    from site_builder.messages import Msg

    error = ContentError(
        Path("content/dolls/x/item.yaml"), 3, "price", Msg("bad {v}", v=1), Msg("fix it")
    )
    for original in (error, ErrorList([error]), FieldError("f", Msg("m {a}", a=2), "h")):
        copy = pickle.loads(pickle.dumps(original))
        assert type(copy) is type(original) and str(copy) == str(original)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.message.template == "bad {v}" and copy.hint.template == "fix it"
    assert (copy.path, copy.line, copy.field) == (error.path, 3, "price")


@pytest.mark.parametrize("lang", messages.LANGUAGES)
def test_durations_are_written_as_babel_writes_them(lang: str) -> None:
    """`Seconds` writes a duration with the language's decimal symbol without loading
    Babel's number data: the same text as Babel's own `format_decimal`."""
    from babel.numbers import format_decimal, get_decimal_symbol

    assert messages.DECIMAL_SYMBOLS[lang] == get_decimal_symbol(lang)
    previous = messages._language
    try:
        messages._language = lang
        for value in (0.0, 0.004, 0.005, 0.72, 1.265, 9.999, 59.5, 1234.567):
            for digits in (0, 1, 2):
                pattern = "0." + "0" * digits if digits else "0"
                babel = format_decimal(round(value, digits), format=pattern, locale=lang)
                assert format(messages.Seconds(value), f".{digits}f") == babel, (value, digits)
    finally:
        messages._language = previous


def test_a_console_that_is_not_utf8_gets_escapes_not_a_traceback(tmp_path: Path) -> None:
    """Windows redirects output in its code page (cp1258 for Vietnamese); LANG=C is ASCII.
    The build succeeded, then its last message ended it with UnicodeEncodeError, exit 1."""

    from tests.helpers import copy_project

    project = copy_project(tmp_path / "dự án")
    for encoding in ("cp1258", "ascii"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "site_builder",
                "--project",
                str(project),
                "--lang",
                "vi",
                "build",
                "--no-pdf",
            ],
            capture_output=True,
            env={**os.environ, "PYTHONIOENCODING": encoding},
            timeout=300,
        )
        assert done.returncode == 0, done.stderr.decode(encoding, "replace")
        out = done.stdout.decode(encoding)
        assert "\\u1ea1o" in out and "Traceback" not in done.stderr.decode(encoding, "replace")
