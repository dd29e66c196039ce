"""The language of the command line: messages to the person at the keyboard.

The CLI speaks Vietnamese or English. `cli.main` chooses once (`--lang`, else the
locale of the environment: LC_ALL, LC_MESSAGES, LANG starting with `vi`) and calls
`set_language`; everything else calls `_()` / `ngettext()` at display time.

The catalog is `site_builder/locale/<lang>/LC_MESSAGES/cli.po`, compiled in memory by
the same machinery as the site's own strings (`site_builder.catalog.load_catalog`).
English is the language of the code: a message without a catalog entry stays English.

Messages with values are written as `Msg("the code {code} ...", code=code)`: a `str`
whose text is the English sentence with its values filled in (so tests and logs see
plain English), and which keeps its `template` and `params` so the template can be
looked up in the catalog and filled in again in another language.

Extraction (developers): `pybabel extract -k _ -k Msg -k N_ -k ngettext:1,2
-o site_builder/locale/cli.pot site_builder`, then `pybabel update -D cli ...`.
"""

from __future__ import annotations

import argparse
import gettext
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from site_builder.catalog import CatalogError, load_catalog

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cli"
LANGUAGES = ("vi", "en")

_language = "en"
_catalog: gettext.NullTranslations = gettext.NullTranslations()


class Msg(str):
    """An English message with named values, translatable later by its template."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Msg:
        obj = super().__new__(cls, template.format(**params) if params else template)
        obj.template = template
        obj.params = params
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # keep the structure through pickling
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Msg:
    return Msg(template, **params)


def N_(text: str) -> str:
    """Marks a constant for extraction; translated later by `_()`."""
    return text


def language_from_env(
    environ: Mapping[str, str] | None = None, system: Callable[[], int | None] | None = None
) -> str:
    """'vi' or 'en', as GNU gettext chooses: the first of LANGUAGE's list (unless the
    locale is C), else the first set of LC_ALL, LC_MESSAGES, LANG; with none of them set
    (Windows sets none), the system's display language (`system`: its Windows language
    id, default `windows_ui_language`)."""
    env = os.environ if environ is None else environ
    preferred = env.get("LANGUAGE", "").split(":")[0]
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            if preferred and value.split(".")[0] not in ("C", "POSIX"):
                value = preferred
            return "vi" if value.lower().startswith("vi") else "en"
    if preferred:
        return "vi" if preferred.lower().startswith("vi") else "en"
    lcid = (system or windows_ui_language)()
    return "vi" if lcid is not None and lcid & 0x3FF == VIETNAMESE_LANGID else "en"


VIETNAMESE_LANGID = 0x2A  # the primary language id of vi-VN (LCID 0x042A)


def windows_ui_language() -> int | None:
    """The Windows display language's id (GetUserDefaultUILanguage); None elsewhere."""
    if sys.platform != "win32":
        return None
    import ctypes

    try:
        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())
    except (AttributeError, OSError):
        return None


def set_language(lang: str | None) -> str:
    """Choose the CLI language (None: from the environment); returns the one chosen."""
    global _language, _catalog
    lang = lang or language_from_env()
    _language = lang if lang in LANGUAGES else "en"
    if _language == "en":
        _catalog = gettext.NullTranslations()
    else:
        try:
            _catalog = load_catalog(LOCALE_DIR, _language, DOMAIN)
        except CatalogError as exc:  # a damaged installation: speak English, say why
            print(
                f"{exc.path}: {exc.detail}; messages are shown in English "
                "(reinstall site-builder).",
                file=sys.stderr,
            )
            _language, _catalog = "en", gettext.NullTranslations()
    _install_argparse()
    return _language


def language() -> str:
    return _language


# Babel's decimal symbol of each CLI language (tests/test_messages.py checks them against
# Babel): loading Babel's number data costs a command ~50 ms to print one duration
DECIMAL_SYMBOLS = {"vi": ",", "en": "."}


class Seconds(float):
    """A duration that formats itself for the CLI language: `{seconds:.2f}` gives
    "1.27" in English and "1,27" in Vietnamese (Babel's number symbols)."""

    def __format__(self, spec: str) -> str:
        digits = int(spec[1:-1]) if spec.startswith(".") and spec.endswith("f") else 2
        text = f"{round(float(self), digits):.{digits}f}"
        return text.replace(".", DECIMAL_SYMBOLS[_language])


_verbose = False


def set_verbose(on: bool) -> None:
    """`--verbose`: messages keep the original (English) words of the parsers they translate."""
    global _verbose
    _verbose = on


def verbose() -> bool:
    return _verbose


def _(message: str) -> str:
    """`message` in the CLI language. A `Msg` is looked up by its template."""
    if isinstance(message, Msg):
        translated = _catalog.gettext(message.template)
        if translated == message.template:
            return str.__str__(message)
        if not message.params:
            return translated
        params = {  # values that are messages themselves, or parser words, in the same language
            k: v.translated() if hasattr(v, "translated") else _(v) if isinstance(v, Msg) else v
            for k, v in message.params.items()
        }
        return translated.format(**params)
    text = str.__str__(message) if isinstance(message, str) else str(message)
    return _catalog.gettext(text) if text else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural form for `n`, formatted with `n` and `params`."""
    return _catalog.ngettext(singular, plural, n).format(n=n, **params)


def _install_argparse() -> None:
    """argparse's own words (usage:, options, errors) through our catalog too."""
    if _language == "en":
        argparse._ = gettext.gettext  # type: ignore[attr-defined]
        argparse.ngettext = gettext.ngettext  # type: ignore[attr-defined]
    else:
        argparse._ = _catalog.gettext  # type: ignore[attr-defined]
        argparse.ngettext = _catalog.ngettext  # type: ignore[attr-defined]


def lang_from_argv(argv: list[str]) -> str | None:
    """`--lang vi` / `--lang=vi` before the parser exists (its help texts need a language)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
