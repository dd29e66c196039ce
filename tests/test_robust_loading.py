"""Property tests: whatever a member's file holds, the loader answers with a model or our own
error naming the file and line, never another exception."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import plan_site
from site_builder.content.loader import load_site
from site_builder.errors import ContentError, ErrorList
from tests.helpers import FIXTURES

FILES = [
    "site.yaml",
    "content/categories.yaml",
    "content/dolls/hmong/item.yaml",
    "content/dolls/hmong/vi.md",
    "content/ocop/tea/item.yaml",
    "content/pages/visit/en.md",
    "booklets/gifts.yaml",
    "content/printed-codes.yaml",
]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1900, 1, 1)),
)
structures = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(
                    [
                        "title",
                        "code",
                        "price",
                        "images",
                        "alt",
                        "min",
                        "max",
                        "vi",
                        "en",
                        "entries",
                        "payment",
                        "bank",
                        "account",
                        "links",
                        "kind",
                        "url",
                        "printed",
                        "item",
                    ]
                ),
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("robust") / "site"
    shutil.copytree(FIXTURES / "minimal", root)
    return root


def load_or_error(root: Path, fuzzed: Path) -> None:
    try:
        plan_site(load_site(root))
    except ErrorList as exc:
        assert exc.errors
        for error in exc.errors:
            check_error(error, fuzzed)
    except ContentError as exc:
        check_error(exc, fuzzed)


def check_error(error: ContentError, fuzzed: Path) -> None:
    assert error.message and str(error)
    path = Path(error.path)
    assert path.is_absolute()
    if path == fuzzed:
        assert error.line is not None and error.line >= 1, str(error)


def with_file(project: Path, name: str, data: bytes) -> Path:
    path = project / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("name", FILES)
@SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes(project: Path, name: str, data: bytes) -> None:
    original = (project / name).read_bytes() if (project / name).exists() else None
    try:
        load_or_error(project, with_file(project, name, data))
    finally:
        restore_file(project / name, original)


@pytest.mark.parametrize("name", FILES)
@SETTINGS
@given(value=structures)
def test_arbitrary_yaml_structures(project: Path, name: str, value: object) -> None:
    original = (project / name).read_bytes() if (project / name).exists() else None
    text = yaml.safe_dump(value, allow_unicode=True)
    if name.endswith(".md"):
        text = f"---\n{text}---\nStory.\n"
    try:
        load_or_error(project, with_file(project, name, text.encode("utf-8")))
    finally:
        restore_file(project / name, original)


def restore_file(path: Path, original: bytes | None) -> None:
    if original is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(original)
