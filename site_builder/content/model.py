"""The content model: frozen dataclasses, no I/O.

Facts written once live on `Item`; words per language live on `Translation`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_builder.config import SiteConfig
from site_builder.content.print_crop import Box
from site_builder.frozen import unpickled_by_fields
from site_builder.links import Link  # one link type: checked by links.py, kept in the model
from site_builder.vietqr import PaymentInfo


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class Image:
    """An image file next to the content that names it."""

    file: str  # as written by the member
    path: Path  # absolute source path
    width: int  # as displayed (EXIF orientation applied)
    height: int
    alpha: bool = False  # has transparency (PNG/WebP/HEIC with alpha)


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class Translation:
    """One language's words for an item or page."""

    lang: str
    title: str
    summary: str | None
    body_html: str
    source: Path
    alt: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)  # materials, ingredients, storage...
    fallback: bool = False  # True when this is the source language shown in place of a missing one
    links: tuple[str, ...] = ()  # every `a` href and `img` src of body_html (markdown.story_links)
    removed: tuple[
        str, ...
    ] = ()  # tags the sanitiser took out of the story (markdown.removed_from)
    empty: bool = False  # the story has no text (only the front matter, or blank lines)


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class ItemFacts:
    """The checked item.yaml values that are not the item's identity (code, images, links,
    aliases and id live on `Item`): those every kind has, typed, and the kind's own."""

    commune: str  # a key of communes
    price: tuple[int, int]  # whole VND, low and high (equal for one price)
    group: str  # a key of the kind's group table (`ethnic_group`, `ocop_group`...)
    own: Mapping[str, Any]  # the kind's own fields (content/kinds.py): maker, stars, ...
    updated: dt.date | None = None
    gtin: str | None = None  # GTIN-14
    payment: PaymentInfo | None = None  # a VietQR bank transfer
    preview_image: str | None = None  # a file of images, or an https:// URL
    print_crop: Mapping[str, Box] | None = None  # image file -> the part to print


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class Item:
    """An item of one of the kinds of content/kinds.py: a doll, an OCOP product..."""

    kind: str  # the name of its kind: "dolls" | "ocop" | ... (content/kinds.py)
    slug: str
    folder: Path
    code: str
    facts: ItemFacts  # the checked item.yaml values (price, commune, group, stars, ...)
    images: tuple[Image, ...]
    links: tuple[Link, ...]
    aliases: tuple[str, ...]
    translations: dict[str, Translation]  # only the languages that exist as files
    uid: str | None = None  # `id:` written when its code went to print (codes_identity.py)

    @property
    def key(self) -> str:
        """`dolls/hmong`: how booklets and the code registry name an item."""
        return f"{self.kind}/{self.slug}"

    @property
    def price(self) -> tuple[int, int]:
        return self.facts.price


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    folder: Path
    order: int
    translations: dict[str, Translation]

    @property
    def key(self) -> str:
        return f"pages/{self.slug}"


@dataclass(frozen=True)
class Booklet:
    slug: str
    source: Path
    title: dict[str, str]
    intro_html: dict[str, str]
    cover: Image | None
    date: dt.date
    entries: tuple[str, ...]  # item or page keys, in order
    page_size: str = "A5"  # A5 | A6 | A4
    saddle_stitch: bool = False  # also write imposed copies for folding and stapling
    show_payment: bool = False  # print items' bank-transfer codes in their chapters
    code: str | None = None  # the booklet's own printed code (its back-cover QR), e.g. XM-B01


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    categories: dict[str, dict[str, dict[str, str]]]  # table -> key -> lang -> name
    items: tuple[Item, ...]
    pages: tuple[Page, ...]
    booklets: tuple[Booklet, ...]
    warnings: tuple[str, ...] = ()  # things that work but a member should know

    def items_of(self, kind: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.kind == kind)

    def by_key(self, key: str) -> Item | Page | None:
        things: tuple[Item | Page, ...] = (*self.items, *self.pages)
        for thing in things:
            if thing.key == key:
                return thing
        return None

    def by_code(self, code: str) -> Item | None:
        for item in self.items:
            if item.code == code:
                return item
        return None

    def category_name(self, table: str, key: str, lang: str) -> str:
        names = self.categories[table][key]
        return names.get(lang) or names[self.config.source_language]
