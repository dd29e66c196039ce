"""Page-weight budgets: a warning in build, an error in check --strict."""

from __future__ import annotations

from pathlib import Path

from site_builder.build import build
from tests.helpers import run_cli


def test_the_sample_site_is_within_its_budgets(sample_site: Path) -> None:
    report = build(sample_site, sample_site / "output-budget", with_print=False)
    assert [w for w in report.warnings if "budget" in w] == []


def test_over_budget_pages_warn_in_build_and_fail_strict_check(minimal: Path) -> None:
    config = minimal / "site.yaml"
    config.write_text(config.read_text() + "budgets:\n  landing_kb: 1\n  item_kb: 5\n")
    line = config.read_text().splitlines().index("  landing_kb: 1") + 1
    result = run_cli(minimal, "build", "--no-pdf")
    assert result.code == 0, result.err
    warnings = [line for line in result.out.splitlines() if line.startswith("Warning:")]
    assert any(
        w.startswith(
            f"Warning: site.yaml:{line}: budgets.landing_kb: the QR landing page Q/XM-D01.html "
            "weighs "
        )
        and w.endswith(
            "kB; the budget is 1 kB. Shorten the item's titles, or raise budgets.landing_kb in site.yaml."
        )
        for w in warnings
    ), warnings
    assert any(
        w.startswith(
            "Warning: content/dolls/hmong/item.yaml: images: the page vi/dolls/hmong/index.html weighs "
        )
        and "kB with its first photo; the budget is 5 kB." in w
        for w in warnings
    ), warnings
    assert (minimal / "output/vi/dolls/hmong/index.html").is_file()  # a warning, not an error
    assert run_cli(minimal, "check").code == 0
    strict = run_cli(minimal, "check", "--strict")
    assert strict.code == 1
    assert "budgets.landing_kb" in strict.out + strict.err


def test_a_page_heavy_with_its_story_blames_the_story_not_the_photo(minimal: Path) -> None:
    """A long story (a member pasting a whole report) weighed the page down; the warning
    said to use a lighter first photo."""
    vi = minimal / "content/dolls/hmong/vi.md"
    paragraph = "Câu chuyện về bộ váy được kể lại rất dài, từng đường kim mũi chỉ. " * 40
    vi.write_text(vi.read_text(encoding="utf-8") + ("\n" + paragraph + "\n") * 60, "utf-8")
    result = run_cli(minimal, "--lang", "en", "build", "--no-pdf")
    assert result.code == 0, result.err
    warnings = [w for w in result.out.splitlines() if "vi/dolls/hmong/index.html" in w]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "Warning: content/dolls/hmong/vi.md: the page vi/dolls/hmong/index.html weighs "
    )
    assert warnings[0].endswith(
        "Shorten the story (a phone on a weak connection loads all of it before showing the "
        "page), or raise budgets.item_kb in site.yaml."
    )
    assert "this story alone is " in warnings[0] and "first photo" not in warnings[0]
