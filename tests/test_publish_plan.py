"""The publish plan (pure) and the site as objects (headers, short-URL keys), no server."""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from site_builder.publish.files import LocalFile, aliases, cache_control, content_type, scan
from site_builder.publish.plan import Record, Remote, State, make_plan


def local(key: str, data: bytes = b"x", kind: str = "text/html; charset=utf-8") -> LocalFile:
    return LocalFile(
        key=key,
        rel=key,
        path=Path("/nonexistent") / key,
        size=len(data),
        md5=hashlib.md5(data).hexdigest(),
        content_type=kind,
        cache_control="public, max-age=300",
    )


def remote_of(f: LocalFile, md5: str | None = None) -> Remote:
    return Remote(f.key, md5 or f.md5, f.size)


def record_of(f: LocalFile) -> Record:
    return Record(f.md5, f.size, f.headers)


CSS = "text/css; charset=utf-8"


def test_first_publish_uploads_everything_assets_before_pages_before_landings() -> None:
    files = [
        local("Q/XM-D01"),
        local("vi/index.html"),
        local("assets/site.css", kind=CSS),
        local("media/dolls/a/a-640.webp", b"img", "image/webp"),
    ]
    plan = make_plan({f.key: f for f in files}, {}, State())
    assert [f.key for f in plan.new] == [f.key for f in files]
    assert plan.changed == [] and plan.delete == [] and plan.foreign == []
    assert [[f.key for f in phase] for phase in plan.phases()] == [
        ["assets/site.css", "media/dolls/a/a-640.webp"],
        ["vi/index.html"],
        ["Q/XM-D01"],
    ]
    assert plan.upload_bytes == 1 + 1 + 1 + 3


def test_unchanged_needs_listing_record_and_file_to_agree() -> None:
    page, css = local("vi/index.html", b"v1"), local("assets/site.css", b"c", CSS)
    listing = {f.key: remote_of(f) for f in (page, css)}
    state = State(files={f.key: record_of(f) for f in (page, css)})
    plan = make_plan({page.key: page, css.key: css}, listing, state)
    assert plan.unchanged == 2 and plan.uploads == []

    edited = local("vi/index.html", b"v2")
    plan = make_plan({edited.key: edited, css.key: css}, listing, state)
    assert [f.key for f in plan.changed] == ["vi/index.html"] and plan.unchanged == 1

    # the manifest says v1 but the bucket holds something else: verified, re-sent
    tampered = {**listing, page.key: remote_of(page, md5="0" * 32)}
    plan = make_plan({page.key: page, css.key: css}, tampered, state)
    assert [f.key for f in plan.changed] == ["vi/index.html"]

    # a manifest entry whose object is gone from the bucket: sent again as new
    plan = make_plan({page.key: page, css.key: css}, {css.key: listing[css.key]}, state)
    assert [f.key for f in plan.new] == ["vi/index.html"]


def test_changed_headers_resend_the_file() -> None:
    page = local("vi/index.html")
    old = Record(page.md5, page.size, "text/html|public, max-age=86400|")
    plan = make_plan({page.key: page}, {page.key: remote_of(page)}, State(files={page.key: old}))
    assert [f.key for f in plan.changed] == ["vi/index.html"]


def test_gone_files_are_deleted_and_foreign_files_reported() -> None:
    keep, gone = local("vi/index.html"), local("vi/dolls/old/index.html")
    listing = {f.key: remote_of(f) for f in (keep, gone)}
    listing["backup/old.zip"] = Remote("backup/old.zip", "a" * 32, 10)
    listing["vi/index.html.bak"] = Remote("vi/index.html.bak", "b" * 32, 10)
    state = State(files={f.key: record_of(f) for f in (keep, gone)})
    plan = make_plan({keep.key: keep}, listing, state)
    assert plan.delete == ["vi/dolls/old/index.html"]
    assert plan.foreign == ["backup/old.zip", "vi/index.html.bak"]
    assert plan.foreign_gone == plan.foreign
    assert plan.unchanged == 1


def test_a_foreign_file_at_a_site_key_is_foreign_not_unchanged() -> None:
    page = local("vi/index.html")
    plan = make_plan({page.key: page}, {page.key: remote_of(page)}, State())
    assert plan.foreign == ["vi/index.html"] and plan.foreign_gone == []
    assert [f.key for f in plan.changed] == ["vi/index.html"] and plan.unchanged == 0


def test_an_interrupted_publish_is_resumed_from_pending_and_retired() -> None:
    """Killed mid-upload: pending.json names the new files already sent (ours, not foreign,
    and unchanged when the bucket holds them). Killed while deleting: `retired` keys are
    still ours and are deleted by the next run."""
    old_page = local("vi/index.html", b"v1")
    new_page = local("vi/index.html", b"v2")
    new_item = local("vi/dolls/new/index.html", b"n")
    left = local("vi/dolls/gone/index.html", b"g")
    state = State(
        files={old_page.key: record_of(old_page)},
        retired=frozenset({left.key}),
        pending={new_item.key: record_of(new_item), new_page.key: record_of(new_page)},
    )
    listing = {
        new_item.key: remote_of(new_item),  # sent before the kill
        old_page.key: remote_of(old_page),  # not yet replaced
        left.key: remote_of(left),
    }
    plan = make_plan({new_page.key: new_page, new_item.key: new_item}, listing, state)
    assert plan.foreign == []
    assert plan.new == []
    assert [f.key for f in plan.changed] == ["vi/index.html"]
    assert plan.unchanged == 1
    assert plan.delete == ["vi/dolls/gone/index.html"]


def test_state_from_damaged_json_is_empty_not_an_error() -> None:
    state = State.from_json({"files": {"a": {"md5": "x"}, "b": "nonsense"}}, ["not", "a", "dict"])
    assert state.files == {} and state.pending == {} and state.retired == frozenset()
    state = State.from_json({"files": {"a": {"md5": "m", "size": 3, "headers": "h"}}}, None)
    assert state.files == {"a": Record("m", 3, "h")}


def test_content_types_cache_control_and_landing_keys() -> None:
    assert content_type("vi/index.html") == "text/html; charset=utf-8"
    assert content_type("assets/site.css") == "text/css; charset=utf-8"
    assert content_type("assets/lang.js") == "text/javascript; charset=utf-8"
    assert content_type("qr/XM-D01.svg") == "image/svg+xml; charset=utf-8"
    assert content_type("media/dolls/a/a-640.webp") == "image/webp"
    assert content_type("sitemap.xml") == "application/xml; charset=utf-8"
    assert content_type("print/stickers.pdf") == "application/pdf"
    assert content_type("sitemap.xml.gz") == "application/gzip"  # not text/xml
    html = content_type("vi/index.html")
    assert cache_control("vi/index.html", html) == "public, max-age=300"
    assert cache_control("sitemap.xml", "application/xml") == "public, max-age=300"
    assert cache_control("assets/site.3f9a01bc.css", CSS) == "public, max-age=31536000, immutable"
    assert cache_control("media/dolls/a/doll-640.webp", "image/webp") == "public, max-age=604800"
    assert cache_control("media/dolls/a/tea-20260601.jpg", "image/jpeg") == (
        "public, max-age=604800"
    )  # a date is not a hash
    assert cache_control("assets/site.css", CSS) == "public, max-age=86400"
    assert aliases("Q/XM-D01.html") == ["Q/XM-D01", "Q/xm-d01", "q/XM-D01", "q/xm-d01"]
    assert aliases("01/08930000000019.html") == ["01/08930000000019"]
    assert aliases("vi/index.html") == []


def test_scan_sends_a_verified_gzip_copy_and_never_the_copies_themselves(tmp_path: Path) -> None:
    out = tmp_path / "output"
    (out / "assets").mkdir(parents=True)
    css = b"body{color:#222}" * 50
    (out / "assets" / "site.css").write_bytes(css)
    (out / "assets" / "site.css.gz").write_bytes(gzip.compress(css))
    (out / "assets" / "site.css.br").write_bytes(b"brotli bytes")
    (out / "index.html").write_bytes(b"<!doctype html><title>x</title>")
    (out / "index.html.gz").write_bytes(gzip.compress(b"stale copy"))  # not the same bytes
    (out / "Q").mkdir()
    (out / "Q" / "XM-D01.html").write_bytes(b"<!doctype html><title>landing</title>")
    (out / "Q" / "XM-D01").mkdir()  # the web servers' copy: not with an object Q/XM-D01
    (out / "Q" / "XM-D01" / "index.html").write_bytes(b"<!doctype html><title>landing</title>")
    (out / ".site-builder-output").write_text("the build's marker")
    (out / ".well-known").mkdir()
    (out / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.vn\n")
    (out / ".cache").mkdir()
    (out / ".cache" / "x.html").write_text("not for the web")
    (out / "vi" / "dolls" / "x").mkdir(parents=True)
    (out / "vi" / "dolls" / "x" / "index.html").write_bytes(b"<!doctype html><title>x</title>")

    objects = scan(out, "site/")
    assert sorted(objects) == [
        "site/.well-known/security.txt",
        "site/Q/XM-D01",
        "site/Q/XM-D01.html",
        "site/Q/xm-d01",
        "site/assets/site.css",
        "site/index.html",
        "site/q/XM-D01",
        "site/q/xm-d01",
        "site/vi/dolls/x/index.html",
    ]
    sent = objects["site/assets/site.css"]
    assert sent.encoding == "gzip" and sent.path.name == "site.css.gz"
    assert gzip.decompress(sent.path.read_bytes()) == css
    assert sent.md5 == hashlib.md5(sent.path.read_bytes()).hexdigest()
    assert objects["site/index.html"].encoding is None  # the stale copy is ignored
    assert objects["site/index.html"].path.name == "index.html"
    plain = scan(out, "", compressed="none")["assets/site.css"]
    assert plain.encoding is None and plain.size == len(css)
    landing = objects["site/q/xm-d01"]
    assert landing.content_type == "text/html; charset=utf-8"
    assert landing.path == out / "Q" / "XM-D01.html"


def test_the_docs_publish_examples_are_accepted_as_written(tmp_path: Path) -> None:
    """docs/deploy.md's site.yaml blocks (Vietnamese and English), pasted as a member
    would: `prefix: ""` there means the bucket itself (it was refused as empty text)."""
    import re

    from site_builder.config import load_config
    from site_builder.publish.targets import load_targets
    from tests.helpers import copy_project

    docs = (Path(__file__).parent.parent / "docs/deploy.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", docs, re.S) if "publish:" in b]
    assert len(blocks) == 2  # one per language
    for i, block in enumerate(blocks):
        project = copy_project(tmp_path / f"site{i}")
        site_yaml = project / "site.yaml"
        site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "\n" + block, "utf-8")
        (target,) = load_targets(load_config(project)).values()
        assert (target.name, target.bucket, target.prefix, target.profile) == (
            "site",
            "xinman-site",
            "",
            "xinman",
        )
        assert target.endpoint_url == "https://s3.hn-1.example.vn"
        assert target.compressed == "gzip"


def test_an_empty_or_slash_prefix_is_the_bucket_itself_and_a_folder_keeps_one_slash() -> None:
    from site_builder.content.schema import Problem
    from site_builder.publish.targets import _prefix

    assert [_prefix(v) for v in ("", "  ", "/", "shop", "/shop/", "a/b")] == [
        "",
        "",
        "",
        "shop/",
        "shop/",
        "a/b/",
    ]
    for bad in ("../up", "a\\b"):
        try:
            _prefix(bad)
        except Problem:
            continue
        raise AssertionError(f"{bad!r} was accepted")
