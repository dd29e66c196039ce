"""`site.yaml` -> a typed, frozen `SiteConfig`. Unknown keys are errors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from site_builder.content import schema as s
from site_builder.content.yamlsource import Lines, dotted, parse_yaml, read_text
from site_builder.errors import Collector, ContentError
from site_builder.labelsheets import BUILTIN, LabelTemplate, custom_template
from site_builder.messages import Msg
from site_builder.print_errors import LabelError

CONFIG_FILE = "site.yaml"
DEFAULT_TEMPLATE = "L7160"
# The home page shows this many cards of each kind (the first by title, as on the kind's list,
# which shows them all over its pages) and a link to the rest: a phone on a weak connection never
# receives a catalogue of thousands there (2,000 items made a 1.9 MB home page).
HOME_CARDS = 12
# A kind's list shows this many cards on each of its pages (`/vi/dolls/`, then
# `/vi/dolls/page/2/`, ...): 20,000 items made a 12,000-card, 11 MB list page, more than a
# phone on a mountain connection can take; 48 cards are ~45 kB of HTML (2, 3 or 4 columns).
LIST_CARDS = 48


@dataclass(frozen=True)
class StickerSettings:
    """`stickers:` of site.yaml: the defaults of `site-builder stickers` and the build's
    preview sheets, checked when site.yaml is read."""

    template: str = DEFAULT_TEMPLATE
    min_qr_mm: float = 20.0
    show_price: bool = False
    show_payment: bool = False
    offset_mm: tuple[float, float] = (0.0, 0.0)
    design: str = "standard"


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    title: dict[str, str]
    tagline: dict[str, str]
    base_url: str
    short_base: str
    languages: tuple[str, ...]
    missing_translation: str
    contact: dict[str, Any]
    qr_error_correction: str
    qr_max_version: int
    moved_codes: MappingProxyType[str, str]
    extra: dict[str, Any] = field(default_factory=dict)
    label_templates: dict[str, LabelTemplate] = field(default_factory=dict)  # `labels:`
    stickers: StickerSettings = field(default_factory=StickerSettings)
    budgets: dict[str, int] = field(default_factory=dict)
    publish: dict[str, Any] = field(default_factory=dict)  # checked by publish/targets.py
    visitor_language: str = ""
    home_cards: int = HOME_CARDS  # cards of each kind on the home page; all are on its list
    list_cards: int = LIST_CARDS  # cards on each page of a kind's list
    # where each field of site.yaml starts, so later checks name its line without reading
    # the file again (site.yaml is parsed once, here)
    lines: Lines | None = field(default=None, compare=False, repr=False)

    def line(self, *key: str) -> int | None:
        """The line of `key` (a dotted path split in parts) in site.yaml, or of its nearest
        parent written there; None when none of it is written (a default) or the config was
        made without a file."""
        if self.lines is None:
            return None
        parts: tuple[str | int, ...] = key
        while parts and parts not in self.lines.starts:
            parts = parts[:-1]
        return self.lines.starts[parts] + self.lines.offset if parts else None

    @property
    def fallback_language(self) -> str:
        """For a visitor whose phone asks for none of the site's languages: `visitor_language`,
        else English where the site has it, else the source language."""
        if self.visitor_language:
            return self.visitor_language
        return "en" if "en" in self.languages else self.source_language

    @property
    def source_language(self) -> str:
        return self.languages[0]

    @property
    def base_path(self) -> str:
        """The path part of base_url ('/' for a site at the root of its domain)."""
        return urlsplit(self.base_url).path or "/"

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"


def _absolute_url(value: Any) -> str:
    url = s.text(value)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. "https://xm.ex [vi]": brackets read as an IPv6 address
        parts = urlsplit("")
    if parts.scheme not in ("https", "http") or not parts.netloc or any(c.isspace() for c in url):
        raise s.Problem(
            Msg("'{url}' is not an absolute web address.", url=url),
            Msg("Write the whole address, e.g. https://xinman.example.vn/"),
        )
    if not url.endswith("/"):
        raise s.Problem(Msg("'{url}' must end with '/'.", url=url), Msg("Write {url}/", url=url))
    return url


def _short_base(value: Any) -> str:
    url = _absolute_url(value)
    if urlsplit(url).path != "/":
        raise s.Problem(
            Msg("'{url}' must be a bare domain such as https://xm.example.vn/ (no path).", url=url),
            Msg("Short addresses are printed in QR codes; keep them as short as possible."),
        )
    return url


def _languages(value: Any) -> tuple[str, ...]:
    langs = s.text_list(value)
    if len(langs) < 1:
        raise s.Problem(Msg("list at least one language."), Msg("For example: [vi, en]"))
    for i, lang in enumerate(langs):
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            raise s.Problem(
                Msg("'{lang}' is not a language code.", lang=lang),
                Msg("Use codes such as vi, en, zh."),
                (i,),
            ) from None
    if len(set(langs)) != len(langs):
        raise s.Problem(Msg("a language is listed twice."))
    return langs


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise s.Problem(Msg("expected a group of fields, found {what}.", what=s.describe(value)))
    return value


def _mm(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise s.Problem(
            Msg("expected a length in mm, found {what}.", what=s.describe(value)), Msg("e.g. 0.5")
        )
    return float(value)


def _positive_mm(value: Any) -> float:
    if _mm(value) <= 0:
        raise s.Problem(
            Msg("expected a size in mm greater than 0, found {value}.", value=value), Msg("e.g. 20")
        )
    return float(value)


def _yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise s.Problem(
            Msg("expected yes or no, found {what}.", what=s.describe(value)),
            Msg("Write true or false."),
        )
    return value


def _label_templates(
    raw: dict[str, Any], lines: Lines, errors: Collector
) -> dict[str, LabelTemplate]:
    """`labels:`: each custom label sheet checked (labelsheets.py), errors at its line."""
    out: dict[str, LabelTemplate] = {}
    for name, mapping in raw.items():
        try:
            out[str(name)] = custom_template(str(name), mapping)
        except LabelError as exc:
            errors.add(
                ContentError(
                    lines.path, lines.line(("labels", name)), exc.field, exc.message, exc.hint
                )
            )
    return out


def _sticker_settings(
    raw: dict[str, Any], lines: Lines, errors: Collector, label_names: list[str]
) -> StickerSettings:
    """`stickers:`: the defaults of sticker sheets; the template must be a known one."""
    fields = [
        s.Field("template", s.text, required=False),
        s.Field("min_qr_mm", _positive_mm, required=False),
        s.Field("show_price", _yes_no, required=False),
        s.Field("show_payment", _yes_no, required=False),
        s.Field("offset_x_mm", _mm, required=False),
        s.Field("offset_y_mm", _mm, required=False),
        s.Field("design", s.text, required=False),
    ]
    clean = s.check_mapping(raw, fields, lines, errors, prefix=("stickers",)) or {}
    template = clean.get("template") or DEFAULT_TEMPLATE
    known = {str(n).casefold() for n in [*BUILTIN, *label_names]}
    if template.casefold() not in known:
        names = sorted(BUILTIN) + sorted(set(label_names) - set(BUILTIN))
        errors.add(
            ContentError(
                lines.path,
                lines.line(("stickers", "template")),
                "stickers.template",
                Msg("unknown label template {name!r}.", name=template),
                Msg(
                    "Known templates: {names}. Define others under `labels:` in site.yaml.",
                    names=", ".join(names),
                ),
            )
        )
    return StickerSettings(
        template=template,
        min_qr_mm=20.0 if clean.get("min_qr_mm") is None else clean["min_qr_mm"],
        show_price=bool(clean.get("show_price")),
        show_payment=bool(clean.get("show_payment")),
        offset_mm=(clean.get("offset_x_mm") or 0.0, clean.get("offset_y_mm") or 0.0),
        design=clean.get("design") or "standard",
    )


def load_config(root: Path) -> SiteConfig:
    """Read and check `root/site.yaml`; raise `ErrorList` with every problem found."""
    path = root / CONFIG_FILE
    errors = Collector()
    if not path.is_file():
        raise ContentError(
            path,
            None,
            None,
            Msg("there is no site.yaml here."),
            Msg(
                "Run the command in the project folder (the one with site.yaml), or pass --project."
            ),
        )
    data, lines = parse_yaml(read_text(path), path)
    langs_raw = data.get("languages") if isinstance(data, dict) else None
    try:
        langs = _languages(langs_raw) if langs_raw is not None else ("vi", "en")
    except s.Problem:
        langs = ("vi", "en")  # reported below by check_mapping
    lang_map = s.language_map(langs, required=langs[:1])
    fields = [
        s.Field("title", lang_map),
        s.Field("tagline", s.language_map(langs), required=False),
        s.Field("base_url", _absolute_url),
        s.Field("short_base", _short_base, required=False),
        s.Field("languages", _languages),
        s.Field("missing_translation", s.one_of(["fallback", "omit"]), required=False),
        s.Field("visitor_language", s.one_of(list(langs)), required=False),
        s.Field("contact", _mapping, required=False),
        s.Field("qr", _mapping, required=False),
        s.Field("moved_codes", _mapping, required=False),
        s.Field("labels", _mapping, required=False),
        s.Field("stickers", _mapping, required=False),
        s.Field("budgets", _mapping, required=False),
        s.Field("home_cards", s.whole_number(1, 1000, "", HOME_CARDS), required=False),
        s.Field("list_cards", s.whole_number(1, 1000, "", LIST_CARDS), required=False),
        s.Field("extra", _mapping, required=False),
        s.Field("publish", _mapping, required=False),
    ]
    clean = s.check_mapping(data, fields, lines, errors, what="site.yaml")
    if clean is None:
        errors.raise_if_any()
        raise AssertionError("unreachable")
    contact = (
        s.check_mapping(
            clean["contact"] or {},
            [
                s.Field("organisation", s.language_map(langs), required=False),
                s.Field("phone", s.text, required=False),
                s.Field("email", s.text, required=False),
                s.Field("address", s.language_map(langs), required=False),
                s.Field("facebook", s.text, required=False),
                s.Field("zalo", s.text, required=False),
            ],
            lines,
            errors,
            prefix=("contact",),
        )
        or {}
    )
    qr = (
        s.check_mapping(
            clean["qr"] or {},
            [
                s.Field("error_correction", s.one_of(["L", "M", "Q", "H"]), required=False),
                s.Field("max_version", s.whole_number(1, 10, "", 2), required=False),
            ],
            lines,
            errors,
            prefix=("qr",),
        )
        or {}
    )
    moved: dict[str, str] = {}
    for old, new in (clean["moved_codes"] or {}).items():
        for key, value in ((("moved_codes", old), old), (("moved_codes", old), new)):
            try:
                s.item_code(value)
            except s.Problem as p:
                errors.add(ContentError(path, lines.line(key), dotted(key), p.message, p.hint))
        moved[str(old)] = str(new)
    budgets = {}
    for name, value in (clean["budgets"] or {}).items():
        key = ("budgets", name)
        if name not in ("landing_kb", "item_kb"):
            errors.add(s.unknown_field(name, ["item_kb", "landing_kb"], lines, ("budgets",)))
            continue
        try:
            budgets[name] = s.whole_number(1, 100_000, " of kB", 50)(value)
        except s.Problem as p:
            errors.add(ContentError(path, lines.line(key), dotted(key), p.message, p.hint))
    labels = _label_templates(clean["labels"] or {}, lines, errors)
    stickers = _sticker_settings(
        clean["stickers"] or {}, lines, errors, [str(n) for n in clean["labels"] or {}]
    )
    errors.raise_if_any()
    return SiteConfig(
        root=root,
        title=clean["title"],
        tagline=clean["tagline"] or {},
        base_url=clean["base_url"],
        short_base=clean["short_base"] or clean["base_url"],
        languages=clean["languages"],
        missing_translation=clean["missing_translation"] or "fallback",
        contact=contact,
        qr_error_correction=qr.get("error_correction") or "M",
        qr_max_version=qr.get("max_version") or 2,
        moved_codes=MappingProxyType(moved),
        extra=clean["extra"] or {},
        label_templates=labels,
        stickers=stickers,
        budgets={"landing_kb": 8, "item_kb": 200, **budgets},
        publish=clean["publish"] or {},
        visitor_language=clean["visitor_language"] or "",
        home_cards=clean["home_cards"] or HOME_CARDS,
        list_cards=clean["list_cards"] or LIST_CARDS,
        lines=lines,
    )
