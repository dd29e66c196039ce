"""Declared fields for every kind of file, checked strictly.

Each field has a checker that turns a raw YAML value into a clean one or raises
`Problem(message, hint)`. `check_mapping` applies the declared fields to a mapping,
reports unknown keys (with a "did you mean" for typos, and the field meant by a name
written in the member's words: content/fieldnames.py) and collects every problem
into a `Collector` with file, line and field, so one mistake never hides another, and
one mistake is one error (a required field written under another name is reported once,
by the unknown key's error, not also as missing).

Some 560 lines: one checker per kind of value, each with its exact messages.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from site_builder.content import fieldnames, placeholders
from site_builder.content.placeholders import placeholder_in
from site_builder.content.yamlsource import KeyPath, Lines, contains_invalid, dotted, spelling
from site_builder.errors import Collector, ContentError
from site_builder.messages import N_, Msg

Checker = Callable[[Any], Any]


class Problem(Exception):
    """A value is wrong; the caller adds file, line and field."""

    def __init__(self, message: str, hint: str = "", key: KeyPath = ()) -> None:
        super().__init__(message)
        self.message = message  # a Msg's values that are Msgs are translated with it
        self.hint = hint
        self.key = key  # where below the field the problem is, e.g. (0, "url")


class Problems(Exception):
    """Several wrong parts of one value (e.g. two bad shop links): each is reported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Field:
    name: str
    check: Checker
    required: bool = True
    hint: str = ""  # shown when the field is missing
    # what members may write for it instead (content/fieldnames.py): the label the site
    # shows for it (a msgid of the project's site.po) and other words
    label: str = ""
    words: tuple[str, ...] = ()


def sentence(text: str) -> str:
    """Messages from other modules as sentences: a full stop where one is missing."""
    if text.endswith((".", "!", "?")):
        return text
    if isinstance(text, Msg):  # stays translatable
        return Msg(text.template + ".", **text.params)
    return text + "."


def check_mapping(
    data: Any,
    fields: Sequence[Field],
    lines: Lines,
    errors: Collector,
    *,
    prefix: KeyPath = (),
    what: str = "this file",
    labels: fieldnames.Labels | None = None,
) -> dict[str, Any] | None:
    """Check `data` against `fields`; return the clean values, or None if it is unusable.

    `what` names the whole in messages: a file name, or a `Msg` such as Msg("the booklet").
    `labels`: the translations of the fields' labels, to name the field meant by a key
    written in the site's language (content/fieldnames.py).
    """
    if what == "this file" and not isinstance(what, Msg):
        what = Msg("this file")  # the default, translatable
    if data is None:
        data = {}
    if not isinstance(data, dict):
        errors.add(
            ContentError(
                lines.path,
                lines.line(prefix),
                dotted(prefix) or None,
                Msg(
                    "{what} must be a list of fields such as 'title: ...', not {found}.",
                    what=what,
                    found=describe(data),
                ),
            )
        )
        return None
    known = {f.name for f in fields}
    result: dict[str, Any] = {f.name: None for f in fields}  # None: missing, or wrong (reported)
    meant = _meant([k for k in data if k not in known], fields, labels)
    # required fields absent or written empty (`price:` with nothing after it)
    absent = {f.name for f in fields if f.required and data.get(f.name) is None}
    # a required field that is absent, named by an unknown key's hint: one mistake, one
    # error (the first such key's, saying the field is required, or where it is written
    # empty: `price:` above a `giá: 65000`), not a second "missing"
    named_by_key: set[str] = set()
    for name in data:
        if name not in known:
            named = _named_by_hint(name, sorted(known), meant[name])
            required = named is not None and named in absent and named not in named_by_key
            if named is not None and required:
                named_by_key.add(named)
            empty_at = None
            if named is not None and required and named in data:  # (written, no value)
                empty_at = lines.line(prefix + (named,))
            errors.add(
                unknown_field(
                    name,
                    sorted(known),
                    lines,
                    prefix,
                    meant=meant[name],
                    what=what,
                    required=required,
                    empty_at=empty_at,
                )
            )
    for f in fields:
        key = prefix + (f.name,)
        if f.name not in data or data[f.name] is None:
            if f.required and f.name not in named_by_key:
                hint: Msg | str
                word = next((k for k, m in meant.items() if m == f.name), None)
                if word is not None and _case_of(word, f.name):  # 'Price', 'PRICE'
                    word, typo = None, word
                else:
                    typo = _misspelling_of(f.name, data, known)
                if word is not None:
                    line = lines.line(prefix + (word,))
                    hint = Msg(
                        "'{word}' on line {line} is written '{name}' in {what}: field names "
                        "are in English.",
                        word=word,
                        line=line,
                        name=f.name,
                        what=what,
                    )
                elif typo is not None:
                    line = lines.line(prefix + (typo,))
                    hint = Msg(
                        "'{typo}' on line {line} looks like a misspelling of '{name}'.",
                        typo=typo,
                        line=line,
                        name=f.name,
                    )
                else:
                    line, hint = (
                        lines.line(prefix),
                        f.hint or Msg("Add a line '{name}: ...'.", name=f.name),
                    )
                errors.add(
                    ContentError(
                        lines.path, line, dotted(key), Msg("this required field is missing."), hint
                    )
                )
            continue
        if contains_invalid(data[f.name]):
            continue  # already reported by the YAML reader
        found = placeholder_in(data[f.name])
        if found is not None:
            errors.add(
                ContentError(
                    lines.path,
                    lines.line(key + found),
                    dotted(key + found),
                    placeholders.FIELD_MESSAGE,
                    placeholders.FIELD_HINT,
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
        except Problems as ps:
            for each in ps.problems:
                errors.add(
                    ContentError(
                        lines.path,
                        lines.line(key + each.key),
                        dotted(key + each.key),
                        each.message,
                        each.hint,
                    )
                )
    return result


def _meant(
    unknown: list[Any], fields: Sequence[Field], labels: fieldnames.Labels | None
) -> dict[Any, str | None]:
    """Each unknown key -> the field it names in other words (content/fieldnames.py), if any."""
    if not unknown:
        return {}
    words = fieldnames.meanings(((f.name, f.label, f.words) for f in fields), labels)
    return {k: words.get(fieldnames.fold(k)) for k in unknown}


def _case_of(word: Any, name: str) -> bool:
    """`word` is the field's own name with other capitals or accents ('Price', 'PRICE')."""
    return fieldnames.fold(word) == fieldnames.fold(name)


def _misspelling_of(name: str, data: dict[str, Any], known: set[str]) -> str | None:
    unknown = [str(k) for k in data if k not in known]
    close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
    return close[0] if close else None


def _named_by_hint(name: Any, known: list[str], meant: str | None) -> str | None:
    """The field that `unknown_field`'s hint for the key `name` names, if any: the one it
    names in other words (`meant`), else the closest spelling among `known`."""
    if meant is not None:
        return meant
    if str(name).isdigit():  # (a decimal's comma: its hint names no field)
        return None
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_field(
    name: str,
    known: list[str],
    lines: Lines,
    prefix: KeyPath,
    *,
    meant: str | None = None,
    what: str = "",
    required: bool = False,
    empty_at: int | None = None,
) -> ContentError:
    """A key that is not a field here; `meant`: the field it names in other words
    (content/fieldnames.py), with `what` the file or part it is written in. `required`:
    the field its hint names is required and absent, and the hint says so (no other error
    reports that field missing); `empty_at` (with `required`): that field is written with
    no value on this line (`price:` above `giá: 65000`), and the hint says to write the
    value there."""
    named = _named_by_hint(name, known, meant)
    if meant is not None and not _case_of(name, meant):
        hint = (
            Msg(
                "'{word}' is written '{field}' in {what}: field names are in English. "
                "'{field}:' on line {line} has no value: write the value there and delete "
                "this line.",
                word=name,
                field=meant,
                what=what or Msg("this file"),
                line=empty_at,
            )
            if empty_at is not None
            else Msg(
                "'{word}' is written '{field}' in {what}: field names are in English. "
                "'{field}' is required, so write it as '{field}:'.",
                word=name,
                field=meant,
                what=what or Msg("this file"),
            )
            if required
            else Msg(
                "'{word}' is written '{field}' in {what}: field names are in English.",
                word=name,
                field=meant,
                what=what or Msg("this file"),
            )
        )
    elif str(name).isdigit():  # `{offset_x_mm: 0,5}`: YAML reads `5` as a field of its own
        hint = Msg(
            "A decimal written with a comma in a group on one line ({example}) reads as two "
            "fields: write it with a dot, e.g. 0.5.",
            example="{offset_x_mm: 0,5}",
        )
    elif named is not None:
        hint = (
            Msg(
                "Did you mean '{name}'? '{name}:' on line {line} has no value: write the "
                "value there and delete this line.",
                name=named,
                line=empty_at,
            )
            if empty_at is not None
            else Msg(
                "Did you mean '{name}'? '{name}' is required, so write it as '{name}:'.", name=named
            )
            if required
            else Msg("Did you mean '{name}'?", name=named)
        )
    else:
        hint = Msg("Known fields here: {fields}.", fields=", ".join(known))
    return ContentError(
        lines.path,
        lines.line(prefix + (name,)),
        dotted(prefix + (name,)),
        Msg("this field is not known."),
        hint,
    )


def describe(value: Any) -> str:
    """What a value is, for messages: a `Msg` such as "a number (5)" (translatable)."""
    if isinstance(value, bool):
        return Msg("yes/no ({value})", value=str(value).lower())
    if isinstance(value, int):
        return Msg("a number ({value})", value=value)
    if isinstance(value, float):
        return Msg("a decimal number ({value})", value=value)
    if isinstance(value, str):
        return Msg("text ('{value}')", value=value) if len(value) < 40 else Msg("text")
    if isinstance(value, list):
        return Msg("a list")
    if isinstance(value, dict):
        return Msg("a group of fields")
    if isinstance(value, dt.date):
        return Msg("a date ({value})", value=value.isoformat())
    if value is None:  # (a key with nothing after its colon)
        return Msg("nothing (the line ends after the colon)")
    return type(value).__name__


# --- checkers -------------------------------------------------------------------


def text(value: Any) -> str:
    spelt = spelling(value)
    if spelt is not None:
        raise Problem(
            Msg(
                "YAML reads {spelling} as the number {value}, not as the text you wrote.",
                spelling=spelt,
                value=value,
            ),
            Msg('Put it in quotes: "{spelling}".', spelling=spelt),
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Problem(
            Msg("expected text, found {found}.", found=describe(value)),
            Msg("Write the text after the colon."),
        )
    value = value.strip()
    if not value:
        raise Problem(Msg("this text is empty."), Msg("Write something, or delete the line."))
    return str(value)


def text_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Problem(
            Msg("expected a list, found {found}.", found=describe(value)),
            Msg("Write it as [first, second] or as lines starting with '- '."),
        )
    out = []
    for i, v in enumerate(value):
        try:
            out.append(text(v))
        except Problem as p:
            raise Problem(p.message, p.hint, (i,)) from None
    return tuple(out)


# one whole sentence per unit, so that translators need not piece words together
WHOLE_NUMBER_MESSAGES = {
    "": N_("expected a whole number, found {found}."),
    " of đồng": N_("expected a whole number of đồng, found {found}."),
    " of stars": N_("expected a whole number of stars, found {found}."),
    " of months": N_("expected a whole number of months, found {found}."),
    " of kB": N_("expected a whole number of kB, found {found}."),
}


def whole_number(low: int, high: int, unit: str = "", example: int | None = None) -> Checker:
    def check(value: Any) -> int:
        spelt = spelling(value)
        if spelt is not None and isinstance(value, int):
            raise Problem(
                Msg(
                    "YAML reads {spelling} as the number {value}, not as you wrote it.",
                    spelling=spelt,
                    value=value,
                ),
                Msg(
                    "Write the number with plain digits, without a leading 0, '_' or letters, "
                    "e.g. {example}.",
                    example=example or high,
                ),
            )
        if isinstance(value, bool) or not isinstance(value, int):
            template = WHOLE_NUMBER_MESSAGES.get(unit)
            message = (
                Msg(template, found=describe(value))
                if template
                else Msg(
                    "expected a whole number{unit}, found {found}.",
                    unit=unit,
                    found=describe(value),
                )
            )
            raise Problem(
                message,
                Msg(
                    "Write digits only, without dots, commas or units, e.g. {example}.",
                    example=example or high,
                ),
            )
        if not low <= value <= high:
            raise Problem(
                Msg(
                    "must be between {low} and {high}, not {value}.",
                    low=low,
                    high=high,
                    value=value,
                )
            )
        return value

    return check


def certificate_year(low: int, example: int) -> Checker:
    """A year from `low` to this year: a certificate is never dated in the future. This
    year is the year of the day the value is checked (the item cache's context holds it:
    site_builder/content/itemcache.py), as the member who reads the message expects."""

    def check(value: Any) -> int:
        this_year = dt.date.today().year
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and spelling(value) is None
            and value > this_year
        ):
            raise Problem(
                Msg(
                    "{value} is after this year: a certificate cannot be from the future.",
                    value=value,
                ),
                Msg(
                    "Write the year printed on the certificate, {year} or earlier.",
                    year=this_year,
                ),
            )
        year: int = whole_number(low, this_year, "", min(example, this_year))(value)
        return year

    return check


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise Problem(
        Msg("expected a date, found {found}.", found=describe(value)),
        Msg("Write it as YYYY-MM-DD, e.g. 2026-06-01."),
    )


def one_of(choices: Sequence[str]) -> Checker:
    def check(value: Any) -> str:
        if value not in choices:
            raise Problem(
                Msg("'{value}' is not allowed here.", value=value),
                Msg("Use one of: {choices}.", choices=", ".join(choices)),
            )
        return str(value)

    return check


def key_of(table: Mapping[str, Any], table_name: str) -> Checker:
    """A category key that must be declared in content/categories.yaml."""

    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in table:
            close = difflib.get_close_matches(str(value), list(table), n=1)
            choices = ", ".join(table)
            if close:
                hint = Msg(
                    "Did you mean '{name}'? Declare it under '{table}' in "
                    "content/categories.yaml, or use one of: {choices}.",
                    name=close[0],
                    table=table_name,
                    choices=choices,
                )
            elif not table:  # (the list is empty or gone: said once, of categories.yaml)
                hint = Msg(
                    "content/categories.yaml has no '{table}' keys at all: restore that "
                    "list (e.g. git checkout content/categories.yaml).",
                    table=table_name,
                )
            else:
                hint = Msg(
                    "Declare it under '{table}' in content/categories.yaml, "
                    "or use one of: {choices}.",
                    table=table_name,
                    choices=choices,
                )
            raise Problem(
                Msg("'{value}' is not a declared {table} key.", value=value, table=table_name),
                hint,
            )
        return value

    return check


CODE_RE = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")
CODE_MAX = 16


def item_code(value: Any) -> str:
    if not isinstance(value, str):
        raise Problem(
            Msg("expected a code such as XM-D01, found {found}.", found=describe(value)),
            Msg("Put the code in quotes."),
        )
    if not CODE_RE.match(value):
        raise Problem(
            Msg("'{value}' is not a valid code.", value=value),
            Msg(
                "A code uses only capital letters A-Z, digits 0-9 and single '-' between them, "
                "e.g. XM-D01."
            ),
        )
    if len(value) > CODE_MAX:
        raise Problem(
            Msg(
                "'{value}' is {length} characters long; a code has at most {most}.",
                value=value,
                length=len(value),
                most=CODE_MAX,
            ),
            Msg("Shorter codes make smaller, easier-to-scan QR codes."),
        )
    return value


def price(value: Any) -> tuple[int, int]:
    """A price in whole đồng: one number, or {min:, max:}. Returned as (low, high)."""
    check = whole_number(1000, 1_000_000_000, " of đồng", 450000)
    if isinstance(value, dict):
        unknown = set(value) - {"min", "max"}
        if unknown or "min" not in value or "max" not in value:
            raise Problem(
                Msg("a price range needs exactly 'min' and 'max'."),
                Msg("Write it as {{min: {low}, max: {high}}}.", low=350000, high=500000),
            )
        low, high = check(value["min"]), check(value["max"])
        if low > high:
            raise Problem(
                Msg("min ({low}) is larger than max ({high}).", low=low, high=high),
                Msg("Swap the two numbers."),
            )
        return (low, high)
    if isinstance(value, str) and re.fullmatch(r"[1-9]\d*", value.strip()):
        raise Problem(
            Msg("the price is in quotes, so it is read as text, not as a number."),
            Msg("Remove the quotes: price: {value}.", value=value.strip()),
        )
    if isinstance(value, str) and re.fullmatch(r"[\d.,\s]+(đ|₫|vnd|VND)?", value.strip()):
        raise Problem(
            Msg("write the price as digits only, not '{value}'.", value=value),
            Msg("For example 450000 (no dots, commas or currency sign)."),
        )
    n = check(value)
    return (n, n)


WEIGHT_RE = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(g|kg|ml|l)$")


def net_weight(value: Any) -> str:
    if not isinstance(value, str) or not WEIGHT_RE.match(value.strip()):
        raise Problem(
            Msg("'{value}' is not a net weight.", value=value),
            Msg('Write a number and a unit (g, kg, ml or l), e.g. "200 g".'),
        )
    number, unit = WEIGHT_RE.match(value.strip()).groups()  # type: ignore[union-attr]
    return f"{number} {unit}"


def language_map(languages: Sequence[str], *, required: Sequence[str] = ()) -> Checker:
    """{vi: "...", en: "..."}: text per language; `required` languages must be present."""

    def check(value: Any) -> dict[str, str]:
        if isinstance(value, str):
            raise Problem(
                Msg("this needs one text per language."),
                Msg("Write it as lines '  vi: ...' and '  en: ...' under the field."),
            )
        if not isinstance(value, dict):
            raise Problem(Msg("expected texts per language, found {found}.", found=describe(value)))
        out: dict[str, str] = {}
        for lang, v in value.items():
            if lang not in languages:
                raise Problem(
                    Msg("'{lang}' is not one of the site's languages.", lang=lang),
                    Msg(
                        "Use {languages} (see 'languages' in site.yaml).",
                        languages=", ".join(languages),
                    ),
                    (lang,),
                )
            try:
                out[lang] = text(v)
            except Problem as p:
                raise Problem(p.message, p.hint, (lang,)) from None
        for lang in required:
            if lang not in out:
                raise Problem(
                    Msg("the '{lang}' text is missing.", lang=lang),
                    Msg("Add a line '  {lang}: ...'.", lang=lang),
                )
        return out

    return check
