"""`site-builder new doll|ocop|page NAME`: a new item or page that builds as created.

The files are commented in Vietnamese and English, field by field. Every value only the
member can know is the placeholder `???` (a grey placeholder photo is generated, marked as
such inside the PNG): `check`, `build` and `serve` name each one still to fill
(`site_builder/content/placeholders.py`), so nothing made up is ever published.
The code is the next free one of its kind (XM-D.. for dolls, XM-P.. for OCOP products),
never one that is used, printed or moved already.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from site_builder.content import kinds
from site_builder.content.free_codes import next_code, quiet_yaml
from site_builder.content.placeholders import MARK
from site_builder.errors import SiteError
from site_builder.markdown import slugify
from site_builder.messages import Msg

PHOTO = "photo.png"


class ScaffoldError(SiteError):
    pass


@dataclass(frozen=True)
class Created:
    folder: Path
    files: tuple[str, ...]
    code: str | None


def create(root: Path, kind_word: str, name: str, today: dt.date | None = None) -> Created:
    own = kinds.by_word(kind_word)
    kind = own.name if own is not None else "pages"  # `new page`
    slug = slugify(name)
    if not slug:
        raise ScaffoldError(
            Msg(
                "'{name}' has no letters or digits to make a folder name from. "
                "Write a short name, e.g. bup-be-dao-do.",
                name=name,
            )
        )
    if not (root / "site.yaml").is_file():
        raise ScaffoldError(
            Msg(
                "there is no site.yaml in {root}. Run the command in the project folder, "
                "or pass --project.",
                root=str(root),
            )
        )
    folder = root / "content" / kind / slug
    if folder.exists():
        raise ScaffoldError(
            Msg(
                "content/{kind}/{slug}/ already exists; nothing was changed. "
                "Choose another name, or edit the files in that folder.",
                kind=kind,
                slug=slug,
            )
        )
    today = today or dt.date.today()
    languages = _languages(root)
    title = name.strip() if slugify(name.strip()) != name.strip() else _title(slug)
    files: dict[str, str | bytes] = {}
    code = None
    if kind != "pages":
        code = next_code(root, kind)
        categories = _categories(root)
        files["item.yaml"] = item_yaml(kind, code, categories, today)
        files[PHOTO] = placeholder_png()
    for i, lang in enumerate(languages):
        files[f"{lang}.md"] = text_md(kind, lang, title, source=languages[0], first=i == 0)
    folder.mkdir(parents=True)
    for fname, data in files.items():
        path = folder / fname
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return Created(folder, tuple(files), code)


# --- codes --------------------------------------------------------------------------


def _languages(root: Path) -> list[str]:
    data = quiet_yaml(root / "site.yaml")
    langs = data.get("languages") if isinstance(data, dict) else None
    if isinstance(langs, list) and langs and all(isinstance(x, str) for x in langs):
        return langs
    return ["vi", "en"]


def _categories(root: Path) -> dict[str, str]:
    """The first key of each category table, as a placeholder that validates."""
    data = quiet_yaml(root / "content" / "categories.yaml")
    data = data if isinstance(data, dict) else {}
    fallback = {k.group_table: k.group_example for k in kinds.all_kinds()}
    fallback["communes"] = "xin-man"
    out = {}
    for table, default in fallback.items():
        keys = data.get(table)
        out[table] = str(next(iter(keys))) if isinstance(keys, dict) and keys else default
    return out


def _title(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- file templates -------------------------------------------------------------------


def item_yaml(kind: str, code: str, categories: dict[str, str], today: dt.date) -> str:
    head = f"""\
# Thông tin không cần dịch — Facts that need no translation.
# Dòng bắt đầu bằng # là ghi chú, không hiện trên trang. Lines starting with # are notes.

# Mã cố định, in trên hộp và mã QR. Đừng đổi sau khi đã in.
# Permanent code, printed on the box and in the QR code. Never change it once printed.
code: {code}
"""
    middle = kinds.get(kind).scaffold_yaml(categories, today)
    tail = f"""
# Ảnh, đặt trong thư mục này (jpg, png, webp, svg). photo.png chỉ là ảnh tạm: hãy thay bằng ảnh thật.
# Images in this folder (jpg, png, webp, svg). photo.png is a placeholder: replace it with a real photo.
images: [{PHOTO}]

# Không bắt buộc — Optional:
# Nơi bán trên mạng. Shop links (kinds: voso sendo postmart facebook zalo website phone).
# links:
#   - {{kind: facebook, url: "https://www.facebook.com/..."}}
# Ngày cập nhật. Date of the last update (YYYY-MM-DD).
updated: {today.isoformat()}
"""
    return head + middle + tail


_TEXT_VI = {
    "head": "Phần giữa hai dòng --- là các trường; phần dưới là câu chuyện (Markdown).\n"
    "# The part between the --- lines holds the fields; below it is the story (Markdown).",
    "title": "Tên hiển thị trên trang. The name shown on the page.",
    "summary": "Một hai câu cho danh sách và bản xem trước. One or two sentences for lists.",
    "alt": "Mô tả mỗi ảnh bằng lời, cho người không nhìn thấy ảnh.\n"
    "# Describe every image in words, for people who cannot see it.",
    "order": "Thứ tự trong menu (số nhỏ đứng trước). Position in menus (small first).",
}

_TEXT_EN = {
    "head": "The part between the --- lines holds the fields; below it is the story (Markdown).\n"
    "# Phần giữa hai dòng --- là các trường; phần dưới là câu chuyện (Markdown).",
    "title": "The name shown on the page. Tên hiển thị trên trang.",
    "summary": "One or two sentences for lists and previews. Một hai câu cho danh sách.",
    "alt": "Describe every image in words, for people who cannot see it.\n"
    "# Mô tả mỗi ảnh bằng lời, cho người không nhìn thấy ảnh.",
    "order": "Position in menus, small numbers first (optional). Thứ tự trong menu.",
}

_PLACEHOLDER = {
    "vi": {
        "summary": "??? Một hai câu giới thiệu (thay câu này).",
        "alt": "??? Ảnh tạm, hãy thay bằng ảnh thật",
        "body": "??? Viết câu chuyện ở đây: ai làm, làm thế nào, có gì đặc biệt.",
        "list": "???",
        "page": "??? Viết nội dung của trang ở đây.",
    },
    "en": {
        "summary": "??? One or two sentences of introduction (replace this one).",
        "alt": "??? Placeholder image, replace it with a real photo",
        "body": "??? Write the story here: who made it, how, and what is special about it.",
        "list": "???",
        "page": "??? Write the page's text here.",
    },
}


def text_md(kind: str, lang: str, title: str, *, source: str, first: bool) -> str:
    notes = _TEXT_VI if lang == "vi" else _TEXT_EN
    ph = _PLACEHOLDER.get(lang, _PLACEHOLDER["en"])
    lines = ["---", f"# {notes['head']}"]
    if not first:
        lines.append(
            f"# Bản dịch từ {source}.md. Dịch xong, chạy: site-builder check --mark-translated "
            f"<tệp này>.\n# A translation of {source}.md. When done, run: site-builder check "
            "--mark-translated <this file>."
        )
    # (a translation starts as the source language's title, marked: `check` refuses it
    # until it is translated, as every other '???')
    shown = title if first else f"{MARK} {title}"
    lines += [f"# {notes['title']}", f"title: {_quote(shown)}"]
    if kind == "pages":
        lines += [f"# {notes['order']}", "order: 10"]
    else:
        lines += [f"# {notes['summary']}", f"summary: {_quote(ph['summary'])}"]
        lines += [f"# {notes['alt']}", "alt:", f"  {PHOTO}: {_quote(ph['alt'])}"]
        lines += kinds.get(kind).scaffold_text(lang, ph["list"])
    body = ph["body"] if kind != "pages" else ph["page"]
    lines += ["---", body, ""]
    return "\n".join(lines)


def placeholder_png() -> bytes:
    """A 600x400 grey picture with a simple doll outline: clearly not a real photo."""
    import io

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (600, 400), (226, 226, 222))
    d = ImageDraw.Draw(im)
    d.rectangle((8, 8, 591, 391), outline=(160, 160, 156), width=4)
    d.ellipse((270, 70, 330, 130), outline=(130, 130, 126), width=6)
    d.polygon([(300, 135), (230, 330), (370, 330)], outline=(130, 130, 126), width=6)
    d.line((20, 20, 580, 380), fill=(200, 200, 196), width=2)
    d.line((580, 20, 20, 380), fill=(200, 200, 196), width=2)
    from PIL.PngImagePlugin import PngInfo

    from site_builder.content.placeholders import PHOTO_KEY, PHOTO_VALUE

    info = PngInfo()
    info.add_text(PHOTO_KEY, PHOTO_VALUE)
    buf = io.BytesIO()
    im.save(buf, "PNG", optimize=True, pnginfo=info)
    return buf.getvalue()
