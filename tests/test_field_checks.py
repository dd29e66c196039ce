"""Field values and names a member gets wrong, each with the exact message: an OCOP
certificate's year after this year."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.content import itemcache
from tests.helpers import copy_project, run_cli

TEA = "content/ocop/tea/item.yaml"


def set_year(project: Path, year: int) -> int:
    """`certified_year: YEAR` in the tea's item.yaml; returns its line."""
    path = project / TEA
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("certified_year: 2022", f"certified_year: {year}"), "utf-8")
    return text.splitlines().index("certified_year: 2022") + 1


def test_a_certificate_year_after_this_year_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    this_year = dt.date.today().year
    line = set_year(project, this_year + 7)
    result = run_cli(project, "--lang", "en", "build")
    assert (result.code, result.err) == (
        1,
        f"Error: {TEA}:{line}: certified_year: {this_year + 7} is after this year: a "
        "certificate cannot be from the future. Write the year printed on the certificate, "
        f"{this_year} or earlier.\n1 error; nothing was written.\n",
    )
    vi = run_cli(project, "--lang", "vi", "build")
    assert (
        f"Lỗi: {TEA}:{line}: certified_year: {this_year + 7} là năm sau năm nay: giấy chứng "
        "nhận không thể mang năm chưa tới. Ghi năm in trên giấy chứng nhận, muộn nhất là năm "
        f"{this_year}.\n"
    ) in vi.err


def test_this_year_is_accepted_and_a_year_before_2018_names_the_range(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    this_year = dt.date.today().year
    line = set_year(project, this_year)
    assert run_cli(project, "--lang", "en", "check").code == 0
    (project / TEA).write_text(
        (project / TEA)
        .read_text("utf-8")
        .replace(f"certified_year: {this_year}", "certified_year: 2015"),
        "utf-8",
    )
    result = run_cli(project, "--lang", "en", "build")
    assert result.err == (
        f"Error: {TEA}:{line}: certified_year: must be between 2018 and {this_year}, not "
        "2015.\n1 error; nothing was written.\n"
    )


def test_the_item_cache_is_not_kept_into_a_new_year(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year refused this year is checked again next year, not answered from the cache."""
    config = load_config(copy_project(tmp_path / "site").resolve())
    now = itemcache.context_key(config)
    next_year = dt.date.today().replace(year=dt.date.today().year + 1)
    fake_date = types.SimpleNamespace(today=lambda: next_year)
    monkeypatch.setattr(itemcache, "dt", types.SimpleNamespace(date=fake_date))
    assert itemcache.context_key(config) != now
