"""Slugs: Vietnamese names lose their marks, and the fast path for plain ASCII names
(every folder of a large catalogue) gives exactly what the full path gives."""

from __future__ import annotations

import random
import re
import string
import unicodedata

import pytest

from site_builder.markdown import slugify


def _reference(text: str) -> str:
    """The whole rule, with no shortcut."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower()


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Búp bê Đồng Văn", "bup-be-dong-van"),
        ("Trà Shan tuyết cổ thụ", "tra-shan-tuyet-co-thu"),
        ("Mật ong bạc hà", "mat-ong-bac-ha"),
        ("doll-dao-0001", "doll-dao-0001"),
        ("  Phù Lá  ", "phu-la"),
        ("tea 100% (OCOP 4★)", "tea-100-ocop-4"),
        ("---", ""),
        ("", ""),
    ],
)
def test_slugs(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_ascii_names_take_the_short_path_to_the_same_slug() -> None:
    rng = random.Random(7)
    names = [
        "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 20)))
        for _ in range(3000)
    ]
    names += ["doll-hmong-01725", "ocop-tea-0727", "A_B c.D", "x--y__z"]
    assert [slugify(n) for n in names] == [_reference(n) for n in names]
