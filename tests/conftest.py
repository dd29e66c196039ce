from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.build import build
from tests.helpers import copy_project


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "site", "minimal")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's sample content, built once for the whole session; returns the project."""
    root = copy_project(tmp_path_factory.mktemp("sample") / "site", "sample")
    build(root)
    return root
