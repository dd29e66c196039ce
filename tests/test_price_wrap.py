"""Price ranges stay on one line at 390 px, on item pages and home cards (issue 15, item 5)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from site_builder.content.loader import load_site
from tests.helpers import parse_html, serve, text_of
from tests.validators.conftest import CHROMIUM, TOOLS, need_chromium, need_node_package

SCRIPT = """
import { chromium } from "playwright-core";
const [exe, ...urls] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
const out = {};
for (const url of urls) {
  await page.goto(url, { waitUntil: "load" });
  out[url] = await page.evaluate(() =>
    [...document.querySelectorAll(".card-meta .price, .price-top strong")].map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);  // the text itself, not its (block) box
      const rects = [...range.getClientRects()].filter((r) => r.width > 0);
      const box = (el.closest(".card") || el.closest("main")).getBoundingClientRect();
      return { text: el.textContent, lines: new Set(rects.map((r) => Math.round(r.top))).size,
               left: Math.min(...rects.map((r) => r.left)),
               right: Math.max(...rects.map((r) => r.right)),
               box: [box.left, box.right], page_width: document.documentElement.scrollWidth };
    }));
}
console.log(JSON.stringify(out));
await browser.close();
"""


def _measure(folder: Path, paths: list[str], tag: str) -> dict[str, list[dict[str, object]]]:
    need_chromium()
    need_node_package("playwright-core")
    script = TOOLS / f".price-wrap-{tag}.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    try:
        with serve(folder) as base:
            proc = subprocess.run(
                ["node", str(script), str(CHROMIUM), *(base + p for p in paths)],
                capture_output=True,
                text=True,
                timeout=180,
                cwd=TOOLS,
            )
    finally:
        script.unlink()
    assert proc.returncode == 0, proc.stderr
    found: dict[str, list[dict[str, object]]] = json.loads(proc.stdout)
    return {url.split("/", 3)[3]: v for url, v in found.items()}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_price_ranges_stay_on_one_line_at_390_px(
    sample_site: Path, tmp_path: Path, lang: str
) -> None:
    site = load_site(sample_site)
    ranged = [i for i in site.items if i.price[0] != i.price[1]]
    assert ranged, "the sample needs an item with a price range"
    paths = [f"/{lang}/", f"/{lang}/dolls/"] + [f"/{lang}/{i.kind}/{i.slug}/" for i in ranged]
    measured = _measure(sample_site / "output", paths, f"{lang}-{tmp_path.name}")
    cards = [p for p in measured[f"{lang}/"] if p["box"] != measured[f"{lang}/"][0]["box"]]
    assert len(measured[f"{lang}/"]) == len(site.items)  # one card per item on the home page
    assert cards or len(site.items) == 1
    dash = "\u2013"
    seen_ranges = 0
    for page, prices in measured.items():
        assert prices, page
        for price in prices:
            assert price["lines"] == 1, (page, price)
            left, right = price["box"]  # type: ignore[misc]
            assert left - 0.5 <= price["left"] and price["right"] <= right + 0.5, (page, price)
            assert price["page_width"] == 390, (page, price)  # nothing sticks out sideways
            seen_ranges += dash in str(price["text"])
    assert seen_ranges == len(ranged)  # the item page shows the whole range


def test_cards_start_a_range_with_from_in_a_no_wrap_line(sample_site: Path) -> None:
    site = load_site(sample_site)
    words = {"vi": "từ 450.000\xa0₫", "en": "from 450,000\xa0VND"}
    for lang, expected in words.items():
        tree = parse_html(sample_site / f"output/{lang}/index.html")
        cards = [li for li in tree.iter("li") if li.get("class") == "card"]
        assert len(cards) == len(site.items)
        by_title = {text_of(li.find(".//span[@class='card-title']")): li for li in cards}  # type: ignore[arg-type]
        hmong = next(i for i in site.items if i.slug == "hmong")
        card = by_title[hmong.translations[lang].title]
        price = card.find(".//span[@class='price']")
        assert price is not None and "".join(price.itertext()) == expected
        currency = "₫" if lang == "vi" else "VND"
        for li in cards:
            assert text_of(li.find(".//span[@class='price']")).endswith(currency)  # type: ignore[arg-type]
