"""Declared fields for every kind of file, checked strictly.

Each field has a checker that turns a raw YAML value into a clean one or raises
`Problem(message, hint)`. `check_mapping` applies the declared fields to a mapping,
reports unknown keys (with a "did you mean" for typos) and collects every problem
into a `Collector` with file, line and field, so one mistake never hides another.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from site_builder.content.yamlsource import KeyPath, Lines, dotted
from site_builder.errors import Collector, ContentError

Checker = Callable[[Any], Any]


class Problem(Exception):
    """A value is wrong; the caller adds file, line and field."""

    def __init__(self, message: str, hint: str = "", key: KeyPath = ()) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.key = key  # where below the field the problem is, e.g. (0, "url")


@dataclass(frozen=True)
class Field:
    name: str
    check: Checker
    required: bool = True
    hint: str = ""  # shown when the field is missing


def sentence(text: str) -> str:
    """Messages from other modules as sentences: a full stop where one is missing."""
    return text if text.endswith((".", "!", "?")) else text + "."


def check_mapping(
    data: Any,
    fields: Sequence[Field],
    lines: Lines,
    errors: Collector,
    *,
    prefix: KeyPath = (),
    what: str = "this file",
) -> dict[str, Any] | None:
    """Check `data` against `fields`; return the clean values, or None if it is unusable."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors.add(
            ContentError(
                lines.path,
                lines.line(prefix),
                dotted(prefix) or None,
                f"{what} must be a list of fields such as 'title: ...', not {describe(data)}.",
            )
        )
        return None
    known = {f.name for f in fields}
    result: dict[str, Any] = {f.name: None for f in fields}  # None: missing, or wrong (reported)
    for name in data:
        if name not in known:
            errors.add(unknown_field(name, sorted(known), lines, prefix))
    for f in fields:
        key = prefix + (f.name,)
        if f.name not in data or data[f.name] is None:
            if f.required:
                errors.add(
                    ContentError(
                        lines.path,
                        lines.line(prefix),
                        dotted(key),
                        "this required field is missing.",
                        f.hint or f"Add a line '{f.name}: ...'.",
                    )
                )
            continue
        try:
            result[f.name] = f.check(data[f.name])
        except Problem as p:
            errors.add(
                ContentError(
                    lines.path, lines.line(key + p.key), dotted(key + p.key), p.message, p.hint
                )
            )
    return result


def unknown_field(name: str, known: list[str], lines: Lines, prefix: KeyPath) -> ContentError:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        hint = f"Did you mean '{close[0]}'?"
    else:
        hint = "Known fields here: " + ", ".join(known) + "."
    return ContentError(
        lines.path,
        lines.line(prefix + (name,)),
        dotted(prefix + (name,)),
        "this field is not known.",
        hint,
    )


def describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, int):
        return f"a number ({value})"
    if isinstance(value, float):
        return f"a decimal number ({value})"
    if isinstance(value, str):
        return f"text ('{value}')" if len(value) < 40 else "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, dt.date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__


# --- checkers -------------------------------------------------------------------


def text(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Problem(f"expected text, found {describe(value)}.", "Write the text after the colon.")
    value = value.strip()
    if not value:
        raise Problem("this text is empty.", "Write something, or delete the line.")
    return value


def text_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Problem(
            f"expected a list, found {describe(value)}.",
            "Write it as [first, second] or as lines starting with '- '.",
        )
    out = []
    for i, v in enumerate(value):
        try:
            out.append(text(v))
        except Problem as p:
            raise Problem(p.message, p.hint, (i,)) from None
    return tuple(out)


def whole_number(low: int, high: int, unit: str = "", example: int | None = None) -> Checker:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem(
                f"expected a whole number{unit}, found {describe(value)}.",
                f"Write digits only, without dots, commas or units, e.g. {example or high}.",
            )
        if not low <= value <= high:
            raise Problem(f"must be between {low} and {high}, not {value}.")
        return value

    return check


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise Problem(
        f"expected a date, found {describe(value)}.", "Write it as YYYY-MM-DD, e.g. 2026-06-01."
    )


def one_of(choices: Sequence[str]) -> Checker:
    def check(value: Any) -> str:
        if value not in choices:
            raise Problem(
                f"'{value}' is not allowed here.", "Use one of: " + ", ".join(choices) + "."
            )
        return str(value)

    return check


def key_of(table: Mapping[str, Any], table_name: str) -> Checker:
    """A category key that must be declared in content/categories.yaml."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in table:
            close = difflib.get_close_matches(str(value), list(table), n=1)
            hint = f"Did you mean '{close[0]}'? " if close else ""
            hint += (
                f"Declare it under '{table_name}' in content/categories.yaml, "
                f"or use one of: {', '.join(table)}."
            )
            raise Problem(f"'{value}' is not a declared {table_name} key.", hint)
        return value

    return check


CODE_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 16


def item_code(value: Any) -> str:
    if not isinstance(value, str):
        value = describe(value)
        raise Problem(f"expected a code such as XM-D01, found {value}.", "Put the code in quotes.")
    if not CODE_RE.match(value):
        raise Problem(
            f"'{value}' is not a valid code.",
            "A code uses only capital letters A-Z, digits 0-9 and single '-' between them, "
            "e.g. XM-D01.",
        )
    if len(value) > CODE_MAX:
        raise Problem(
            f"'{value}' is {len(value)} characters long; a code has at most {CODE_MAX}.",
            "Shorter codes make smaller, easier-to-scan QR codes.",
        )
    return value


def price(value: Any) -> tuple[int, int]:
    """A price in whole đồng: one number, or {min:, max:}. Returned as (low, high)."""
    check = whole_number(1000, 1_000_000_000, " of đồng", 450000)
    if isinstance(value, dict):
        unknown = set(value) - {"min", "max"}
        if unknown or "min" not in value or "max" not in value:
            raise Problem(
                "a price range needs exactly 'min' and 'max'.",
                "Write it as {min: 350000, max: 500000}.",
            )
        low, high = check(value["min"]), check(value["max"])
        if low > high:
            raise Problem(f"min ({low}) is larger than max ({high}).", "Swap the two numbers.")
        return (low, high)
    if isinstance(value, str) and re.fullmatch(r"[\d.,\s]+(đ|₫|vnd|VND)?", value.strip()):
        raise Problem(
            f"write the price as digits only, not '{value}'.",
            "For example 450000 (no dots, commas or currency sign).",
        )
    n = check(value)
    return (n, n)


WEIGHT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(g|kg|ml|l)$")


def net_weight(value: Any) -> str:
    if not isinstance(value, str) or not WEIGHT_RE.match(value.strip()):
        raise Problem(
            f"'{value}' is not a net weight.",
            'Write a number and a unit (g, kg, ml or l), e.g. "200 g".',
        )
    number, unit = WEIGHT_RE.match(value.strip()).groups()  # type: ignore[union-attr]
    return f"{number} {unit}"


def language_map(languages: Sequence[str], *, required: Sequence[str] = ()) -> Checker:
    """{vi: "...", en: "..."}: text per language; `required` languages must be present."""

    def check(value: Any) -> dict[str, str]:
        if isinstance(value, str):
            raise Problem(
                "this needs one text per language.",
                "Write it as lines '  vi: ...' and '  en: ...' under the field.",
            )
        if not isinstance(value, dict):
            raise Problem(f"expected texts per language, found {describe(value)}.")
        out: dict[str, str] = {}
        for lang, v in value.items():
            if lang not in languages:
                raise Problem(
                    f"'{lang}' is not one of the site's languages.",
                    f"Use {', '.join(languages)} (see 'languages' in site.yaml).",
                    (lang,),
                )
            try:
                out[lang] = text(v)
            except Problem as p:
                raise Problem(p.message, p.hint, (lang,)) from None
        for lang in required:
            if lang not in out:
                raise Problem(f"the '{lang}' text is missing.", f"Add a line '  {lang}: ...'.")
        return out

    return check
