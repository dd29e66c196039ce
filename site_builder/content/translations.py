"""The words of an item or page in each language: its <lang>.md files (front matter and
story), checked, and the fallback policy for a missing one."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from site_builder.config import SiteConfig
from site_builder.content import fieldnames, kinds, placeholders
from site_builder.content import schema as s
from site_builder.content.model import Item, Page, Translation
from site_builder.content.placeholders import placeholder_line
from site_builder.content.yamlsource import (
    Lines,
    parse_yaml,
    read_text,
    split_front_matter,
)
from site_builder.errors import Collector, ContentError
from site_builder.markdown import removed_from, render_markdown, story_limits, story_links
from site_builder.messages import Msg


def translation_fields(kind: str) -> list[s.Field]:
    base = [
        s.Field(
            "title",
            s.text,
            hint=Msg("Add a line 'title: ...' with the name shown on the page."),
            words=("tên", "tiêu đề", "tên sản phẩm", "tên búp bê", "tên trang"),
        ),
        s.Field(
            "summary",
            s.text,
            required=kind != "pages",
            words=("mô tả", "tóm tắt", "mô tả ngắn", "giới thiệu"),
        ),
        s.Field("source_hash", s.text, required=False),  # see site_builder/check.py
    ]
    if kind == "pages":
        return base + [
            s.Field("order", s.whole_number(0, 999, "", 1), required=False, words=("thứ tự",))
        ]
    base.append(
        s.Field(
            "alt",
            lambda v: v,
            hint=Msg("Describe every image in words for people who cannot see it."),
            words=("mô tả ảnh", "chú thích ảnh", "chú thích"),
        )
    )
    return base + list(kinds.get(kind).text_fields)


def translations(
    config: SiteConfig,
    kind: str,
    folder: Path,
    images: list[str] | None,
    errors: Collector,
    stories: bool = True,
) -> dict[str, Translation]:
    """Every language's words in `folder`. `stories=False` (for what never shows a story:
    sticker sheets): each story is checked as a build checks it before converting it
    (placeholder, size and nesting limits) but not converted: `body_html` is ""."""
    out: dict[str, Translation] = {}
    labels = fieldnames.site_labels(config.root / "locale", config.languages)
    for lang in config.languages:
        path = folder / f"{lang}.md"
        if not path.is_file():
            if lang == config.source_language:
                errors.add(
                    ContentError(
                        path,
                        None,
                        None,
                        Msg("the {lang} text is missing.", lang=lang),
                        Msg(
                            "Every item and page needs {lang}.md, in the site's first language; "
                            "other languages may follow later.",
                            lang=lang,
                        ),
                    )
                )
            continue
        before = len(errors.errors)
        try:
            out[lang] = load_translation(path, lang, kind, images, errors, stories, labels)
        except ContentError as exc:
            errors.add(exc)
        if lang != config.source_language:  # a translation `new` wrote with '???' in it
            _may_wait(errors, before, path, config.source_language)
    for extra in sorted(folder.glob("*.md")):
        if extra.stem not in config.languages:
            errors.add(
                ContentError(
                    extra,
                    None,
                    None,
                    Msg("'{name}' is not one of the site's languages.", name=extra.stem),
                    Msg(
                        "Name text files after a language in site.yaml: {files}.",
                        files=", ".join(lg + ".md" for lg in config.languages),
                    ),
                )
            )
    return out


def load_translation(
    path: Path,
    lang: str,
    kind: str,
    images: list[str] | None,
    errors: Collector,
    stories: bool = True,
    labels: fieldnames.Labels | None = None,
) -> Translation:
    text = read_text(path)
    front, front_line, body, body_line = split_front_matter(text, path)
    data, lines = parse_yaml(front, path, offset=front_line - 1, errors=errors)
    fields = (
        s.check_mapping(
            data,
            translation_fields(kind),
            lines,
            errors,
            what=Msg("the front matter"),
            labels=labels,
        )
        or {}
    )
    mark = placeholder_line(body)
    if mark is not None:
        errors.add(
            ContentError(
                path,
                body_line + mark,
                None,
                placeholders.STORY_MESSAGE,
                placeholders.STORY_HINT,
            )
        )
    limit = story_limits(body)
    if limit is not None:
        errors.add(ContentError(path, body_line + limit[0], None, limit[1], limit[2]))
        body = ""  # not converted: the message says what to change
    alt: dict[str, str] = {}
    if kind != "pages" and fields.get("alt") is not None and images is not None:
        alt = _alt(fields["alt"], images, lines, errors)
    extra = {
        k: v for k, v in fields.items() if k not in ("title", "summary", "alt") and v is not None
    }
    html = _story_html(body, path, body_line, errors) if stories else ""
    return Translation(
        lang=lang,
        title=fields.get("title") or "",
        summary=fields.get("summary"),
        body_html=html,
        source=path,
        alt=alt,
        fields=extra,
        links=story_links(html),
        removed=removed_from(body, html) if stories and "<" in body else (),
        empty=not body.strip() and limit is None and mark is None,
    )


def _may_wait(errors: Collector, start: int, path: Path, source: str) -> None:
    """The placeholder errors of translation `path` (from `errors.errors[start:]`) say it
    may also be deleted until someone translates it: only the source text is required."""
    placeholder = (str(placeholders.FIELD_MESSAGE), str(placeholders.STORY_MESSAGE))
    for i in range(start, len(errors.errors)):
        e = errors.errors[i]
        if str(e.message) in placeholder:
            errors.errors[i] = dataclasses.replace(
                e,
                hint=Msg(
                    "Write the translation in its place, or delete {name} until someone "
                    "translates it: the page then shows the {source} text with a notice.",
                    name=path.name,
                    source=f"{source}.md",
                ),
            )


def story_text(path: Path) -> str | None:
    """The story of the text file `path` as `load_translation` converts it (None: not
    readable, or refused by the story limits: nothing converted)."""
    try:
        _front, _line, body, _body_line = split_front_matter(read_text(path), path)
    except ContentError:
        return None
    return body if story_limits(body) is None else None


def _story_html(body: str, path: Path, line: int, errors: Collector) -> str:
    try:
        return render_markdown(body)
    except RecursionError:  # a shape the limits above did not foresee: still a message
        errors.add(
            ContentError(
                path,
                line,
                None,
                Msg("the story is nested too deeply to be read."),
                Msg("Move indented lines to the left and use fewer '-', '1.' or '>' per line."),
            )
        )
        return ""


def _alt(value: Any, names: list[str], lines: Lines, errors: Collector) -> dict[str, str]:
    if not isinstance(value, dict):
        errors.add(
            ContentError(
                lines.path,
                lines.line(("alt",)),
                "alt",
                Msg("expected one description per image."),
                Msg(
                    "Write it as lines '  {name}: ...' under 'alt:'.",
                    name=names[0] if names else "doll.jpg",
                ),
            )
        )
        return {}
    out: dict[str, str] = {}
    for name, text in value.items():
        if name not in names:
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(("alt", name)),
                    f"alt.{name}",
                    Msg("there is no image '{name}' in item.yaml.", name=name),
                    Msg("Images in item.yaml: {names}.", names=", ".join(names)),
                )
            )
            continue
        try:
            out[name] = s.text(text)
        except s.Problem as p:
            errors.add(
                ContentError(
                    lines.path, lines.line(("alt", name)), f"alt.{name}", p.message, p.hint
                )
            )
    for name in names:
        if name not in value:
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(("alt",)),
                    f"alt.{name}",
                    Msg("the image '{name}' has no description.", name=name),
                    Msg("Add a line '  {name}: ...' describing what the picture shows.", name=name),
                )
            )
    return out


def with_fallback(thing: Item | Page, lang: str, config: SiteConfig) -> Translation | None:
    """The words to show for `thing` in `lang`, honouring the site's missing-translation policy."""
    if lang in thing.translations:
        return thing.translations[lang]
    if config.missing_translation == "omit":
        return None
    return dataclasses.replace(thing.translations[config.source_language], fallback=True)
