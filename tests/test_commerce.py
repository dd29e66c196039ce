"""From scan to sale: payment codes, shop links, structured data and share previews."""

from __future__ import annotations

import json
from pathlib import Path

import zxingcpp
from PIL import Image

from site_builder.content.loader import load_site
from site_builder.vietqr import check_crc, parse_fields
from tests.helpers import parse_html, text_of

ITEM_PAGES = "output/{lang}/{kind}/{slug}/index.html"


def pages(root: Path):  # type: ignore[no-untyped-def]
    site = load_site(root)
    for item in site.items:
        for lang in ("vi", "en"):
            yield (
                item,
                lang,
                parse_html(root / ITEM_PAGES.format(lang=lang, kind=item.kind, slug=item.slug)),
            )


def test_payment_qr_decodes_to_the_expected_vietqr_payload(sample_site: Path) -> None:
    site = load_site(sample_site)
    paying = [i for i in site.items if i.facts.payment]
    assert len(paying) >= 2
    for item in paying:
        pay = item.facts.payment
        for ext in ("png",):
            image = Image.open(sample_site / "output/pay" / f"{item.code}.{ext}")
            results = zxingcpp.read_barcodes(image)
            assert [r.text for r in results] == [pay.payload]
            assert check_crc(results[0].text)
            fields = parse_fields(results[0].text)
            assert fields["38.01.00"] == pay.bank.bin
            assert fields["38.01.01"] == pay.account
            assert fields["53"] == "704" and fields["58"] == "VN"


def test_payment_section_is_labelled_apart_from_the_page_code(sample_site: Path) -> None:
    for item, lang, tree in pages(sample_site):
        section = tree.find(".//section[@class='pay']")
        if not item.facts.payment:
            assert section is None
            continue
        assert section is not None
        payee = item.facts.payment.account_name
        label = text_of(section.find("p[@class='pay-label']"))  # type: ignore[arg-type]
        expected = {
            "vi": "Chỉ ứng dụng ngân hàng Việt Nam thanh toán được cách này (VietQR). Trong ứng "
            f"dụng ngân hàng, chuyển khoản cho {payee} theo tài khoản dưới đây.",
            "en": "Only Vietnamese banking apps can pay this way (VietQR). In your banking app, "
            f"transfer to {payee} with the account below.",
        }[lang]
        assert label == expected
        warning = text_of(section.find("p[@class='pay-warning']"))  # type: ignore[arg-type]
        assert "open this page" not in warning and "mở trang này" not in warning
        assert section.find("img").get("src") == f"/pay/{item.code}.svg"  # type: ignore[union-attr]


def test_json_ld_is_a_schema_org_product_with_an_offer_in_vnd(sample_site: Path) -> None:
    for item, lang, tree in pages(sample_site):
        blocks = [s for s in tree.iter("script") if s.get("type") == "application/ld+json"]
        assert len(blocks) == 1
        data = json.loads(blocks[0].text or "")
        assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
        assert data["name"] == item.translations[lang].title
        assert data["sku"] == item.code
        assert isinstance(data["image"], list) and all(
            u.startswith("https://") for u in data["image"]
        )
        assert isinstance(data["brand"]["name"], str) and data["brand"]["@type"] == "Brand"
        offer = data["offers"]
        assert offer["priceCurrency"] == "VND"
        assert offer["availability"] == "https://schema.org/InStock"
        low, high = item.price
        if low == high:
            assert offer["@type"] == "Offer" and offer["price"] == low
        else:
            assert offer["@type"] == "AggregateOffer"
            assert (offer["lowPrice"], offer["highPrice"]) == (low, high)
        if item.kind == "ocop":
            rating = {p["name"]: p["value"] for p in data["additionalProperty"]}
            assert rating["OCOP rating"] == item.facts.own["stars"]
        if item.facts.gtin:
            assert data["gtin14"] == item.facts.gtin and len(data["gtin14"]) == 14
            assert data["sameAs"] == f"https://xinman.example.vn/01/{item.facts.gtin}"


def test_open_graph_tags_are_present_and_absolute(sample_site: Path) -> None:
    for item, lang, tree in pages(sample_site):
        og = {m.get("property"): m.get("content") for m in tree.iter("meta") if m.get("property")}
        for key in ("og:title", "og:description", "og:url", "og:image", "og:type", "og:locale"):
            assert og.get(key), f"{item.key} {lang}: {key}"
        assert og["og:url"] == f"https://xinman.example.vn/{lang}/{item.kind}/{item.slug}/"
        assert og["og:image"].startswith("https://xinman.example.vn/media/")
        assert og["product:price:currency"] == "VND"
        twitter = {m.get("name"): m.get("content") for m in tree.iter("meta") if m.get("name")}
        assert twitter["twitter:card"] == "summary_large_image"
        assert twitter["twitter:image"] == og["og:image"]


def test_gs1_digital_link_resolves_on_the_site(sample_site: Path) -> None:
    site = load_site(sample_site)
    item = next(i for i in site.items if i.facts.gtin)
    tree = parse_html(sample_site / "output/01" / item.facts.gtin / "index.html")
    links = {a.get("hreflang"): a.get("href") for a in tree.findall(".//main/a")}
    assert links == {lang: f"/{lang}/{item.kind}/{item.slug}/" for lang in ("vi", "en")}


def test_shop_links_are_clear_buttons(sample_site: Path) -> None:
    site = load_site(sample_site)
    item = next(i for i in site.items if any(ln.kind == "phone" for ln in i.links))
    tree = parse_html(sample_site / ITEM_PAGES.format(lang="en", kind=item.kind, slug=item.slug))
    buttons = {a.get("href"): text_of(a) for a in tree.findall(".//ul[@class='buttons']//a")}
    phone = next(ln for ln in item.links if ln.kind == "phone")
    assert buttons[phone.href] == f"Call {phone.display}"
    assert phone.href.startswith("tel:+84")
