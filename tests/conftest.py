from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder import messages
from site_builder.build import build
from tests.helpers import copy_project


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Each test starts with the CLI speaking English: a test running the CLI in-process
    with `--lang vi` leaves the language set for the rest of the process."""
    messages.set_language("en")
    yield
    messages.set_language("en")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "site", "minimal")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's sample content, built once for the whole session; returns the project."""
    root = copy_project(tmp_path_factory.mktemp("sample") / "site", "sample")
    build(root)
    return root
