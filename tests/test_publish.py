"""`site-builder publish` against a real S3-compatible server (SeaweedFS, tests/seaweed.py).

The sample site is built once; each test copies it, gets its own bucket and runs the real
command in a subprocess (exit codes, messages, no traceback) or, where the order of the
calls is the point, in-process with the real boto3 calls recorded on their way through.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import build
from site_builder.publish.files import scan
from tests import seaweed
from tests.helpers import copy_project, parse_html

BASE = "https://xinman.example.vn"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[seaweed.Seaweed]:
    srv = seaweed.start(tmp_path_factory.mktemp("seaweed"))
    yield srv
    seaweed.stop(srv)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("built") / "site", "sample")
    build(root, with_print=False)
    return root


@pytest.fixture
def project(tmp_path: Path, built: Path, server: seaweed.Seaweed) -> Path:
    """A copy of the built sample with a target `site` on a fresh, empty bucket."""
    root = tmp_path / "site"
    shutil.copytree(built, root, symlinks=True)
    bucket = "xm-" + uuid.uuid4().hex[:12]
    server.client().create_bucket(Bucket=bucket)
    add_targets(root, {"site": {"bucket": bucket, "endpoint_url": server.endpoint}})
    return root


def add_targets(root: Path, targets: dict[str, dict[str, str]]) -> None:
    lines = ["publish:"]
    for name, fields in targets.items():
        lines.append(f"  {name}:")
        lines += [f"    {k}: {json.dumps(v)}" for k, v in fields.items()]
    with (root / "site.yaml").open("a", encoding="utf-8") as f:
        f.write("\n" + "\n".join(lines) + "\n")


def bucket_of(root: Path) -> str:
    m = re.search(r'bucket: "([^"]+)"', (root / "site.yaml").read_text(encoding="utf-8"))
    assert m
    return m.group(1)


def publish(
    root: Path, server: seaweed.Seaweed, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "--project", str(root), "publish", *args],
        capture_output=True,
        text=True,
        env=env or server.env(),
        timeout=300,
    )


def listing(server: seaweed.Seaweed, bucket: str) -> dict[str, str]:
    """key -> ETag of every object (the tool's own included)."""
    found: dict[str, str] = {}
    for page in server.client().get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            found[obj["Key"]] = obj["ETag"].strip('"')
    return found


def site_objects(server: seaweed.Seaweed, bucket: str) -> dict[str, str]:
    return {k: v for k, v in listing(server, bucket).items() if not k.startswith(".site-builder/")}


def expected(root: Path) -> dict[str, str]:
    return {key: f.md5 for key, f in scan(root / "output").items()}


def counts(stdout: str) -> tuple[int, int, int, int]:
    m = re.search(
        r"uploaded (\d+) new and (\d+) changed file\(s\) \([^)]*\), deleted (\d+); (\d+) unchanged",
        stdout,
    )
    assert m, stdout
    new, changed, deleted, unchanged = (int(x) for x in m.groups())
    return new, changed, deleted, unchanged


def rebuild(root: Path) -> None:
    build(root, with_print=False)


def snapshot(root: Path) -> dict[str, str]:
    return expected(root)


def unresolved_references(server: seaweed.Seaweed, bucket: str) -> list[str]:
    """Every site link (href, src, srcset) of every page in the bucket whose object is
    missing, as 'page -> link'. What a visitor would meet as a broken page."""
    keys = set(site_objects(server, bucket))
    broken: list[str] = []
    tmp = Path(os.environ.get("TMPDIR", "/tmp"))
    for key in sorted(keys):
        if not key.endswith(".html"):
            continue
        status, _headers, body = server.get(bucket, key)
        assert status == 200, key
        page = tmp / f"page-{uuid.uuid4().hex}.html"
        page.write_bytes(body)
        try:
            tree = parse_html(page)
        finally:
            page.unlink()
        for el in tree.iter():
            for attr in ("href", "src", "srcset"):
                value = el.get(attr)
                if not value:
                    continue
                urls = (
                    [u.strip().split(" ")[0] for u in value.split(",")]
                    if attr == "srcset"
                    else [value]
                )
                for url in urls:
                    if url.startswith(BASE + "/"):
                        url = url[len(BASE) :]
                    if not url.startswith("/") or url.startswith("//"):
                        continue
                    target = url.split("#")[0].split("?")[0][1:]
                    if target == "" or target.endswith("/"):
                        target += "index.html"
                    if target not in keys:
                        broken.append(f"{key} -> {url}")
    return broken


# --- the happy path ---------------------------------------------------------------------


def test_first_publish_then_one_edit_uploads_only_what_changed(
    project: Path, server: seaweed.Seaweed
) -> None:
    bucket = bucket_of(project)
    run = publish(project, server)
    assert run.returncode == 0, run.stderr
    want = expected(project)
    assert counts(run.stdout) == (len(want), 0, 0, 0)
    assert site_objects(server, bucket) == want  # every file, its bytes (ETag = MD5)
    assert "Uploading:" in run.stderr and f"{len(want)}/{len(want)} files" in run.stderr
    assert unresolved_references(server, bucket) == []

    again = publish(project, server)
    assert again.returncode == 0, again.stderr
    assert counts(again.stdout) == (0, 0, 0, len(want))

    before = snapshot(project)
    story = project / "content" / "dolls" / "hmong" / "en.md"
    story.write_text(
        story.read_text(encoding="utf-8") + "\nShe was sewn in the winter of 2026.\n",
        encoding="utf-8",
    )
    rebuild(project)
    after = snapshot(project)
    differ = sorted(k for k in after if before.get(k) != after[k])
    # one item's own files, and the service worker whose version follows every change
    assert differ and all("hmong" in k or k == "sw.js" for k in differ), differ
    run = publish(project, server)
    assert run.returncode == 0, run.stderr
    assert counts(run.stdout) == (0, len(differ), 0, len(after) - len(differ))
    assert site_objects(server, bucket) == after


def test_a_deleted_item_is_removed_only_after_the_switch(
    project: Path, server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder.config import load_config
    from site_builder.publish import run as publish_run
    from site_builder.publish.s3 import Bucket
    from site_builder.publish.targets import load_targets

    bucket = bucket_of(project)
    assert publish(project, server).returncode == 0
    old = site_objects(server, bucket)
    shutil.rmtree(project / "content" / "dolls" / "nung")
    booklet = project / "booklets" / "xin-man-gifts.yaml"
    booklet.write_text(
        "\n".join(
            line
            for line in booklet.read_text(encoding="utf-8").splitlines()
            if "dolls/nung" not in line
        )
        + "\n",
        encoding="utf-8",
    )
    rebuild(project)
    new = expected(project)
    gone = sorted(set(old) - set(new))
    assert gone and any("/nung/" in k for k in gone)

    events: list[tuple[str, str]] = []
    originals = {name: getattr(Bucket, name) for name in ("put", "write_json", "delete")}

    def record(name: str) -> Any:
        def call(self: Bucket, arg: Any, *rest: Any) -> Any:
            events.append((name, arg if isinstance(arg, str) else getattr(arg, "key", "batch")))
            return originals[name](self, arg, *rest)

        return call

    for key, value in server.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    for name in originals:
        monkeypatch.setattr(Bucket, name, record(name))
    (target,) = load_targets(load_config(project)).values()
    plan, result = publish_run.publish(project / "output", target)
    assert sorted(plan.delete) == gone and result.deleted == len(gone)
    names = [e[0] for e in events]
    switch = events.index(("write_json", "manifest.json"))
    assert names.index("delete") > switch
    assert all(i < switch for i, n in enumerate(names) if n == "put")
    assert events[0] == ("write_json", "pending.json")
    assert site_objects(server, bucket) == new
    manifest = json.loads(
        server.client().get_object(Bucket=bucket, Key=".site-builder/manifest.json")["Body"].read()
    )
    assert set(manifest["files"]) == set(new) and manifest["retired"] == []
    assert unresolved_references(server, bucket) == []


def test_headers_short_urls_in_both_cases_404_and_gzip_copies(
    project: Path, server: seaweed.Seaweed
) -> None:
    out = project / "output"
    css_name = next((out / "assets").glob("site.*.css")).name  # named by its hash
    css = (out / "assets" / css_name).read_bytes()
    home = (out / "vi" / "index.html").read_bytes()
    # the precompressed copies the build writes for web servers (site_builder/compress.py)
    assert gzip.decompress((out / "assets" / f"{css_name}.gz").read_bytes()) == css
    assert gzip.decompress((out / "vi" / "index.html.gz").read_bytes()) == home
    bucket = bucket_of(project)
    run = publish(project, server)
    assert run.returncode == 0, run.stderr

    status, h, body = server.get(bucket, "vi/index.html")
    assert (status, h["content-type"], h["cache-control"]) == (
        200,
        "text/html; charset=utf-8",
        "public, max-age=300",
    )
    assert h["content-encoding"] == "gzip" and gzip.decompress(body) == home
    status, h, body = server.get(bucket, f"assets/{css_name}")
    assert h["content-type"] == "text/css; charset=utf-8"
    assert h["cache-control"] == "public, max-age=31536000, immutable"  # a hashed name
    assert h["content-encoding"] == "gzip" and gzip.decompress(body) == css
    keys = site_objects(server, bucket)
    assert not any(k.endswith((".gz", ".br")) for k in keys)

    photo = next(k for k in keys if k.startswith("media/") and k.endswith(".webp"))
    status, h, body = server.get(bucket, photo)
    assert (h["content-type"], h["cache-control"]) == ("image/webp", "public, max-age=604800")
    assert "content-encoding" not in h and body == (out / photo).read_bytes()
    status, h, _ = server.get(bucket, "qr/XM-D01.svg")
    assert h["content-type"] == "image/svg+xml; charset=utf-8"

    def plain(h: dict[str, str], body: bytes) -> bytes:  # pages have the build's .gz copy
        return gzip.decompress(body) if h.get("content-encoding") == "gzip" else body

    status, h, body = server.get(bucket, "404.html")
    assert status == 200 and h["content-type"] == "text/html; charset=utf-8"
    assert plain(h, body) == (out / "404.html").read_bytes()

    landing = (out / "Q" / "XM-D01.html").read_bytes()
    for path in ("Q/XM-D01", "q/xm-d01", "Q/xm-d01", "q/XM-D01", "Q/XM-D01.html"):
        status, h, body = server.get(bucket, path)
        assert (status, h["content-type"], plain(h, body)) == (
            200,
            "text/html; charset=utf-8",
            landing,
        ), path
        links = [a.get("href") for a in parse_html(out / "Q" / "XM-D01.html").iter("a")]
        assert "/vi/dolls/hmong/" in links and "/en/dolls/hmong/" in links
    status, _h, _b = server.get(bucket, "q/xm-d99")
    assert status == 404


# --- interrupted ------------------------------------------------------------------------


def test_a_publish_killed_mid_upload_leaves_a_whole_site_and_the_next_run_finishes(
    project: Path, server: seaweed.Seaweed
) -> None:
    bucket = bucket_of(project)
    assert publish(project, server).returncode == 0
    old = site_objects(server, bucket)
    # the next version: every page changes (title), the theme's CSS changes, an item goes
    site_yaml = project / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("Xín Mần Dolls", "Xín Mần Dolls (new)"),
        encoding="utf-8",
    )
    css = project / "templates" / "assets" / "site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.new{color:#123}\n", encoding="utf-8")
    shutil.rmtree(project / "content" / "dolls" / "nung")
    booklet = project / "booklets" / "xin-man-gifts.yaml"
    booklet.write_text(
        "\n".join(
            x for x in booklet.read_text(encoding="utf-8").splitlines() if "dolls/nung" not in x
        )
        + "\n",
        encoding="utf-8",
    )
    rebuild(project)
    new = expected(project)
    changed = {k for k in new if k in old and old[k] != new[k]}
    assert len(changed) > 20

    env = {**server.env(), "SITE_BUILDER_UPLOADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "--project", str(project), "publish"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = server.client()
    deadline = time.monotonic() + 120
    # one upload at a time, assets first: the new CSS (a new name: it is named by its hash)
    # is among the first files sent; the moment the bucket holds it, the ~40 changed pages
    # are still to come
    new_css = next(k for k in new if re.fullmatch(r"assets/site\.[0-9a-f]+\.css", k))
    assert new_css not in old
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                head = client.head_object(Bucket=bucket, Key=new_css)
                if head["ETag"].strip('"') == new[new_css]:
                    break
            except client.exceptions.ClientError:
                pass
            time.sleep(0.005)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    mid = site_objects(server, bucket)
    to_send = changed | (set(new) - set(old))  # changed files and new names (hashed CSS)
    sent = {k for k in to_send if mid.get(k) == new[k]}
    assert 0 < len(sent) < len(to_send), "the kill did not land in the middle of the upload"
    assert set(old) <= set(mid)  # nothing deleted before the switch
    assert unresolved_references(server, bucket) == []

    run = publish(project, server)
    assert run.returncode == 0, run.stderr
    assert site_objects(server, bucket) == new
    own = set(listing(server, bucket)) - set(new)
    assert own == {".site-builder/manifest.json"}
    assert unresolved_references(server, bucket) == []


# --- dry run ----------------------------------------------------------------------------


def test_dry_run_lists_what_would_change_and_sends_nothing(
    project: Path, server: seaweed.Seaweed
) -> None:
    bucket = bucket_of(project)
    run = publish(project, server, "--dry-run")
    assert run.returncode == 0, run.stderr
    want = expected(project)
    listed = [line[2:] for line in run.stdout.splitlines() if line.startswith("+ ")]
    assert listed == sorted(want)
    assert f"site: would upload {len(want)} new and 0 changed file(s)" in run.stdout
    assert listing(server, bucket) == {}

    assert publish(project, server).returncode == 0
    published = listing(server, bucket)
    story = project / "content" / "dolls" / "dao" / "vi.md"
    story.write_text(story.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    rebuild(project)
    now = expected(project)
    differ = sorted(k for k in now if want[k] != now[k])
    run = publish(project, server, "--dry-run")
    assert run.returncode == 0, run.stderr
    assert [line for line in run.stdout.splitlines() if line[:2] in ("+ ", "~ ", "- ")] == [
        f"~ {k}" for k in differ
    ]
    assert listing(server, bucket) == published


# --- bad input --------------------------------------------------------------------------


def assert_refused(run: subprocess.CompletedProcess[str], message: str) -> None:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.stderr.strip() == message
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_wrong_credentials(project: Path, server: seaweed.Seaweed) -> None:
    bucket = bucket_of(project)
    env = {**server.env(), "AWS_SECRET_ACCESS_KEY": "not-the-secret"}
    run = publish(project, server, env=env)
    assert run.returncode == 1
    assert_refused(
        run,
        "Error: target 'site': the storage refused the credentials. Check AWS_ACCESS_KEY_ID, "
        f"AWS_SECRET_ACCESS_KEY (or the profile) for the bucket {bucket}.",
    )
    vi = subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "--lang",
            "vi",
            "--project",
            str(project),
            "publish",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert_refused(
        vi,
        "Lỗi: đích 'site': kho lưu trữ từ chối khoá truy cập. Hãy kiểm tra AWS_ACCESS_KEY_ID, "
        f"AWS_SECRET_ACCESS_KEY (hoặc hồ sơ) của bucket {bucket}.",
    )
    assert listing(server, bucket) == {}


def test_missing_credentials_name_the_variables(project: Path, server: seaweed.Seaweed) -> None:
    env = {
        k: v
        for k, v in server.env().items()
        if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
    }
    assert_refused(
        publish(project, server, env=env),
        "Error: target 'site': no storage credentials. Set the environment variables "
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, or ~/.aws/credentials); "
        "never write them in site.yaml.",
    )
    vi = subprocess.run(
        [
            sys.executable,
            "-m",
            "site_builder",
            "--lang",
            "vi",
            "--project",
            str(project),
            "publish",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert_refused(
        vi,
        "Lỗi: đích 'site': chưa có khoá truy cập kho lưu trữ. Hãy đặt các biến môi trường "
        "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (hoặc AWS_PROFILE, hoặc ~/.aws/credentials); "
        "đừng bao giờ ghi chúng vào site.yaml.",
    )


def test_missing_bucket(project: Path, server: seaweed.Seaweed) -> None:
    site_yaml = project / "site.yaml"
    bucket = bucket_of(project)
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(bucket, "xm-no-such-bucket"),
        encoding="utf-8",
    )
    assert_refused(
        publish(project, server),
        f"Error: target 'site': there is no bucket 'xm-no-such-bucket' at {server.endpoint}. "
        "Create it first (docs/deploy.md) or correct site.yaml.",
    )


def test_an_endpoint_that_does_not_answer_fails_in_seconds(
    project: Path, server: seaweed.Seaweed
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    site_yaml = project / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace(server.endpoint, f"http://127.0.0.1:{port}"),
        encoding="utf-8",
    )
    assert_refused(
        publish(project, server),
        f"Error: target 'site': the storage at http://127.0.0.1:{port} does not answer. "
        "Check the address in site.yaml and the network, then run the command again.",
    )


def test_an_endpoint_that_accepts_but_never_answers_fails_too(
    project: Path, server: seaweed.Seaweed
) -> None:
    """A firewall or a hung server: the connection opens, no answer ever comes. The read
    timeout and the retry limit end it (about 20 s), with the same message."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # never accepted, never answered
        port = silent.getsockname()[1]
        site_yaml = project / "site.yaml"
        site_yaml.write_text(
            site_yaml.read_text(encoding="utf-8").replace(
                server.endpoint, f"http://127.0.0.1:{port}"
            ),
            encoding="utf-8",
        )
        assert_refused(
            publish(project, server),
            f"Error: target 'site': the storage at http://127.0.0.1:{port} does not answer. "
            "Check the address in site.yaml and the network, then run the command again.",
        )


def test_foreign_files_are_refused_unless_pruned(project: Path, server: seaweed.Seaweed) -> None:
    bucket = bucket_of(project)
    client = server.client()
    client.put_object(Bucket=bucket, Key="old-site/index.html", Body=b"<p>old</p>")
    client.put_object(Bucket=bucket, Key="vi/index.html", Body=b"<p>someone else's</p>")
    before = listing(server, bucket)
    assert_refused(
        publish(project, server),
        f"Error: target 'site': {bucket}/ ({server.endpoint}) holds 2 file(s) this tool did not "
        "write (old-site/index.html, vi/index.html). Nothing was changed. Publish to an empty "
        "bucket or another prefix, or run again with --prune-foreign to replace and delete them.",
    )
    assert listing(server, bucket) == before
    run = publish(project, server, "--prune-foreign")
    assert run.returncode == 0, run.stderr
    assert counts(run.stdout)[2] == 1  # old-site/index.html deleted, vi/index.html replaced
    assert site_objects(server, bucket) == expected(project)


def test_unknown_target_and_bad_target_fields(project: Path, server: seaweed.Seaweed) -> None:
    assert_refused(
        publish(project, server, "short"),
        "Error: there is no publish target 'short' in site.yaml. Targets: site.",
    )
    add_targets_text = (project / "site.yaml").read_text(encoding="utf-8")
    line = add_targets_text.count("\n") + 2
    (project / "site.yaml").write_text(
        add_targets_text + "  short:\n    bucket: Short_Links\n", encoding="utf-8"
    )
    run = publish(project, server, "short")
    assert run.returncode == 1
    assert run.stderr.splitlines()[0] == (
        f"Error: site.yaml:{line}: publish.short.bucket: 'Short_Links' is not a bucket name. "
        "Bucket names are 3-63 lower-case letters, digits, dots and hyphens."
    )
    assert "Traceback" not in run.stderr


def test_no_built_site(project: Path, server: seaweed.Seaweed) -> None:
    shutil.rmtree(project / "output")
    assert_refused(
        publish(project, server),
        f"Error: there is no built site in {project / 'output'}. Run `site-builder build` first.",
    )
    assert listing(server, bucket_of(project)) == {}


def test_interrupted_twice_with_an_edit_between_the_third_run_finishes(
    project: Path, server: seaweed.Seaweed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The network drops mid-upload (a real failure from the put, injected after a few
    files), the member removes the page that was being added, the network drops again;
    the files the first run left are still the tool's own (not "foreign") and go."""
    from site_builder.config import load_config
    from site_builder.errors import SiteError
    from site_builder.publish import run as publish_run
    from site_builder.publish.s3 import Bucket
    from site_builder.publish.targets import load_targets

    bucket = bucket_of(project)
    assert publish(project, server).returncode == 0
    old = site_objects(server, bucket)
    for key, value in server.env().items():
        if key.startswith("AWS_"):
            monkeypatch.setenv(key, value)
    monkeypatch.setenv("SITE_BUILDER_UPLOADS", "1")
    page = project / "content" / "pages" / "opening-hours"
    page.mkdir()
    for lang, title in (("vi", "Giờ mở cửa"), ("en", "Opening hours")):
        (page / f"{lang}.md").write_text(
            f'---\ntitle: "{title}"\n---\n{title}: 8:00-17:00.\n', encoding="utf-8"
        )
    site_yaml = project / "site.yaml"
    site_yaml.write_text(
        site_yaml.read_text(encoding="utf-8").replace("Xín Mần Dolls", "Xín Mần Dolls 2"),
        encoding="utf-8",
    )
    rebuild(project)
    added = sorted(k for k in expected(project) if "opening-hours" in k)
    assert added

    real_put = Bucket.put

    def fail_after(n: int) -> Any:
        sent = []

        def put(self: Bucket, f: Any) -> None:
            if len(sent) >= n:
                raise SiteError("network dropped (test)")
            sent.append(f.key)
            real_put(self, f)

        return put

    (target,) = load_targets(load_config(project)).values()
    monkeypatch.setattr(Bucket, "put", fail_after(len(added) + 2))
    with pytest.raises(SiteError):
        publish_run.publish(project / "output", target)
    mid = site_objects(server, bucket)
    assert set(added) <= set(mid) and set(old) <= set(mid)
    assert unresolved_references(server, bucket) == []

    shutil.rmtree(page)  # the member takes the page back out
    rebuild(project)
    monkeypatch.setattr(Bucket, "put", fail_after(3))
    with pytest.raises(SiteError):
        publish_run.publish(project / "output", target)
    assert unresolved_references(server, bucket) == []

    monkeypatch.setattr(Bucket, "put", real_put)
    plan, result = publish_run.publish(project / "output", target)
    assert plan.foreign == [] and set(added) <= set(plan.delete)
    assert site_objects(server, bucket) == expected(project)
    assert set(listing(server, bucket)) - set(expected(project)) == {".site-builder/manifest.json"}


def test_no_publish_while_a_build_holds_the_project(project: Path, server: seaweed.Seaweed) -> None:
    """A build swapping output/ while it is read and sent would mix two versions."""
    from site_builder.writer import project_lock

    with project_lock(project):
        assert_refused(
            publish(project, server),
            f"Error: another build of this project is running (process {os.getpid()}). "
            "Wait for it to finish, then try again.",
        )
    assert listing(server, bucket_of(project)) == {}
