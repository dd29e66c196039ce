"""What a tourist sees first on an item page (issue 15, item 3), in real Chromium."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.helpers import parse_html, serve, text_of
from tests.validators.conftest import CHROMIUM, TOOLS, need_chromium, need_node_package

SCRIPT = """
import { chromium } from "playwright-core";
const [exe, url] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: exe, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
await page.goto(url, { waitUntil: "load" });
const out = await page.evaluate(() => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
  const q = (s) => document.querySelector(s);
  const price = q(".price-top strong");
  return { h1: box(q("h1")), photo: box(q(".item > figure img")), price: box(price),
           price_lines: price.getClientRects().length,
           buy: q(".buttons a") ? box(q(".buttons a")) : null };
});
console.log(JSON.stringify(out));
await browser.close();
"""


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_title_photo_price_and_buy_fit_the_first_screen(
    sample_site: Path, tmp_path: Path, lang: str
) -> None:
    need_chromium()
    need_node_package("playwright-core")
    script = TOOLS / f".first-screen-{lang}-{tmp_path.name}.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    try:
        with serve(sample_site / "output") as base:
            proc = subprocess.run(
                ["node", str(script), str(CHROMIUM), f"{base}/{lang}/dolls/hmong/"],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=TOOLS,
            )
    finally:
        script.unlink()
    assert proc.returncode == 0, proc.stderr
    boxes = json.loads(proc.stdout)
    for name in ("h1", "photo", "price", "buy"):
        assert boxes[name] is not None and boxes[name][1] <= 844, (name, boxes)
    assert boxes["price_lines"] == 1  # a price range is never broken mid-range


def test_english_prices_say_vnd_and_makers_names_are_marked_vietnamese(sample_site: Path) -> None:
    tree = parse_html(sample_site / "output/en/dolls/hmong/index.html")
    price = tree.find(".//p[@class='price-top']/strong")
    assert price is not None and text_of(price) == "450,000 VND – 1,200,000 VND"
    assert (price.text or "").count("\xa0") == 4  # no place to break the line
    facts = tree.find(".//dl[@class='facts']")
    assert facts is not None
    terms = list(facts)
    maker = terms[[text_of(e) for e in terms].index("Made by") + 1]
    assert maker.get("lang") == "vi"
