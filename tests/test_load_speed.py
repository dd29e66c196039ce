"""The shortcuts that make loading fast give exactly what the plain way gives.

- Markdown: the one reused converter renders byte for byte like a freshly constructed
  one, and the reused nh3 sanitiser cleans exactly like `nh3.clean` with our lists.
- YAML: scalars are built without PyYAML's per-node memo, with the same values and the
  same errors, and no parsed node is kept alive afterwards.
- Images: the real path of a plain file is found without resolving every parent again.

No timings here: the speed itself is measured by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
from pathlib import Path

import markdown as md
import nh3
import pytest
import yaml

from site_builder import cache
from site_builder import markdown as sm
from site_builder.content import images
from site_builder.content.yamlsource import (
    _scalar_loader,
    parse_yaml,
    read_text,
    split_front_matter,
)
from site_builder.errors import ContentError

REPO = Path(__file__).resolve().parents[1]

SYNTHETIC = [
    "",
    "plain text",
    "# Title\n\nText with *em*, **strong**, `code` and a [link](https://example.vn/).",
    "# One\n## Two\n### Three\n\n<h1>raw</h1>\n",
    "- a\n- b\n\n1. one\n2. two\n\n3) three\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "Term\n:   Definition\n",
    "```python\nprint('<x>')\n```\n\n    indented code\n",
    "Footnote[^1].\n\n[^1]: The note.\n",
    "*[HTML]: Hyper Text\n\nHTML is an abbreviation.",
    '<div markdown="1">*inside*</div>\n\n<script>alert(1)</script>\n',
    '<a href="javascript:alert(1)" onclick="x()">x</a> <img src=x onerror=alert(2)>',
    "Line with two spaces  \nbreak, &amp; entity, &copy; <https://example.vn> <a@b.vn>",
    "{: #id } para\n{: .cls }\n\n![alt](doll.jpg){: width=10 }",
    "> quote\n> > nested\n\n---\n\n* * *\n",
    "Tiếng Việt: Búp bê Đồng Văn — “ngoặc” … ½",
    '[ref][r] and ![img][r]\n\n[r]: https://example.vn/ "Title"',
    "\\*not em\\* and __strong__ and _em_ and ***both***",
    "\n".join(f"{'  ' * (i % 4)}- item {i}" for i in range(40)),
]


def _stories() -> list[str]:
    texts = list(SYNTHETIC)
    for path in sorted((REPO / "content").glob("*/*/*.md")):
        texts.append(split_front_matter(read_text(path), path)[2])
    rng = random.Random(7)
    words = ["*", "**", "_", "`", "[", "](", ")", "<b>", "</b>", "#", "- ", "1. ", "\n", "\n\n"]
    words += ["chè", "búp bê", "https://example.vn/", "&", "|", ">", "    ", "~~~", "{: .x}"]
    for _ in range(40):
        texts.append("".join(rng.choice(words) for _ in range(rng.randint(5, 80))))
    return texts


def _nh3_clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=sm.ALLOWED_TAGS,
        attributes=sm.ALLOWED_ATTRIBUTES,
        url_schemes=sm.URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _fresh(text: str) -> str:
    """What a story rendered with everything made anew for it would be."""
    converter = md.Markdown(extensions=sm.EXTENSIONS, output_format="html")
    return _nh3_clean(sm._demote_h1(converter.convert(text)))


STORIES = _stories()


def test_the_sample_content_has_stories() -> None:
    assert len(STORIES) > len(SYNTHETIC) + 40 + 8


def test_the_reused_converter_renders_like_a_fresh_one() -> None:
    expected = [_fresh(t) for t in STORIES]
    assert [sm.render_markdown(t) for t in STORIES] == expected
    # and again, in another order, so no state leaks from one story into the next
    assert [sm.render_markdown(t) for t in reversed(STORIES)] == expected[::-1]


def test_the_reused_sanitiser_cleans_like_nh3_clean() -> None:
    hostile = [
        '<a href="javascript:alert(1)" onclick="x()" title="t">x</a>',
        '<img src="x" onerror="alert(2)" width="3"><svg onload="alert(3)"></svg>',
        "<!-- note --><style>p{}</style><iframe src=x></iframe><p lang=vi id=a class=b>c</p>",
        '<a href="https://example.vn/" rel="opener">ok</a><a href="tel:0912345678">t</a>',
        "<table><tr><td colspan=2 style='x'>1</td></tr></table><details><summary>s",
    ]
    for html in hostile + [
        sm._demote_h1(md.markdown(t, extensions=sm.EXTENSIONS)) for t in STORIES
    ]:
        assert sm.sanitize(html) == _nh3_clean(html)


def test_a_cached_story_is_still_sanitised(tmp_path: Path) -> None:
    with cache.using(cache.BuildCache(tmp_path)) as memo:
        assert memo is not None
        assert sm.render_markdown("*x*") == "<p><em>x</em></p>"
        memo.markdown.put(cache.digest("*x*"), "<p>x</p><script>alert(1)</script>")
        assert sm.render_markdown("*x*") == "<p>x</p>"


def test_a_clean_story_is_one_string_in_the_model_and_the_table(tmp_path: Path) -> None:
    """Sanitising that changes nothing gives back the converter's own string, so the
    loaded item and the build cache's Markdown table hold one copy (also through a worker's
    pickle, which keeps one object once); a story the sanitiser changed has its own."""
    with cache.using(cache.BuildCache(tmp_path)) as memo:
        assert memo is not None
        clean = sm.render_markdown("Áo *chàm* của người Mông")
        assert clean is memo.markdown.get(cache.digest("Áo *chàm* của người Mông"))
        hostile = sm.render_markdown('<a href="javascript:x()">a</a> b')
        kept = memo.markdown.get(cache.digest('<a href="javascript:x()">a</a> b'))
        assert hostile != kept and "javascript" in kept and "javascript" not in hostile


# --- YAML -------------------------------------------------------------------------------

SCALARS = """\
s: text
q: "quoted: text"
i: 42
h: 0x1F
o: 0o17
u: 1_000
f: 2.5
e: 1e3
inf: .inf
b1: yes
b2: false
n1: ~
n2: null
n3:
d: 2026-06-01
t: 2026-06-01 10:30:00
bin: !!binary aGVsbG8=
str: !!str 5
int: !!int "7"
list: [1, "2", 3.0, no, 2026-01-02]
nested: {a: {b: [x, {c: 1}]}}
anchor: &a [1, 2]
alias: *a
"""


def test_scalars_are_what_pyyaml_makes_of_them() -> None:
    data, lines = parse_yaml(SCALARS, Path("x.yaml"))
    assert data == yaml.safe_load(SCALARS)
    assert data["d"] == dt.date(2026, 6, 1) and data["bin"] == b"hello"
    assert lines.line(("nested", "a", "b", 1, "c")) == 21
    assert not _scalar_loader.constructed_objects and not _scalar_loader.recursive_objects


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !foo x", "could not determine a constructor for the tag '!foo'"),
        ("a: !!set x", "expected a mapping node, but found scalar"),
        ("a: !!python/name:os.system x", "could not determine a constructor for the tag"),
        ("a: !!int abc", "invalid literal for int() with base 10: 'abc'"),
        ("a: 2026-02-30", "day is out of range for month"),
    ],
)
def test_unusual_tags_give_the_same_errors(text: str, message: str) -> None:
    with pytest.raises(ContentError) as info:
        parse_yaml(text, Path("x.yaml"), offset=2)
    assert info.value.line == 3 and message in str(info.value)
    assert not _scalar_loader.constructed_objects and not _scalar_loader.recursive_objects


# --- images -----------------------------------------------------------------------------


def _png(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (3, 2)).save(path)


def test_an_image_path_is_the_resolved_path(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()  # e.g. /tmp behind a link
    real = tmp_path / "real"
    (real / "doll").mkdir(parents=True)
    _png(real / "doll/a.png")
    (tmp_path / "linked").symlink_to(real)  # the content folder itself behind a link
    for folder in (real / "doll", tmp_path / "linked/doll", tmp_path / "linked/../real/doll"):
        image = images.load_image(folder, "a.png")
        assert image.path == (folder / "a.png").resolve() == real / "doll/a.png"
        assert (image.width, image.height) == (3, 2)


def test_a_link_inside_the_folder_resolves_to_its_target(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()  # e.g. /tmp behind a link
    (tmp_path / "sub").mkdir()
    _png(tmp_path / "sub/a.png")
    os.symlink(tmp_path / "sub/a.png", tmp_path / "b.png")
    assert images.load_image(tmp_path, "b.png").path == tmp_path / "sub/a.png"
    assert images.load_image(tmp_path, "sub/a.png").path == tmp_path / "sub/a.png"


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()  # e.g. /tmp behind a link
    (tmp_path / "doll").mkdir()
    _png(tmp_path / "secret.png")
    os.symlink(tmp_path / "secret.png", tmp_path / "doll/a.png")
    with pytest.raises(images.Problem, match="is a link to a file outside this folder"):
        images.load_image(tmp_path / "doll", "a.png")


FEATURES = """## Áo chàm

Term
: Definition, *in italics*

| màu | nghĩa |
|---|---|
| chàm | trời |

```python
x = 1
```

A note[^1] about HTML {: .lead }

[^1]: Ghi chú.

*[HTML]: HyperText Markup Language

<div markdown="1">*inside*</div>

1. one
2. two

* three
"""


def test_the_converter_is_python_markdowns_extra_and_sane_lists() -> None:
    """The converter is made from Python-Markdown's extension modules (not looked up by
    name among every package's entry points): the same HTML as by name."""
    by_name = md.Markdown(extensions=sm.EXTENSIONS, output_format="html")
    for story in [FEATURES, *STORIES]:
        by_name.reset()
        ours = sm._converter()
        ours.reset()
        assert ours.convert(story) == by_name.convert(story)


def test_making_the_converter_reads_no_package_metadata() -> None:
    script = (
        "import sys\nfrom site_builder import markdown\n"
        "markdown.render_markdown('*x*')\nprint('importlib.metadata' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_build_with_nothing_to_do_reads_no_kinds_and_the_help_still_lists_them(
    minimal: Path,
) -> None:
    """The command line describes `new` (the kinds' words: content/kinds.py, which imports
    the schema, PyYAML and Babel) only when `new` runs or help is asked for: the `build`
    command's parser imports none of them. A build that finds nothing changed reads
    nothing an update would (it imports the update's modules while another process looks
    for the changes: preview/quick.py) and forks no pool. The commands and their help stay
    the same."""
    from site_builder import cli
    from tests.helpers import cli_then, run_cli

    parser_only = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom site_builder import cli\ncli.parser('build')\n"
            "print('site_builder.content.kinds' in sys.modules, 'yaml' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert parser_only.stdout.split() == ["False", "False"], parser_only.stderr
    assert run_cli(minimal, "build", "--no-pdf").code == 0
    setup = (
        "import site_builder.content.itemcache as ic\n"
        "reads = []\n"
        "_read = ic._read_file\n"
        "ic._read_file = lambda path: reads.append(path) or _read(path)\n"
    )
    show = "len(reads), 'multiprocessing' in sys.modules"  # (parallel.py: only to fork)
    code, out, shown = cli_then(minimal, show, "build", "--no-pdf", setup=setup)
    assert (code, shown) == (0, "(0, False)") and "Nothing changed" in out

    def commands(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        (sub,) = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        return dict(sub.choices)

    assert sorted(commands(cli.parser("build"))) == sorted(commands(cli.parser()))
    assert "create a new item (doll, ocop) or page" in " ".join(cli.parser().format_help().split())
    assert "{doll,ocop,page}" in commands(cli.parser("new"))["new"].format_help()
    assert cli.verb_of(["--project", "x", "--lang", "vi", "--verbose", "build"]) == "build"
    assert cli.verb_of(["--project=x", "check", "--lang", "vi"]) == "check"
    assert cli.verb_of(["--version"]) is None and cli.verb_of(["--project", "x"]) is None


def test_photos_remembered_are_not_opened_and_pillow_heif_is_not_imported(
    minimal: Path,
) -> None:
    """A build after a story edit loads that item again; its photo's check is remembered
    (content/images.py `_memo`), so content/raster.py (Pillow, pillow-heif) is not
    imported for it: what a check says lives in content/photo_limits.py."""
    from tests.helpers import cli_then, run_cli

    assert run_cli(minimal, "build", "--no-pdf").code == 0
    story = minimal / "content/dolls/hmong/vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    show = "'site_builder.content.raster' in sys.modules, 'pillow_heif' in sys.modules"
    for command in (["build", "--no-pdf"], ["check"]):
        code, out, imported = cli_then(minimal, show, *command)
        assert (code, imported) == (0, "(False, False)"), (command, out)


def test_a_photo_check_is_remembered_in_one_whole_file_and_a_damaged_one_is_redone(
    minimal: Path,
) -> None:
    """One memo per photo checked (content/images.py `_remember`: a temporary file
    renamed over it, none left behind); a memo that cannot be read is not trusted: the
    photo is decoded again and the memo written anew."""
    import json
    import os

    from site_builder.content.loader import load_site

    for photo in (minimal / "content").rglob("*.png"):  # (settled: older than 2 s)
        os.utime(photo, ns=(photo.stat().st_atime_ns, photo.stat().st_mtime_ns - 10**10))
    load_site(minimal)
    folder = minimal / ".site-builder-cache/images/checked"
    memos = sorted(folder.iterdir())
    assert len(memos) == 2  # the two photos of the minimal project
    assert all(len(m.name) == 64 and not m.name.endswith(".tmp") for m in memos)
    facts = [json.loads(m.read_bytes()) for m in memos]
    assert all(isinstance(w, int) and isinstance(h, int) and w > 0 < h for w, h, _ in facts)
    for memo in memos:
        memo.write_bytes(b'[1, "')  # cut short
    site = load_site(minimal)
    assert sorted(im.width for item in site.items for im in item.images) == sorted(
        w for w, _h, _a in facts
    )
    assert sorted(json.loads(m.read_bytes()) for m in memos) == sorted(facts)
    assert sorted(folder.iterdir()) == memos


def test_a_build_keeps_its_photo_checks_in_the_cache_table_not_a_file_each(
    minimal: Path,
) -> None:
    """With a build cache, a photo's check is two entries of the photos table (by identity
    and by content: content/images.py `_memo_in_table`), not two memo files renamed into
    place; a build whose items all came from the item cache keeps them (`photo_digest`),
    so an item edited after it is not decoded again."""
    from site_builder.cache import BuildCache
    from site_builder.content.images import content_key, facts_key, photo_digest
    from tests.helpers import cli_then, run_cli

    assert run_cli(minimal, "build", "--no-pdf").code == 0
    assert not (minimal / ".site-builder-cache/images/checked").exists()
    photos = sorted((minimal / "content").rglob("*.png"))
    table = BuildCache(minimal).photos.data
    for photo in photos:
        st = photo.stat()
        identity = f"{photo}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"
        from PIL import Image as PILImage

        with PILImage.open(photo) as im:
            size = list(im.size)
        digest = table[identity]
        assert digest == photo_digest(photo)
        assert table[facts_key(identity)][:2] == table[content_key(digest)][:2] == size
    base = minimal / "templates/base.html"  # every page again; every item from the item cache
    base.write_text(base.read_text(encoding="utf-8") + "{# changed #}\n", encoding="utf-8")
    assert run_cli(minimal, "build", "--no-pdf").code == 0
    kept = BuildCache(minimal).photos.data
    assert {k: v for k, v in kept.items() if k.startswith("checked")} == {
        k: v for k, v in table.items() if k.startswith("checked")
    }
    story = minimal / "content/dolls/hmong/vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nMột câu mới.\n", encoding="utf-8")
    code, out, imported = cli_then(minimal, "'site_builder.content.raster' in sys.modules", "check")
    assert (code, imported) == (0, "False"), out


def test_a_memo_file_made_without_a_build_cache_serves_a_build(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a command without a build cache remembered (a memo file per photo: the live
    preview's updates) spares a command with one its decoding too, and goes into its
    table."""
    from site_builder.cache import BuildCache, using
    from site_builder.content import raster
    from site_builder.content.loader import load_site

    load_site(minimal)  # (no build cache in use)
    assert len(list((minimal / ".site-builder-cache/images/checked").iterdir())) == 2
    decoded: list[Path] = []
    real = raster.inspect
    monkeypatch.setattr(raster, "inspect", lambda path: decoded.append(path) or real(path))
    memo = BuildCache(minimal)
    with using(memo):
        load_site(minimal)
    memo.save(None)
    assert decoded == []
    checked = [k for k in BuildCache(minimal).photos.data if k.startswith("checked")]
    assert len(checked) == 4  # two photos, each by identity and by content


def test_a_photo_checked_before_under_another_name_is_hashed_not_decoded(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A photo whose content was checked before (content/images.py `_content_memo`): the
    same photo in two items, or a project copied to another folder with new time stamps
    (as a copy to another computer makes them), is hashed and not decoded again; a photo
    whose bytes changed is decoded."""
    import shutil

    from PIL import Image as PILImage

    from site_builder.build import build
    from site_builder.content import raster

    decoded: list[str] = []
    real = raster.inspect

    def counting(path: Path) -> object:
        decoded.append(path.name)
        return real(path)

    monkeypatch.setattr(raster, "inspect", counting)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # count in this process, not in workers

    def built(root: Path) -> dict[str, bytes]:
        for photo in (root / "content").rglob("*.png"):  # (settled: older than 2 s)
            os.utime(photo, ns=(photo.stat().st_atime_ns, photo.stat().st_mtime_ns - 10**10))
        decoded.clear()
        build(root, with_print=False)
        return {p.name: p.read_bytes() for p in (root / "output/media").rglob("*.jpg")}

    doll, tea = minimal / "content/dolls/hmong/doll.png", minimal / "content/ocop/tea/tea.png"
    shutil.copyfile(doll, tea)  # the same photo in two items: decoded once
    first = built(minimal)
    assert len(decoded) == 1, decoded

    copy = tmp_path / "copied"
    shutil.copytree(minimal, copy)  # new paths, inodes and (below) time stamps
    assert built(copy) == first
    assert decoded == []

    with PILImage.open(doll) as im:  # other bytes: decoded
        im.rotate(90, expand=True).save(copy / "content/dolls/hmong/doll.png")
    changed = built(copy)
    assert decoded == ["doll.png"]
    assert changed != first


def test_the_item_cache_pickler_is_freed_without_the_collector() -> None:
    """A build runs with the collector frozen: a pickler in a reference cycle would keep
    the whole written file and its memo until the command ends (~20 MB at 2,000 items).
    Paths are still written as their folder and name, one object per folder."""
    import gc
    import io
    import weakref
    from pathlib import Path, PurePosixPath

    from site_builder.content import itemcache

    value = [Path("/a/b/x.jpg"), Path("/a/b/y.jpg"), PurePosixPath("/c/d"), Path("/"), Path(".")]
    was = gc.isenabled()
    gc.disable()
    try:
        pickler = itemcache._Pickler(io.BytesIO())
        pickler.dump(value)
        gone = weakref.ref(pickler)
        del pickler
        assert gone() is None
    finally:
        if was:
            gc.enable()
    body = itemcache._dumps(value)
    back = itemcache._Unpickler(io.BytesIO(body)).load()
    assert back == value and [type(p) for p in back] == [type(p) for p in value]
    assert b"_child" in body and body.count(b"x.jpg") == 1
