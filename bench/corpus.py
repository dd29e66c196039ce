"""A synthetic, deterministic corpus of N items in three layouts: ours, Hugo's and Pelican's.

    python -m bench.corpus --items 2000 --out bench/.work/corpus

writes `<out>/ours` (site.yaml, content/, templates/ and locale/ copied from the repo),
`<out>/hugo` (page bundles `content/<section>/<slug>/index.<lang>.md`, hugo.toml, a minimal
layout with a language switcher) and `<out>/pelican` (one Markdown file per language, joined
by Pelican's built-in `Lang:`/`Slug:` translations). Every layout holds the same items, the
same Vietnamese and English texts (~300 words each), the same JPEG per item and two free pages.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bench import trash

REPO = Path(__file__).resolve().parent.parent
LANGS = ("vi", "en")
DATE = "2026-11-29"
SHORT_BASE = "https://xm.example.vn/"
IMAGE_SIZE = (800, 1000)
IMAGE_VARIANTS = 4
DOLL_SHARE = 0.6  # 60 % dolls, 40 % OCOP products

ETHNIC = {
    "hmong": ("Mông", "Hmong"),
    "dao": ("Dao", "Dao"),
    "phu-la": ("Phù Lá", "Phu La"),
    "nung": ("Nùng", "Nung"),
}
OCOP = {
    "tea": ("Chè", "Tea"),
    "honey": ("Mật ong", "Honey"),
    "medicinal": ("Dược liệu", "Medicinal herbs"),
    "grain": ("Gạo và ngũ cốc", "Rice and grains"),
}
COMMUNES = {
    "coc-pai": "Cốc Pài",
    "xin-man": "Xín Mần",
    "nam-dan": "Nấm Dẩn",
    "che-la": "Chế Là",
    "ban-ngo": "Bản Ngò",
    "na-chi": "Nà Chì",
}

# Parallel phrase lists: a sentence is built from the same choices in both languages.
SUBJECTS = [
    ("Người thợ", "The maker"),
    ("Các chị em trong thôn", "The women of the village"),
    ("Đoàn viên thanh niên", "The young union members"),
    ("Bà cụ người Mông", "An old Hmong woman"),
    ("Nghệ nhân Dao đỏ", "A Red Dao artisan"),
    ("Hợp tác xã", "The cooperative"),
    ("Cô gái trẻ ở Nấm Dẩn", "A young woman from Nấm Dẩn"),
    ("Những người mẹ", "The mothers"),
    ("Gia đình ông Sùng", "Mr Sùng's family"),
    ("Người trồng chè", "The tea growers"),
]
VERBS = [
    ("khâu tay", "sews by hand"),
    ("thêu tỉ mỉ", "carefully embroiders"),
    ("nhuộm nhiều lần", "dyes again and again"),
    ("dệt chậm rãi", "slowly weaves"),
    ("vẽ bằng sáp ong", "draws in beeswax on"),
    ("phơi khô", "dries"),
    ("hái từng búp", "picks bud by bud"),
    ("sao trên chảo gang", "roasts in an iron pan"),
    ("gói cẩn thận", "carefully wraps"),
    ("mang xuống chợ", "carries down to the market"),
    ("cất giữ", "keeps"),
    ("chọn lựa kỹ", "chooses with care"),
]
OBJECTS = [
    ("tấm vải lanh", "the hemp cloth"),
    ("chiếc váy xòe", "the pleated skirt"),
    ("những sợi chỉ màu", "the coloured threads"),
    ("lá chàm", "the indigo leaves"),
    ("búp chè Shan tuyết", "the Shan tuyết tea buds"),
    ("mật ong rừng", "the wild honey"),
    ("gạo nếp nương", "the upland sticky rice"),
    ("các vị thảo dược", "the medicinal herbs"),
    ("chiếc khăn đội đầu", "the head scarf"),
    ("vòng cổ bạc", "the silver neck ring"),
    ("túi thổ cẩm", "the brocade bag"),
    ("dải hoa văn hình thoi", "the band of diamond patterns"),
]
PLACES = [
    ("trên nương", "on the hillside fields"),
    ("bên bếp lửa", "beside the kitchen fire"),
    ("vào đầu mùa xuân", "at the start of spring"),
    ("sau mùa gặt", "after the harvest"),
    ("trong những ngày sương mù", "on misty days"),
    ("ở chợ phiên Cốc Pài", "at the Cốc Pài market"),
    ("dưới nắng sớm", "in the early sun"),
    ("suốt mùa đông dài", "through the long winter"),
    ("theo cách của ông bà", "the way the grandparents did"),
    ("giữa ruộng bậc thang", "among the rice terraces"),
]
REASONS = [
    ("để màu giữ được lâu", "so that the colour lasts"),
    ("vì khách ở xa thích", "because visitors from afar like it"),
    ("để con cháu còn nhớ nghề", "so that the children remember the craft"),
    ("cho đến khi mềm và bóng", "until it is soft and glossy"),
    ("mà không dùng máy móc", "without any machine"),
    ("như một món quà Tết", "as a New Year gift"),
]
HEADINGS = [
    ("Câu chuyện", "The story"),
    ("Cách làm", "How it is made"),
    ("Nguyên liệu", "Materials"),
    ("Người làm ra", "The makers"),
    ("Mùa vụ", "The seasons"),
    ("Gợi ý khi mua", "Buying tips"),
]
MATERIALS = [
    ("vải lanh", "hemp cloth"),
    ("chàm", "indigo"),
    ("sáp ong", "beeswax"),
    ("chỉ thêu", "embroidery thread"),
    ("vải bông", "cotton cloth"),
    ("hạt bạc", "silver beads"),
]
INGREDIENTS = [
    ("búp chè", "tea buds"),
    ("mật ong", "honey"),
    ("gạo nếp", "sticky rice"),
    ("lá thuốc", "medicinal leaves"),
    ("gừng", "ginger"),
    ("quế", "cinnamon"),
]


@dataclass
class Text:
    title: str
    summary: str
    alt: str
    body: str
    extra: list[str] = field(default_factory=list)  # materials or ingredients


@dataclass
class Entry:
    kind: str  # dolls | ocop | pages
    slug: str
    code: str = ""
    facts: dict = field(default_factory=dict)  # type: ignore[type-arg]
    texts: dict[str, Text] = field(default_factory=dict)
    image: str = ""  # file name inside the item folder
    variant: int = 0

    @property
    def group_names(self) -> tuple[str, str]:
        table = ETHNIC if self.kind == "dolls" else OCOP
        key = self.facts["ethnic_group" if self.kind == "dolls" else "ocop_group"]
        return table[key]


def _sentence(rng: random.Random) -> tuple[str, str]:
    s, v, o, p = (rng.choice(x) for x in (SUBJECTS, VERBS, OBJECTS, PLACES))
    vi = f"{s[0]} {v[0]} {o[0]} {p[0]}"
    en = f"{s[1]} {v[1]} {o[1]} {p[1]}"
    if rng.random() < 0.6:
        r = rng.choice(REASONS)
        vi, en = f"{vi}, {r[0]}", f"{en}, {r[1]}"
    if rng.random() < 0.3:
        o2 = rng.choice(OBJECTS)
        vi, en = (
            f"{vi}; rồi {o2[0]} cũng được làm như vậy",
            f"{en}; then {o2[1]} is done the same way",
        )
    return vi + ".", en + "."


def _body(rng: random.Random, words: int = 300) -> tuple[str, str]:
    """Markdown stories of about `words` words per language, with headings, a list, emphasis."""
    vi_parts: list[str] = []
    en_parts: list[str] = []
    vi_count = 0
    headings = rng.sample(HEADINGS, 3)
    h = 0
    while vi_count < words:
        if vi_parts and h < len(headings) and rng.random() < 0.5:
            vi_parts.append(f"## {headings[h][0]}")
            en_parts.append(f"## {headings[h][1]}")
            h += 1
        pairs = [_sentence(rng) for _ in range(rng.randint(3, 5))]
        vi_p = " ".join(a for a, _ in pairs)
        en_p = " ".join(b for _, b in pairs)
        if rng.random() < 0.3:
            o = rng.choice(OBJECTS)
            vi_p = vi_p.replace(o[0], f"**{o[0]}**", 1)
            en_p = en_p.replace(o[1], f"**{o[1]}**", 1)
        vi_parts.append(vi_p)
        en_parts.append(en_p)
        vi_count += len(vi_p.split())
    picks = rng.sample(MATERIALS, 3)
    vi_parts.append("\n".join(f"- {a}" for a, _ in picks))
    en_parts.append("\n".join(f"- {b}" for _, b in picks))
    return "\n\n".join(vi_parts) + "\n", "\n\n".join(en_parts) + "\n"


def make_entries(n: int, seed: int = 1) -> list[Entry]:
    """N items (60 % dolls, 40 % OCOP) and two free pages, the same for every run and seed."""
    dolls = max(1, round(n * DOLL_SHARE)) if n > 1 else n
    width = max(4, len(str(n)))
    entries: list[Entry] = []
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        is_doll = i < dolls
        number = i + 1 if is_doll else i - dolls + 1
        kind = "dolls" if is_doll else "ocop"
        code = f"XM-{'D' if is_doll else 'P'}{number:0{width}d}"
        commune = rng.choice(list(COMMUNES))
        price = rng.randrange(80, 1500) * 1000
        if is_doll:
            group = rng.choice(list(ETHNIC))
            facts = {
                "ethnic_group": group,
                "commune": commune,
                "maker": f"Chi đoàn thôn {number} (ví dụ)",
                "price": price,
            }
            slug = f"doll-{group}-{number:0{width}d}"
            image = "doll.jpg"
        else:
            group = rng.choice(list(OCOP))
            facts = {
                "ocop_group": group,
                "stars": rng.choice([3, 4, 5]),
                "certified_year": rng.choice([2021, 2022, 2023, 2024]),
                "commune": commune,
                "producer": f"HTX {COMMUNES[commune]} số {number} (ví dụ)",
                "price": price,
                "net_weight": f"{rng.choice([100, 200, 250, 500])} g",
                "shelf_life_months": rng.choice([12, 18, 24]),
            }
            slug = f"ocop-{group}-{number:0{width}d}"
            image = "product.jpg"
        e = Entry(kind, slug, code, facts, image=image, variant=i % IMAGE_VARIANTS)
        g_vi, g_en = e.group_names
        place = COMMUNES[commune]
        vi_body, en_body = _body(rng)
        extra = rng.sample(MATERIALS if is_doll else INGREDIENTS, 3)
        if is_doll:
            titles = (f"Búp bê {g_vi} số {number}", f"{g_en} doll no. {number}")
            summaries = (
                f"Búp bê mặc trang phục người {g_vi}, khâu tay ở {place}.",
                f"A doll in {g_en} costume, sewn by hand in {place}.",
            )
            alts = (
                f"Ảnh búp bê người {g_vi} với váy nhiều màu.",
                f"Photo of a {g_en} doll with a colourful skirt.",
            )
        else:
            titles = (f"{g_vi} {place} số {number}", f"{place} {g_en.lower()} no. {number}")
            summaries = (
                f"Sản phẩm OCOP {facts['stars']} sao của {place}.",
                f"A {facts['stars']}-star OCOP product from {place}.",
            )
            alts = (f"Ảnh gói {g_vi.lower()} có nhãn xanh.", f"Photo of a {g_en.lower()} pack.")
        e.texts["vi"] = Text(titles[0], summaries[0], alts[0], vi_body, [a for a, _ in extra])
        e.texts["en"] = Text(titles[1], summaries[1], alts[1], en_body, [b for _, b in extra])
        entries.append(e)
    for k, (vi_t, en_t) in enumerate([("Về dự án", "About"), ("Đến thăm Xín Mần", "Visit")]):
        rng = random.Random(seed * 7 + k)
        vi_body, en_body = _body(rng)
        p = Entry("pages", ["about", "visit"][k])
        p.texts["vi"] = Text(vi_t, "", "", vi_body)
        p.texts["en"] = Text(en_t, "", "", en_body)
        entries.append(p)
    return entries


# --- shared helpers ---------------------------------------------------------------------------


def _q(text: str) -> str:
    """A double-quoted YAML/TOML string (our texts contain no backslashes)."""
    return '"' + text.replace('"', "'") + '"'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _link(source: Path, target: Path) -> None:
    """Hard-link (or copy) one shared image into place: N images cost almost no disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def make_images(folder: Path, variants: int = IMAGE_VARIANTS) -> list[Path]:
    """A few 800x1000 JPEG photos-alike (gradients and noise, ~60-100 kB each), made once."""
    from PIL import Image, ImageDraw, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for v in range(variants):
        path = folder / f"variant-{v}.jpg"
        paths.append(path)
        if path.exists():
            continue
        rng = random.Random(v)
        w, h = IMAGE_SIZE
        im = Image.effect_noise((w, h), 40 + 10 * v).convert("RGB")
        tint = Image.new("RGB", (w, h), tuple(rng.randrange(60, 220) for _ in range(3)))
        im = Image.blend(im, tint, 0.7)
        draw = ImageDraw.Draw(im)
        for _ in range(30):
            x, y = rng.randrange(w), rng.randrange(h)
            r = rng.randrange(20, 160)
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
        im = im.filter(ImageFilter.GaussianBlur(2))
        im.save(path, "JPEG", quality=80)
    return paths


# --- our format -------------------------------------------------------------------------------


def _qr_max_version(codes: list[str]) -> int | None:
    """The `qr.max_version` our build needs for the longest code (None: the default 2 is enough)."""
    try:
        import qrcode
        from qrcode.constants import ERROR_CORRECT_M
    except ImportError:
        return 3
    longest = max(codes, key=len, default="XM-D0001")
    q = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    q.add_data(f"{SHORT_BASE}Q/{longest}".upper())
    q.make(fit=True)
    return None if q.version <= 2 else q.version


def write_ours(root: Path, entries: list[Entry], images: list[Path]) -> None:
    codes = [e.code for e in entries if e.code]
    max_version = _qr_max_version(codes)
    qr = "qr:\n  error_correction: M\n" + (f"  max_version: {max_version}\n" if max_version else "")
    _write(
        root / "site.yaml",
        f"""# Synthetic benchmark corpus ({len(codes)} items), made by bench/corpus.py.
title: {{vi: "Búp bê Xín Mần", en: "Xín Mần Dolls"}}
tagline:
  vi: "Búp bê trang phục dân tộc và sản phẩm OCOP do thanh niên Xín Mần làm ra"
  en: "Dolls in ethnic costume and OCOP products made by the young people of Xín Mần"
base_url: "https://xinman.example.vn/"
short_base: "{SHORT_BASE}"
languages: [vi, en]
missing_translation: fallback
contact:
  organisation: {{vi: "HTX Búp bê Xín Mần (ví dụ)", en: "Xín Mần Doll Cooperative (example)"}}
  email: "lienhe@xinman.example.vn"
{qr}moved_codes: {{}}
""",
    )
    lines = ["ethnic_groups:"]
    lines += [f"  {k}: {{vi: {_q(vi)}, en: {_q(en)}}}" for k, (vi, en) in ETHNIC.items()]
    lines += ["ocop_groups:"]
    lines += [f"  {k}: {{vi: {_q(vi)}, en: {_q(en)}}}" for k, (vi, en) in OCOP.items()]
    lines += ["communes:"]
    lines += [f"  {k}: {{vi: {_q(v)}, en: {_q(v)}}}" for k, v in COMMUNES.items()]
    _write(root / "content" / "categories.yaml", "\n".join(lines) + "\n")
    for e in entries:
        folder = root / "content" / e.kind / e.slug
        if e.kind != "pages":
            facts = "".join(
                f"{k}: {_q(v) if isinstance(v, str) else v}\n" for k, v in e.facts.items()
            )
            _write(
                folder / "item.yaml",
                f"code: {e.code}\n{facts}images: [{e.image}]\n"
                f'links:\n  - {{kind: website, url: "https://shop.xinman.example.vn/{e.slug}"}}\n'
                f"updated: {DATE}\n",
            )
            _link(images[e.variant], folder / e.image)
        for lang, t in e.texts.items():
            head = f"title: {_q(t.title)}\n"
            if e.kind != "pages":
                head += f"summary: {_q(t.summary)}\nalt:\n  {e.image}: {_q(t.alt)}\n"
                key = "materials" if e.kind == "dolls" else "ingredients"
                head += f"{key}: [{', '.join(_q(x) for x in t.extra)}]\n"
            _write(folder / f"{lang}.md", f"---\n{head}---\n{t.body}")
    for name in ("templates", "locale"):
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, root / name, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.mo")
            )


def ours_source(root: Path, e: Entry, lang: str = "vi") -> Path:
    return root / "content" / e.kind / e.slug / f"{lang}.md"


# --- Hugo -------------------------------------------------------------------------------------

HUGO_TOML = """baseURL = "https://xinman.example.vn/"
defaultContentLanguage = "vi"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term", "rss"]
enableRobotsTXT = true

[languages.vi]
  label = "Tiếng Việt"
  title = "Búp bê Xín Mần"
  weight = 1
[languages.en]
  label = "English"
  title = "Xín Mần Dolls"
  weight = 2

[markup.goldmark.renderer]
  unsafe = false
"""

HUGO_BASEOF = """<!doctype html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Summary }}{{ . | plainify }}{{ end }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" \
href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>{{ range site.Home.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<nav aria-label="language">{{ range .Translations }}\
<a hreflang="{{ .Language.Lang }}" href="{{ .RelPermalink }}">{{ .Language.Label }}</a>\
{{ end }}</nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
"""

HUGO_LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">\
{{ with .Resources.GetMatch "*.jpg" }}<img src="{{ .RelPermalink }}" width="{{ .Width }}" \
height="{{ .Height }}" alt="" loading="lazy">{{ end }}<strong>{{ .Title }}</strong></a>
<p>{{ .Summary | plainify }}</p></li>
{{ end }}</ul>
{{ end }}
"""

HUGO_SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Resources.GetMatch "*.jpg" }}<img src="{{ .RelPermalink }}" width="{{ .Width }}" \
height="{{ .Height }}" alt="{{ $.Params.alt }}">{{ end }}
<p>{{ .Params.summary }}</p>
{{ with .Params.code }}<p>Code: {{ . }} · {{ lang.FormatNumber 0 $.Params.price }} ₫</p>{{ end }}
{{ with .Params.materials }}<ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
"""


def _yaml_front(fields: dict[str, object]) -> str:
    out = ["---"]
    for k, v in fields.items():
        if isinstance(v, list):
            out.append(f"{k}: [{', '.join(_q(str(x)) for x in v)}]")
        elif isinstance(v, str):
            out.append(f"{k}: {_q(v)}")
        else:
            out.append(f"{k}: {v}")
    out.append("---")
    return "\n".join(out) + "\n"


def write_hugo(root: Path, entries: list[Entry], images: list[Path]) -> None:
    _write(root / "hugo.toml", HUGO_TOML)
    layouts = root / "layouts" / "_default"
    _write(layouts / "baseof.html", HUGO_BASEOF)
    _write(layouts / "list.html", HUGO_LIST)
    _write(layouts / "single.html", HUGO_SINGLE)
    sections = {
        "dolls": ("Búp bê", "Dolls"),
        "ocop": ("Sản phẩm OCOP", "OCOP products"),
        "pages": ("Trang", "Pages"),
    }
    for lang_i, lang in enumerate(LANGS):
        _write(root / "content" / f"_index.{lang}.md", _yaml_front({"title": "Xín Mần"}))
        for sec, names in sections.items():
            _write(
                root / "content" / sec / f"_index.{lang}.md", _yaml_front({"title": names[lang_i]})
            )
    for e in entries:
        folder = root / "content" / e.kind / e.slug
        if e.image:
            _link(images[e.variant], folder / e.image)
        for lang, t in e.texts.items():
            front: dict[str, object] = {"title": t.title, "date": DATE}
            if e.kind != "pages":
                front.update(summary=t.summary, alt=t.alt, code=e.code, price=e.facts["price"])
                front["materials" if e.kind == "dolls" else "ingredients"] = t.extra
            _write(folder / f"index.{lang}.md", _yaml_front(front) + t.body)


def hugo_source(root: Path, e: Entry, lang: str = "vi") -> Path:
    return root / "content" / e.kind / e.slug / f"index.{lang}.md"


# --- Pelican ----------------------------------------------------------------------------------

PELICAN_CONF = """# Made by bench/corpus.py: Pelican's built-in translations (Lang: + same Slug).
AUTHOR = "HTX Xín Mần"
SITENAME = "Búp bê Xín Mần"
SITEURL = ""
PATH = "content"
TIMEZONE = "Asia/Ho_Chi_Minh"
DEFAULT_LANG = "vi"
DEFAULT_DATE = (2026, 11, 29)
STATIC_PATHS = ["images"]
ARTICLE_URL = "vi/{category}/{slug}/"
ARTICLE_SAVE_AS = "vi/{category}/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/{category}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{category}/{slug}/index.html"
PAGE_URL = "vi/pages/{slug}/"
PAGE_SAVE_AS = "vi/pages/{slug}/index.html"
PAGE_LANG_URL = "{lang}/pages/{slug}/"
PAGE_LANG_SAVE_AS = "{lang}/pages/{slug}/index.html"
CATEGORY_URL = "vi/{slug}/"
CATEGORY_SAVE_AS = "vi/{slug}/index.html"
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
RELATIVE_URLS = True
# The default "**/.*" also matches every path below bench/.work/ (a hidden folder), which
# makes --autoreload ignore all edits; the corpus has no hidden files to skip.
IGNORE_FILES = [".#*"]
# Pelican's own incremental mode: the parsed content is cached between runs.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


def _pelican_meta(fields: dict[str, str]) -> str:
    return "".join(f"{k}: {v}\n" for k, v in fields.items()) + "\n"


def write_pelican(root: Path, entries: list[Entry], images: list[Path]) -> None:
    _write(root / "pelicanconf.py", PELICAN_CONF)
    content = root / "content"
    for e in entries:
        image_name = f"{e.slug}.jpg"
        if e.image:
            _link(images[e.variant], content / "images" / image_name)
        for lang, t in e.texts.items():
            meta = {"Title": t.title, "Slug": e.slug, "Lang": lang, "Date": DATE}
            body = t.body
            if e.kind == "pages":
                path = content / "pages" / f"{e.slug}-{lang}.md"
            else:
                meta.update(Category=e.kind, Summary=t.summary, Code=e.code)
                meta["Price"] = str(e.facts["price"])
                key = "Materials" if e.kind == "dolls" else "Ingredients"
                meta[key] = ", ".join(t.extra)
                path = content / e.kind / f"{e.slug}-{lang}.md"
                body = f"![{t.alt}]({{static}}/images/{image_name})\n\n{body}"
            _write(path, _pelican_meta(meta) + body)


def pelican_source(root: Path, e: Entry, lang: str = "vi") -> Path:
    folder = "pages" if e.kind == "pages" else e.kind
    return root / "content" / folder / f"{e.slug}-{lang}.md"


# --- all three --------------------------------------------------------------------------------


def generate(out: Path, items: int, seed: int = 1, peers: bool = True) -> list[Entry]:
    """Write `out/ours` (and, with `peers`, `out/hugo` and `out/pelican`) from scratch."""
    entries = make_entries(items, seed)
    images = make_images(out / "_images")
    targets = [("ours", write_ours)]
    if peers:
        targets += [("hugo", write_hugo), ("pelican", write_pelican)]
    for name, writer in targets:
        if (out / name).exists():
            shutil.rmtree(out / name, ignore_errors=True)
            trash.note_deleted()  # (the next timed run waits: bench/trash.py)
        writer(out / name, entries, images)
    return entries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--items", type=int, default=2000, help="number of items (default 2000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).parent / ".work" / "corpus"))
    ap.add_argument("--ours-only", action="store_true", help="skip the Hugo and Pelican layouts")
    args = ap.parse_args(argv)
    entries = generate(Path(args.out), args.items, args.seed, peers=not args.ours_only)
    words = sum(len(e.texts["vi"].body.split()) for e in entries) / len(entries)
    print(f"{len(entries)} entries ({args.items} items) in {args.out}, ~{words:.0f} words (vi)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
