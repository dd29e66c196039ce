"""GTIN check digits and GS1 Digital Link URIs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.gtin import GtinError, check_digit, digital_link, validate_gtin


def weighted_sum_ok(gtin: str) -> bool:
    """Independent check: with the check digit included, weights 1, 3, 1, ... from the right."""
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(reversed(gtin))) % 10 == 0


@pytest.mark.parametrize(
    ("text", "gtin14"),
    [
        ("8934563138165", "08934563138165"),  # GTIN-13, Vietnam prefix 893
        ("4006381333931", "04006381333931"),  # GTIN-13
        ("96385074", "00000096385074"),  # GTIN-8
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        ("10012345000017", "10012345000017"),  # GTIN-14
        (" 893 4563 138165 ", "08934563138165"),  # spaces ignored
        (8934563138165, "08934563138165"),  # unquoted YAML number
    ],
)
def test_valid_gtins(text: str, gtin14: str) -> None:
    assert validate_gtin(text) == gtin14
    assert weighted_sum_ok(gtin14)


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "8934563138166",
            "GTIN '8934563138166' has check digit 6, expected 5",
            "Check the digits against the barcode; the last digit is computed from the others.",
        ),
        (
            "96385070",
            "GTIN '96385070' has check digit 0, expected 4",
            "Check the digits against the barcode; the last digit is computed from the others.",
        ),
        (
            "893456313816",
            "GTIN '893456313816' has check digit 6, expected 3",
            "Check the digits against the barcode; the last digit is computed from the others.",
        ),
        (
            "893-4563-138165",
            "GTIN '893-4563-138165' contains characters other than digits",
            "A GTIN is 8, 12, 13 or 14 digits, as printed under the barcode.",
        ),
        (
            "12345",
            "GTIN '12345' has 5 digits; a GTIN has 8, 12, 13 or 14",
            "Copy all the digits printed under the barcode.",
        ),
        (
            36000291452,
            "GTIN '36000291452' has 11 digits; a GTIN has 8, 12, 13 or 14",
            "Copy all the digits printed under the barcode. "
            'Write it in quotes, e.g. gtin: "012345678905", so leading zeros are kept.',
        ),
        ("  ", "GTIN is empty", "Copy the digits printed under the barcode."),
        (None, "GTIN must be text", 'Write it in quotes, e.g. gtin: "8934563138165".'),
    ],
)
def test_invalid_gtins(text: str, message: str, hint: str) -> None:
    with pytest.raises(GtinError) as exc:
        validate_gtin(text)
    assert (exc.value.message, exc.value.hint) == (message, hint)
    assert str(exc.value) == f"{message} {hint}"
    assert exc.value.field == "gtin"


@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_exactly_one_check_digit_is_valid(digits: str) -> None:
    body = digits[:-1]
    valid = [d for d in "0123456789" if weighted_sum_ok(body + d)]
    assert valid == [str(check_digit(body))]
    assert validate_gtin(body + valid[0]) == (body + valid[0]).zfill(14)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("id.example.vn", "https://id.example.vn/01/08934563138165"),
        ("https://id.example.vn", "https://id.example.vn/01/08934563138165"),
        ("https://ID.Example.vn/", "https://id.example.vn/01/08934563138165"),
        ("https://example.vn/gs1/", "https://example.vn/gs1/01/08934563138165"),
    ],
)
def test_digital_link(base: str, expected: str) -> None:
    assert digital_link(base, "08934563138165") == expected
    assert digital_link(base, "8934563138165") == expected


@pytest.mark.parametrize(
    ("base", "message"),
    [
        (
            "http://id.example.vn",
            "Digital Link base 'http://id.example.vn' is not an https address",
        ),
        ("javascript:alert(1)", "Digital Link base 'javascript:alert(1)' is not an https address"),
        ("localhost", "Digital Link base 'localhost' is not an https address"),
        (
            "https://id.example.vn/?x=1",
            "Digital Link base 'https://id.example.vn/?x=1' must be a plain domain with an "
            "optional path",
        ),
    ],
)
def test_digital_link_bad_base(base: str, message: str) -> None:
    with pytest.raises(GtinError) as exc:
        digital_link(base, "8934563138165")
    assert exc.value.message == message


def test_digital_link_checks_the_gtin() -> None:
    with pytest.raises(GtinError) as exc:
        digital_link("id.example.vn", "08934563138166")
    assert exc.value.message == "GTIN '08934563138166' has check digit 6, expected 5"
