"""GTINs (the numbers under retail barcodes) and GS1 Digital Link URIs.

A GTIN-8, -12, -13 or -14 is checked with the GS1 mod-10 check digit and kept in its
14-digit form (left-padded with zeros), the form a GS1 Digital Link uses:
`https://{domain}/01/{GTIN-14}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from site_builder.errors import SiteError
from site_builder.messages import Msg

GTIN_LENGTHS = (8, 12, 13, 14)


@dataclass(eq=False)
class GtinError(SiteError):
    """A GTIN (or Digital Link base) that cannot be used: what is wrong and how to fix it."""

    field: ClassVar[str] = "gtin"

    message: str
    hint: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


def check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for `digits` (a GTIN without its last digit).

    From the right, digits are weighted 3, 1, 3, 1, ...; the check digit brings the
    weighted sum up to a multiple of 10.
    """
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def validate_gtin(text: str | int) -> str:
    """The 14-digit form of a GTIN-8/12/13/14; spaces are ignored.

    An int (an unquoted YAML value) is read as its decimal digits, so a GTIN-12 that
    starts with 0 loses a digit and is refused with a hint to quote it.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise GtinError(
            Msg("GTIN must be text"), Msg('Write it in quotes, e.g. gtin: "8934563138165".')
        )
    raw = str(text)
    digits = "".join(raw.split())
    if not digits:
        raise GtinError(Msg("GTIN is empty"), Msg("Copy the digits printed under the barcode."))
    if not (digits.isascii() and digits.isdigit()):
        raise GtinError(
            Msg("GTIN '{gtin}' contains characters other than digits", gtin=raw.strip()),
            Msg("A GTIN is 8, 12, 13 or 14 digits, as printed under the barcode."),
        )
    if len(digits) not in GTIN_LENGTHS:
        hint = Msg(
            "Copy all the digits printed under the barcode. "
            'Write it in quotes, e.g. gtin: "012345678905", so leading zeros are kept.'
            if isinstance(text, int)
            else "Copy all the digits printed under the barcode."
        )
        raise GtinError(
            Msg(
                "GTIN '{gtin}' has {count} digits; a GTIN has 8, 12, 13 or 14",
                gtin=digits,
                count=len(digits),
            ),
            hint,
        )
    expected = check_digit(digits[:-1])
    if int(digits[-1]) != expected:
        raise GtinError(
            Msg(
                "GTIN '{gtin}' has check digit {digit}, expected {expected}",
                gtin=digits,
                digit=digits[-1],
                expected=expected,
            ),
            Msg(
                "Check the digits against the barcode; the last digit is computed from the others."
            ),
        )
    return digits.zfill(14)


def digital_link(domain_base: str, gtin14: str) -> str:
    """The GS1 Digital Link URI `https://{domain}/01/{GTIN-14}` for a product.

    `domain_base` is a host name (`id.example.vn`) or an https URL, optionally with a path
    prefix (`https://example.vn/gs1`). `gtin14` may be any valid GTIN; it is checked and
    padded to 14 digits.
    """
    gtin = validate_gtin(gtin14)
    base = domain_base.strip()
    if "://" not in base:
        base = f"https://{base}"
    parts = urlsplit(base)
    if parts.scheme.lower() != "https" or not parts.hostname or "." not in parts.hostname:
        raise GtinError(
            f"Digital Link base '{domain_base}' is not an https address",
            "Give a domain such as id.example.vn or https://id.example.vn.",
        )
    if parts.username or parts.password or parts.query or parts.fragment or " " in base:
        raise GtinError(
            f"Digital Link base '{domain_base}' must be a plain domain with an optional path",
            "Remove any user name, '?query' or '#fragment'.",
        )
    path = parts.path.rstrip("/")
    return f"https://{parts.netloc.lower()}{path}/01/{gtin}"
