"""THE owner of item kinds (dolls, OCOP products): everything that differs between them.

A kind is data: its folder under content/ (and URL section), the code prefix of its first
codes, the word of `site-builder new`, its list-page title and menu label (translatable
site strings, S_ here, translated by the site's locale/<lang>/site.po), the category table
of its group, its item.yaml and front-matter fields, what its template partials
(`templates/kinds/<name>/facts.html`, `texts.html`) and print chapter show, its schema.org
type and extras and what `new` writes for it. Every other module asks this one
(`all_kinds()`, `names()`, `get(name)`); none names a kind.

Adding a kind (say textiles, codes XM-T..) is a `Kind(...)` below plus
`templates/kinds/<name>/` (and site.po entries for new wording). Kinds are code, not
site.yaml: a kind brings checkers, a template and scaffold text, which a member cannot
write; tests/test_third_kind.py registers one at test time (`REGISTRY`) and builds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from site_builder.content import schema as s
from site_builder.content.model import ItemFacts


def S_(text: str) -> str:
    """Marks a word of the site (not of the command line) for extraction: it is translated
    by the project's locale/<lang>/LC_MESSAGES/site.po, like the templates' words
    (`make po` runs pybabel with `-k S_`)."""
    return text


Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]
Facts = Mapping[str, Any]


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of item."""

    name: str  # folder under content/ and first part of an item's key: "dolls"
    word: str  # `site-builder new <word> NAME`: "doll"
    prefix: str  # the code prefix of its first codes: "XM-D" (XM-D01, XM-D02, ...)
    title: str  # S_: the list page's title and the home page's heading
    menu: str  # S_: its entry in the main menu
    group_field: str  # the item.yaml field naming its group: "ethnic_group"
    group_table: str  # the content/categories.yaml table of those groups: "ethnic_groups"
    group_example: str  # a group key `new` suggests when categories.yaml has none
    maker_field: str  # who made it (a name): JSON-LD brand, the payee by default
    fields: tuple[s.Field, ...]  # item.yaml fields after the group (the common ones: loader)
    text_fields: tuple[s.Field, ...]  # front-matter fields after title, summary, alt
    view: tuple[str, ...]  # item.yaml facts its templates read as they are
    print_facts: Callable[[Facts, str, Gettext, Ngettext], list[tuple[str, str]]]
    jsonld: Callable[[Facts, Mapping[str, Any]], dict[str, Any]]  # schema.org Product extras
    scaffold_yaml: Callable[[Mapping[str, str], dt.date], str]  # item.yaml's own part (`new`)
    scaffold_text: Callable[[str, str], list[str]]  # (lang, placeholder) -> <lang>.md lines
    example_slug: str = ""  # an item of the sample, for messages that show a page address
    schema_type: str = "Product"  # its schema.org type in the item page's JSON-LD
    section: str = ""  # URL section, when it differs from `name`
    # the group field's label on the item page (S_) and other words members write for it
    # (schema.Field.label, .words: content/fieldnames.py)
    group_label: str = ""
    group_words: tuple[str, ...] = ()

    @property
    def url_section(self) -> str:
        return self.section or self.name

    def item_facts(self, checked: Mapping[str, Any]) -> ItemFacts:
        """An item's facts, typed, from its checked item.yaml values (the loader's)."""
        return ItemFacts(
            commune=checked["commune"],
            price=checked["price"],
            group=checked[self.group_field],
            own={f.name: checked[f.name] for f in self.fields},
            updated=checked["updated"],
            gtin=checked["gtin"],
            payment=checked["payment"],
            preview_image=checked["preview_image"],
            print_crop=checked["print_crop"],
        )

    @property
    def facts_template(self) -> str:
        """The partial of the item page that shows this kind's own facts (in its <dl>)."""
        return f"kinds/{self.name}/facts.html"

    @property
    def texts_template(self) -> str:
        """The partial of the item page that shows its own front-matter fields (after the
        story): materials; ingredients, storage..."""
        return f"kinds/{self.name}/texts.html"


def _note(lang: str, vi: str, en: str) -> str:
    """A scaffold comment in both languages, the file's own language first."""
    return f"{vi} {en}" if lang == "vi" else f"{en} {vi}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- dolls ----------------------------------------------------------------------------


def _doll_print(facts: Facts, group: str, _: Gettext, ngettext: Ngettext) -> list[tuple[str, str]]:
    return [(_("Costume of the people"), group), (_("Made by"), facts["maker"])]


def _doll_jsonld(facts: Facts, text: Mapping[str, Any]) -> dict[str, Any]:
    return {"material": list(text["materials"])} if text.get("materials") else {}


def _doll_yaml(categories: Mapping[str, str], today: dt.date) -> str:
    return f"""
# Dân tộc của bộ trang phục: một khoá trong ethnic_groups (content/categories.yaml).
# Ethnic group of the costume: a key of ethnic_groups in content/categories.yaml.
ethnic_group: "???"  # ví dụ / e.g. {categories["ethnic_groups"]}

# Xã: một khoá trong communes (content/categories.yaml). Commune: a key of communes.
commune: "???"  # ví dụ / e.g. {categories["communes"]}

# Người hoặc nhóm làm búp bê (tên riêng, không dịch). Who made it (a name, not translated).
maker: "???"

# Giá, số nguyên, đồng: 450000; hoặc khoảng giá {{min: 350000, max: 500000}}.
# Price in whole VND: 450000, or a range {{min: 350000, max: 500000}}.
price: "???"
"""


def _doll_text(lang: str, placeholder: str) -> list[str]:
    note = _note(lang, "Chất liệu (không bắt buộc).", "Materials (optional).")
    return [f"# {note}", f"materials: [{_quote(placeholder)}]"]


DOLLS = Kind(
    name="dolls",
    word="doll",
    prefix="XM-D",
    title=S_("Dolls in traditional costumes"),
    menu=S_("Dolls"),
    group_field="ethnic_group",
    group_table="ethnic_groups",
    group_example="hmong",
    maker_field="maker",
    fields=(s.Field("maker", s.text, label=S_("Made by"), words=("người may", "tác giả")),),
    text_fields=(
        s.Field(
            "materials", s.text_list, required=False, label=S_("Materials"), words=("vật liệu",)
        ),
    ),
    view=("maker",),
    print_facts=_doll_print,
    jsonld=_doll_jsonld,
    scaffold_yaml=_doll_yaml,
    scaffold_text=_doll_text,
    example_slug="hmong",
    group_label=S_("Costume of the people"),
    group_words=("dân tộc", "nhóm dân tộc", "trang phục"),
)


# --- OCOP products ----------------------------------------------------------------------


def _ocop_print(facts: Facts, group: str, _: Gettext, ngettext: Ngettext) -> list[tuple[str, str]]:
    stars = facts["stars"]
    rating = ngettext("%(num)d star", "%(num)d stars", stars) % {"num": stars}
    return [
        (_("OCOP rating"), f"{rating} ({facts['certified_year']})"),
        (_("Net weight"), facts["net_weight"]),
        (_("Producer"), facts["producer"]),
    ]


def _ocop_jsonld(facts: Facts, text: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "additionalProperty": [
            {
                "@type": "PropertyValue",
                "name": "OCOP rating",
                "value": facts["stars"],
                "maxValue": 5,
                "unitText": "stars",
            },
            {
                "@type": "PropertyValue",
                "name": "OCOP certified",
                "value": facts["certified_year"],
            },
        ],
        "weight": {"@type": "QuantitativeValue", "name": facts["net_weight"]},
    }


def _ocop_yaml(categories: Mapping[str, str], today: dt.date) -> str:
    return f"""
# Nhóm sản phẩm OCOP: một khoá trong ocop_groups (content/categories.yaml).
# OCOP group: a key of ocop_groups in content/categories.yaml.
ocop_group: "???"  # ví dụ / e.g. {categories["ocop_groups"]}

# Số sao OCOP (3, 4 hoặc 5) và năm được công nhận. OCOP stars (3, 4 or 5) and the year.
stars: "???"
certified_year: "???"  # ví dụ / e.g. {today.year}

# Xã: một khoá trong communes. Commune: a key of communes.
commune: "???"  # ví dụ / e.g. {categories["communes"]}

# Cơ sở sản xuất (tên riêng, không dịch). Producer (a name, not translated).
producer: "???"

# Giá, số nguyên, đồng; hoặc {{min: ..., max: ...}}. Price in whole VND, or {{min: ..., max: ...}}.
price: "???"

# Khối lượng / thể tích: số + g, kg, ml hoặc l. Net weight: a number + g, kg, ml or l.
net_weight: "???"  # ví dụ / e.g. "200 g"

# Hạn sử dụng, tính bằng tháng. Shelf life in months.
shelf_life_months: "???"
"""


def _ocop_text(lang: str, placeholder: str) -> list[str]:
    ingredients = _note(lang, "Thành phần (không bắt buộc).", "Ingredients (optional).")
    storage = _note(lang, "Cách bảo quản (không bắt buộc).", "How to store it (optional).")
    return [f"# {ingredients}", "# ingredients: [...]", f"# {storage}", '# storage: "..."']


OCOP = Kind(
    name="ocop",
    word="ocop",
    prefix="XM-P",
    title=S_("OCOP products"),
    menu=S_("OCOP products"),
    group_field="ocop_group",
    group_table="ocop_groups",
    group_example="tea",
    maker_field="producer",
    fields=(
        s.Field(
            "stars",
            s.whole_number(3, 5, " of stars", 4),
            label=S_("OCOP rating"),
            words=("sao", "số sao", "hạng", "xếp hạng"),
        ),
        s.Field(
            "certified_year",
            s.certificate_year(2018, 2022),
            words=("năm", "năm công nhận", "năm chứng nhận", "năm được công nhận"),
        ),
        s.Field(
            "producer",
            s.text,
            label=S_("Producer"),
            words=("cơ sở sản xuất", "cơ sở", "nhà làm"),
        ),
        s.Field(
            "net_weight",
            s.net_weight,
            label=S_("Net weight"),
            words=("trọng lượng", "khối lượng", "thể tích", "trọng lượng tịnh", "dung tích"),
        ),
        s.Field(
            "shelf_life_months",
            s.whole_number(1, 240, " of months", 24),
            label=S_("Shelf life"),
            words=("hạn dùng", "thời hạn sử dụng", "hạn sử dụng tháng"),
        ),
    ),
    text_fields=(
        s.Field("ingredients", s.text_list, required=False, label=S_("Ingredients")),
        s.Field("storage", s.text, required=False, label=S_("Storage"), words=("cách bảo quản",)),
    ),
    view=("producer", "stars", "certified_year", "net_weight", "shelf_life_months"),
    print_facts=_ocop_print,
    jsonld=_ocop_jsonld,
    scaffold_yaml=_ocop_yaml,
    scaffold_text=_ocop_text,
    example_slug="shan-tuyet-tea",
    group_label=S_("Product group"),
    group_words=("nhóm", "nhóm OCOP", "loại sản phẩm"),
)


# --- the registry -------------------------------------------------------------------------

REGISTRY: dict[str, Kind] = {k.name: k for k in (DOLLS, OCOP)}  # in the order pages list them


def all_kinds() -> tuple[Kind, ...]:
    return tuple(REGISTRY.values())


def names() -> tuple[str, ...]:
    """The kinds' folder names: ("dolls", "ocop")."""
    return tuple(REGISTRY)


def get(name: str) -> Kind:
    return REGISTRY[name]


def by_word(word: str) -> Kind | None:
    """The kind `site-builder new <word>` makes."""
    return next((k for k in REGISTRY.values() if k.word == word), None)


def group_tables() -> tuple[str, ...]:
    """The category tables the kinds' groups come from, each once, in order."""
    return tuple(dict.fromkeys(k.group_table for k in REGISTRY.values()))


def section_of(name: str) -> str:
    """The URL section of a kind, pages or booklets (their names are their sections)."""
    kind = REGISTRY.get(name)
    return kind.url_section if kind is not None else name
