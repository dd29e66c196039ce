"""A third item kind needs one module: site_builder/content/kinds.py (plus its template
partial and its words in site.po). Here a kind "textiles" (codes XM-T..) is registered at
test time, without touching any other module, and a member's whole path is walked: `new
textile`, the filled-in files, `check`, `build`; the list pages, item pages in both
languages, structured data, QR codes (decoded) and the booklet's print chapter are read
back from the real output."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from babel.messages.pofile import read_po
from PIL import Image, ImageDraw

from site_builder import cli, messages
from site_builder.build import build, plan_site
from site_builder.content import kinds
from site_builder.content import schema as s
from site_builder.content.loader import load_site
from site_builder.errors import ErrorList
from site_builder.outputs import files_of
from tests.helpers import REPO, copy_project, parse_html, text_of
from tests.test_outputs import written


def _print_facts(
    facts: Mapping[str, Any], group: str, _: kinds.Gettext, ngettext: kinds.Ngettext
) -> list[tuple[str, str]]:
    return [(_("Costume of the people"), group), (_("Woven by"), facts["weaver"])]


def _jsonld(facts: Mapping[str, Any], text: Mapping[str, Any]) -> dict[str, Any]:
    return {"width": {"@type": "QuantitativeValue", "value": facts["width_cm"], "unitCode": "CMT"}}


def _scaffold_yaml(categories: Mapping[str, str], today: dt.date) -> str:
    return f"""
# Dân tộc của hoa văn. Ethnic group of the pattern.
ethnic_group: "???"  # ví dụ / e.g. {categories["ethnic_groups"]}
commune: {categories["communes"]}
# Người dệt (tên riêng). Who wove it (a name).
weaver: "???"
price: "???"
# Khổ vải, cm. Width in cm.
width_cm: "???"
"""


TEXTILES = kinds.Kind(
    name="textiles",
    word="textile",
    prefix="XM-T",
    title=kinds.S_("Handwoven textiles"),
    menu=kinds.S_("Textiles"),
    group_field="ethnic_group",
    group_table="ethnic_groups",
    group_example="hmong",
    maker_field="weaver",
    fields=(
        s.Field("weaver", s.text),
        s.Field("width_cm", s.whole_number(10, 300, "", 45)),
    ),
    text_fields=(s.Field("technique", s.text, required=False),),
    view=("weaver", "width_cm"),
    print_facts=_print_facts,
    jsonld=_jsonld,
    scaffold_yaml=_scaffold_yaml,
    scaffold_text=lambda lang, placeholder: ["# technique: ..."],
    example_slug="khan-theu-mong",
    section="tho-cam",  # its pages' addresses: /vi/tho-cam/..., its folder content/textiles/
)

FACTS = """\
{# The facts only textiles have (a kind registered by tests/test_third_kind.py). #}
    <dt>{{ _("Costume of the people") }}</dt><dd>{{ item.group }}</dd>
    <dt>{{ _("Woven by") }}</dt><dd>{{ item.weaver }}</dd>
    <dt>{{ _("Width") }}</dt><dd>{{ item.width_cm }} cm</dd>
"""

TEXTS = """\
{% if item.fields.get('technique') %}
  <h2 class="technique">{{ _("Technique") }}</h2>
  <p>{{ item.fields.get('technique') }}</p>
{% endif %}
"""

WORDS_VI = {
    "Handwoven textiles": "Thổ cẩm dệt tay",
    "Textiles": "Thổ cẩm",
    "Woven by": "Người dệt",
    "Width": "Khổ vải",
    "Technique": "Kỹ thuật",
}

ITEM_YAML = """\
code: {code}
ethnic_group: hmong
commune: xin-man
weaver: Vàng Thị Mai (ví dụ)
price: 250000
width_cm: {width}
images: [scarf.jpg]
"""

VI_MD = """\
---
title: Khăn thêu Mông
summary: Khăn lanh thêu tay, hoa văn ốc sên.
alt:
  scarf.jpg: Khăn thêu hoa văn xanh chàm
technique: thêu chữ thập
---
Chị Mai thêu chiếc khăn này trong ba tuần.
"""

EN_MD = """\
---
title: Hmong embroidered scarf
summary: A hand-embroidered hemp scarf with a snail-shell pattern.
alt:
  scarf.jpg: A scarf embroidered with an indigo pattern
technique: cross-stitch
---
Mai embroidered this scarf over three weeks.
"""


MESSAGES = {
    "en": "Error: content/textiles/khan-theu-mong/item.yaml:6: width_cm: "
    "must be between 10 and 300, not 5.\n1 error; nothing was written.\n",
    "vi": "Lỗi: content/textiles/khan-theu-mong/item.yaml:6: width_cm: "
    "phải nằm trong khoảng từ 10 đến 300, không được là 5.\n1 lỗi; chưa ghi tệp nào.\n",
}


@pytest.fixture
def textiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[kinds.Kind]:
    """The third kind, for this test only (forked build workers would inherit it)."""
    monkeypatch.setitem(kinds.REGISTRY, TEXTILES.name, TEXTILES)
    yield TEXTILES


def _project(tmp_path: Path) -> Path:
    root = copy_project(tmp_path / "site", "minimal")
    (root / "templates" / "kinds" / "textiles").mkdir()
    (root / "templates" / TEXTILES.facts_template).write_text(FACTS, encoding="utf-8")
    (root / "templates" / TEXTILES.texts_template).write_text(TEXTS, encoding="utf-8")
    po = root / "locale" / "vi" / "LC_MESSAGES" / "site.po"
    entries = "".join(f'\nmsgid "{en}"\nmsgstr "{vi}"\n' for en, vi in WORDS_VI.items())
    po.write_text(po.read_text(encoding="utf-8") + entries, encoding="utf-8")
    booklet = root / "booklets" / "gifts.yaml"
    booklet.write_text(
        booklet.read_text(encoding="utf-8").replace(
            "  - ocop/tea\n", "  - ocop/tea\n  - textiles/khan-theu-mong\n"
        ),
        encoding="utf-8",
    )
    return root


def _fill_in(folder: Path, code: str, width: int = 45) -> None:
    """What a member does after `new`: the real facts, texts and photo."""
    (folder / "item.yaml").write_text(ITEM_YAML.format(code=code, width=width), encoding="utf-8")
    (folder / "vi.md").write_text(VI_MD, encoding="utf-8")
    (folder / "en.md").write_text(EN_MD, encoding="utf-8")
    (folder / "photo.png").unlink(missing_ok=True)
    photo = Image.new("RGB", (900, 600), (236, 232, 220))
    draw = ImageDraw.Draw(photo)
    for x in range(0, 900, 60):  # an embroidered band: rows of indigo diamonds
        draw.polygon([(x + 30, 250), (x + 60, 300), (x + 30, 350), (x, 300)], fill=(40, 60, 120))
    photo.save(folder / "scarf.jpg", "JPEG", quality=85)


def _h1(path: Path) -> str:
    h1 = parse_html(path).find(".//h1")
    assert h1 is not None, path
    return text_of(h1)


def _facts(path: Path) -> dict[str, str]:
    dl = parse_html(path).find(".//dl[@class='facts']")
    assert dl is not None, path
    terms = [text_of(e) for e in dl if e.tag == "dt"]
    values = [text_of(e) for e in dl if e.tag == "dd"]
    return dict(zip(terms, values, strict=True))


def _jsonld_of(path: Path) -> dict[str, Any]:
    for script in parse_html(path).iter("script"):
        if script.get("type") == "application/ld+json":
            data: dict[str, Any] = json.loads(script.text or "")
            return data
    raise AssertionError(f"no JSON-LD in {path}")


def test_a_third_kind_is_one_registry_entry(
    tmp_path: Path, textiles: kinds.Kind, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path)

    # `site-builder new textile NAME` knows the kind's word and its codes
    assert cli.main(["--project", str(root), "new", "textile", "Khăn thêu Mông"]) == 0
    folder = root / "content" / "textiles" / "khan-theu-mong"
    assert "XM-T01" in capsys.readouterr().out
    assert "code: XM-T01\n" in (folder / "item.yaml").read_text(encoding="utf-8")
    assert 'weaver: "???"' in (folder / "item.yaml").read_text(encoding="utf-8")
    _fill_in(folder, "XM-T01")

    # check passes
    assert cli.main(["--project", str(root), "check"]) == 0, capsys.readouterr()

    build(root)
    out = root / "output"

    # the list pages, in both languages, with the kind's title and its item's card
    assert _h1(out / "vi/tho-cam/index.html") == "Thổ cẩm dệt tay"
    assert _h1(out / "en/tho-cam/index.html") == "Handwoven textiles"
    for lang in ("vi", "en"):
        page = parse_html(out / f"{lang}/tho-cam/index.html")
        hrefs = [a.get("href") for a in page.iter("a")]
        assert f"/{lang}/tho-cam/khan-theu-mong/" in hrefs
        menu = page.find(".//nav[@class='menu']")
        assert menu is not None
        labels = {a.get("href"): text_of(a) for a in menu.iter("a")}
        assert labels[f"/{lang}/tho-cam/"] == {"vi": "Thổ cẩm", "en": "Textiles"}[lang]
        assert labels[f"/{lang}/dolls/"] == {"vi": "Búp bê", "en": "Dolls"}[lang]
        home = parse_html(out / f"{lang}/index.html")
        headings = [text_of(h) for h in home.iter("h2")]
        assert {"vi": "Thổ cẩm dệt tay", "en": "Handwoven textiles"}[lang] in headings

    # the item pages, in both languages: the kind's own facts from its partial
    vi_page, en_page = (out / f"{lang}/tho-cam/khan-theu-mong/index.html" for lang in ("vi", "en"))
    assert _h1(vi_page) == "Khăn thêu Mông"
    assert _h1(en_page) == "Hmong embroidered scarf"
    assert _facts(vi_page) == {
        "Trang phục của dân tộc": "Mông",
        "Người dệt": "Vàng Thị Mai (ví dụ)",
        "Khổ vải": "45 cm",
        "Xã": "Xín Mần",
    }
    assert _facts(en_page) == {
        "Costume of the people": "Hmong",
        "Woven by": "Vàng Thị Mai (ví dụ)",
        "Width": "45 cm",
        "Commune": "Xín Mần",
    }
    for page, heading, technique in (
        (vi_page, "Kỹ thuật", "thêu chữ thập"),
        (en_page, "Technique", "cross-stitch"),
    ):
        h2 = parse_html(page).find(".//h2[@class='technique']")
        assert h2 is not None and text_of(h2) == heading
        article = parse_html(page).find(".//article")
        assert article is not None and technique in text_of(article)
    data = _jsonld_of(en_page)
    assert data["@type"] == "Product" and data["sku"] == "XM-T01"
    assert data["brand"]["name"] == "Vàng Thị Mai (ví dụ)"
    assert data["category"] == "Hmong"
    assert data["width"] == {"@type": "QuantitativeValue", "value": 45, "unitCode": "CMT"}

    # the printed code: its QR decodes to the short URL, whose landing page leads here
    for ext in ("png",):
        results = zxingcpp.read_barcodes(Image.open(out / f"qr/XM-T01.{ext}"))
        assert [r.text for r in results] == ["HTTPS://XM.EXAMPLE.VN/Q/XM-T01"]
    landing = parse_html(out / "Q/XM-T01.html")
    targets = {a.get("href") for a in landing.iter("a")}
    assert "/vi/tho-cam/khan-theu-mong/" in targets
    assert "/en/tho-cam/khan-theu-mong/" in targets
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://xinman.example.vn/vi/tho-cam/khan-theu-mong/" in sitemap
    assert "https://xinman.example.vn/en/tho-cam/" in sitemap

    # THE map plan -> files (check judges links by it) names what the build wrote
    assert files_of(plan_site(load_site(root))) == written(out)
    assert "media/textiles/khan-theu-mong/scarf-640.webp" in written(out)

    # the booklet's chapter prints the kind's facts
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(out / "print/gifts-en.pdf").pages
    )
    assert "Woven by" in text and "Hmong embroidered scarf" in text


def test_a_third_kind_is_checked_like_the_others(
    tmp_path: Path, textiles: kinds.Kind, capsys: pytest.CaptureFixture[str]
) -> None:
    """Its own fields are checked with file, line, field and a fix, in both languages;
    nothing is written."""
    root = _project(tmp_path)
    folder = root / "content" / "textiles" / "khan-theu-mong"
    folder.mkdir(parents=True)
    _fill_in(folder, "XM-T01", width=5)
    with pytest.raises(ErrorList) as caught:
        load_site(root)
    (error,) = caught.value.errors
    assert (error.path, error.line, error.field) == (folder / "item.yaml", 6, "width_cm")
    try:
        for lang, expected in MESSAGES.items():
            assert cli.main(["--project", str(root), "--lang", lang, "build"]) == 1
            assert capsys.readouterr().err == expected
    finally:
        messages.set_language("en")
    assert not (root / "output").exists()


def test_every_kind_names_itself_in_vietnamese() -> None:
    """The kinds' titles and menu labels are site words: the sample's site.po has them."""
    po = REPO / "locale/vi/LC_MESSAGES/site.po"
    with po.open("rb") as f:
        catalogue = read_po(f, locale="vi")
    translated = {m.id for m in catalogue if m.id and m.string}
    words = {w for k in kinds.all_kinds() for w in (k.title, k.menu)}
    assert words == {"Dolls in traditional costumes", "Dolls", "OCOP products"}
    assert words <= translated


def test_the_wording_of_new_and_categories_follows_the_kinds(
    tmp_path: Path, textiles: kinds.Kind, capsys: pytest.CaptureFixture[str]
) -> None:
    """`new`'s help lists every kind's word. A missing categories.yaml names every table,
    once: the items' groups and communes are not each refused against an empty list."""
    assert "create a new item (doll, ocop, textile) or page" in " ".join(
        cli.parser().format_help().split()
    )
    root = copy_project(tmp_path / "site", "minimal")
    (root / "content" / "categories.yaml").unlink()
    expected = {
        "en": "Error: content/categories.yaml: this file is missing. Create it with the lists "
        "ethnic_groups, ocop_groups and communes (see docs/content-format.md).",
        "vi": "Lỗi: content/categories.yaml: thiếu tệp này. Hãy tạo tệp này với các danh sách "
        "ethnic_groups, ocop_groups và communes (xem docs/content-format.md).",
    }
    try:
        for lang, line in expected.items():
            assert cli.main(["--project", str(root), "--lang", lang, "check"]) == 1
            out = capsys.readouterr().out.splitlines()
            assert [x for x in out if x.startswith(("Error:", "Lỗi:"))] == [line]
    finally:
        messages.set_language("en")
