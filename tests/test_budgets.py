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
