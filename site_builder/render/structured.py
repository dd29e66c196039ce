"""What machines read about an item: schema.org JSON-LD and Open Graph / Twitter tags.

Facebook and Zalo build their link previews from the Open Graph tags, so every URL
there is absolute; search engines read the schema.org `Product` with its `Offer` in VND.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from site_builder.content import kinds
from site_builder.content.model import Image, Item, Site, Translation
from site_builder.gtin import digital_link
from site_builder.render import variants
from site_builder.urls import Urls

OG_LOCALES = {"vi": "vi_VN", "en": "en_US", "zh": "zh_CN", "fr": "fr_FR"}


def og_locale(lang: str) -> str:
    return OG_LOCALES.get(lang, lang)


def preview_image(item: Item, urls: Urls) -> dict[str, Any]:
    """The absolute image a shared link shows, with its size when known."""
    chosen = item.facts.preview_image
    if chosen and "://" in chosen:
        return {"url": chosen, "width": None, "height": None}
    image = next((im for im in item.images if im.file == chosen), item.images[0])
    return _largest(urls, item, image)


def _largest(urls: Urls, item: Item, image: Image) -> dict[str, Any]:
    """The widest JPEG/PNG derivative: link previews want JPEG or PNG, >= 600 px wide."""
    variant = variants.largest_fallback(image)
    url = urls.absolute(variants.image_url(urls, item.kind, item.slug, image, variant))
    return {"url": url, "width": variant.width, "height": variant.height}


def gs1_link(site: Site, item: Item) -> str | None:
    gtin = item.facts.gtin
    return digital_link(site.config.base_url, gtin) if gtin else None


def product_jsonld(site: Site, urls: Urls, item: Item, tr: Translation, lang: str) -> Markup:
    """schema.org Product + Offer (or AggregateOffer for a price range) as a <script> body."""
    page = urls.absolute(urls.page(lang, item.kind, item.slug))
    low, high = item.price
    offer: dict[str, Any] = {
        "priceCurrency": "VND",
        "availability": "https://schema.org/InStock",
        "url": page,
    }
    if low == high:
        offer.update({"@type": "Offer", "price": low})
    else:
        offer.update({"@type": "AggregateOffer", "lowPrice": low, "highPrice": high})
    own = kinds.get(item.kind)
    maker = item.facts.own[own.maker_field]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": own.schema_type,
        "@id": page + "#product",
        "name": tr.title,
        "description": tr.summary or "",
        "sku": item.code,
        "url": page,
        "inLanguage": tr.lang,
        "image": [_largest(urls, item, im)["url"] for im in item.images],
        "brand": {"@type": "Brand", "name": maker},
        "offers": offer,
        "countryOfOrigin": {"@type": "Country", "name": "VN"},
    }
    data["category"] = site.category_name(own.group_table, item.facts.group, lang)
    data.update(own.jsonld(item.facts.own, tr.fields))
    if item.facts.gtin:
        data["gtin14"] = item.facts.gtin
        data["sameAs"] = gs1_link(site, item)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # inside <script>: keep "</script>" and "<!--" from ever closing or confusing the block
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def open_graph(
    site: Site, urls: Urls, item: Item, tr: Translation, lang: str
) -> list[dict[str, str]]:
    """<meta property=… content=…> pairs for Facebook, Zalo and Twitter/X cards."""
    image = preview_image(item, urls)
    page = urls.absolute(urls.page(lang, item.kind, item.slug))
    tags = [
        ("og:type", "product"),
        (
            "og:site_name",
            site.config.title.get(lang) or site.config.title[site.config.source_language],
        ),
        ("og:title", tr.title),
        ("og:description", tr.summary or ""),
        ("og:url", page),
        ("og:locale", og_locale(lang)),
    ]
    tags += [
        ("og:locale:alternate", og_locale(other)) for other in item.translations if other != lang
    ]
    tags.append(("og:image", image["url"]))
    if image["width"]:
        tags += [("og:image:width", str(image["width"])), ("og:image:height", str(image["height"]))]
    alt = tr.alt.get(item.images[0].file)
    if alt:
        tags.append(("og:image:alt", alt))
    tags += [("product:price:amount", str(item.price[0])), ("product:price:currency", "VND")]
    out = [{"property": k, "content": v} for k, v in tags]
    out += [
        {"name": "twitter:card", "content": "summary_large_image"},
        {"name": "twitter:title", "content": tr.title},
        {"name": "twitter:description", "content": tr.summary or ""},
        {"name": "twitter:image", "content": image["url"]},
    ]
    return out
