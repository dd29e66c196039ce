"""pypdf's insides, as site_builder/vendor/pypdf_shim.py uses them: a release that
changes them fails here, not as booklets whose bytes change on every build."""

from __future__ import annotations

import importlib.metadata
import io

import pypdf
from pypdf.generic import TextStringObject

from site_builder.vendor.pypdf_shim import set_file_id, set_language


def written(ident: bytes) -> pypdf.PdfReader:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    set_file_id(writer, ident)
    set_language(writer, TextStringObject("vi"))
    out = io.BytesIO()
    writer.write(out)
    return pypdf.PdfReader(io.BytesIO(out.getvalue()))


def test_the_version_is_the_one_the_shim_was_checked_against() -> None:
    major = int(importlib.metadata.version("pypdf").split(".")[0])
    assert 5 <= major <= 7, f"pypdf {major}: check pypdf_shim.py, then the bound in pyproject"


def test_the_file_identifier_is_ours_and_the_same_every_time() -> None:
    ident = bytes(range(16))
    reader = written(ident)
    assert [part.original_bytes for part in reader.trailer["/ID"]] == [ident, ident], (
        "PdfWriter._ID no longer sets the trailer's /ID"
    )
    again = written(ident)
    assert again.trailer["/ID"] == reader.trailer["/ID"]


def test_the_language_is_in_the_catalog() -> None:
    assert written(b"x" * 16).trailer["/Root"]["/Lang"] == "vi"
