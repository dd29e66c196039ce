"""A fixed file identifier for a PDF that pypdf writes.

Private thing used: ``PdfWriter._ID``. pypdf makes a random /ID for every file it
writes (``generate_file_identifiers``), so the same booklets would give different bytes
on every build; there is no public way to give it ours, so the attribute it writes the
trailer's /ID from is set here. The document language uses the public ``root_object``.

tests/test_vendor_pypdf.py fails, naming this module, when a release changes it;
pyproject.toml bounds pypdf from above.
"""

from __future__ import annotations

from typing import Any


def set_file_id(writer: Any, ident: bytes) -> None:
    """Make `writer` write /ID [<ident> <ident>] in the trailer."""
    from pypdf.generic import ArrayObject, ByteStringObject

    writer._ID = ArrayObject([ByteStringObject(ident), ByteStringObject(ident)])


def set_language(writer: Any, lang: Any) -> None:
    """The document's /Lang (e.g. (vi)) in `writer`'s catalog."""
    from pypdf.generic import NameObject

    writer.root_object[NameObject("/Lang")] = lang
