"""axe-core finds no accessibility problem on any kind of page, at phone width, in Chromium.

All of axe's rules run (WCAG A/AA and its best practices). The QR landing page and the
root chooser redirect with JavaScript at once: they are checked with their script running
but any navigation aborted ("stay"), and the redirect itself is checked separately.
Set SITE_BUILDER_SCREENSHOTS=/some/folder to also get phone screenshots (390×844).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.validators.conftest import Served, run_axe
from tests.validators.pages import page_kinds, qr_code

PHONE = (360, 740)


def describe(page: dict) -> str:
    lines = []
    for v in page["violations"]:
        lines.append(f"{page['url']}: {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            lines.append(f"      {node['summary'].replace(chr(10), ' / ')[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe_results(served_site: Served) -> dict[str, dict]:
    """kind -> axe result for every page kind in both languages, in one Chromium."""
    output = served_site.root
    code = qr_code(output)
    jobs: dict[str, dict] = {}
    for lang in ("vi", "en"):
        for kind, path in page_kinds(output, lang).items():
            jobs[f"{kind} ({lang})"] = {"url": served_site.url(path)}
    jobs["QR landing page"] = {"url": served_site.url(f"/Q/{code}"), "stay": True}
    jobs["QR landing page (folder)"] = {"url": served_site.url(f"/Q/{code}/"), "stay": True}
    jobs["root chooser"] = {"url": served_site.url("/"), "stay": True}
    jobs["404"] = {"url": served_site.url("/no/such/page/")}
    result = run_axe(list(jobs.values()), PHONE)
    return dict(zip(jobs, result["pages"], strict=True))


def test_no_axe_violation_on_any_page_kind(axe_results: dict[str, dict]) -> None:
    assert len(axe_results) == 22  # (with the offline pages, as built)
    report = "\n".join(describe(page) for page in axe_results.values() if page["violations"])
    assert report == "", "axe-core violations:\n" + report


def test_pages_load_as_the_host_serves_them(axe_results: dict[str, dict]) -> None:
    statuses = {kind: page["status"] for kind, page in axe_results.items()}
    assert statuses == {kind: 404 if kind == "404" else 200 for kind in axe_results}
    for kind, page in axe_results.items():
        assert page["lang"] in ("vi", "en"), kind
        assert page["title"], kind


def test_no_page_scrolls_sideways_on_a_phone(axe_results: dict[str, dict]) -> None:
    wide = {
        kind: (page["scroll_width"], page["client_width"])
        for kind, page in axe_results.items()
        if page["scroll_width"] > page["client_width"]
    }
    assert wide == {}


def test_no_console_error(axe_results: dict[str, dict]) -> None:
    errors = {
        kind: page["console_errors"]
        for kind, page in axe_results.items()
        # the 404 page is served with status 404, which Chromium logs
        if [e for e in page["console_errors"] if "status of 404" not in e or kind != "404"]
    }
    assert errors == {}


def test_the_qr_landing_page_redirects_with_javascript(served_site: Served) -> None:
    """The browser's language is Vietnamese (vi-VN): it lands on the Vietnamese page."""
    code = qr_code(served_site.root)
    landing = (served_site.root / "Q" / f"{code}.html").read_text(encoding="utf-8")
    match = re.search(r'<a href="(/vi/[^"]+)"[^>]*hreflang="vi"', landing)
    assert match, landing
    result = run_axe(
        [{"url": served_site.url(f"/Q/{code}"), "axe": False, "redirects_to": match[1]}],
        PHONE,
    )["pages"][0]
    assert result["final_url"] == served_site.url(match[1])


def test_axe_finds_the_problems_of_the_broken_page(served_broken: Served) -> None:
    page = run_axe([{"url": served_broken.url("/")}], PHONE)["pages"][0]
    assert {v["id"] for v in page["violations"]} >= {"html-has-lang", "image-alt"}


@pytest.mark.skipif(
    not os.environ.get("SITE_BUILDER_SCREENSHOTS"), reason="set SITE_BUILDER_SCREENSHOTS=DIR"
)
def test_phone_screenshots(served_site: Served) -> None:
    folder = Path(os.environ["SITE_BUILDER_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    output = served_site.root
    code = qr_code(output)
    shots = {
        "vi-home.png": {"url": served_site.url("/vi/")},
        "en-doll.png": {"url": served_site.url(page_kinds(output, "en")["doll"])},
        "en-doll-full.png": {
            "url": served_site.url(page_kinds(output, "en")["doll"]),
            "fullPage": True,
        },
        f"{code}-nojs.png": {"url": served_site.url(f"/Q/{code}"), "javascript": False},
    }
    pages = [
        {**spec, "axe": False, "screenshot": str(folder / name)} for name, spec in shots.items()
    ]
    run_axe(pages, (390, 844))
    assert all((folder / name).stat().st_size > 1000 for name in shots)


def test_a_landing_page_stays_put_after_the_service_worker_took_over(
    served_site: Served,
) -> None:
    """The site's service worker (scope "/"), once a page registered it, fetches
    navigations itself; a "stay" page must still not navigate away (it once did, now and
    then: CI failed with "Execution context was destroyed")."""
    output = served_site.root
    code = qr_code(output)
    pages = run_axe(
        [
            {
                "url": served_site.url(page_kinds(output, "vi")["doll"]),
                "axe": False,
                "wait_for": "[data-offline-ready]",
            },
            {"url": served_site.url(f"/Q/{code}"), "stay": True, "axe": False},
            {"url": served_site.url("/"), "stay": True, "axe": False},
        ],
        PHONE,
    )["pages"]
    assert [p["final_url"] for p in pages[1:]] == [
        served_site.url(f"/Q/{code}"),
        served_site.url("/"),
    ]
