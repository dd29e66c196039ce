"""The host configuration files the build writes (issue 15, item 2); nginx itself runs in
tests/test_nginx.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.hosting import first_language_regex

LANGS = ("vi", "en", "zh")


def first(header: str, langs: tuple[str, ...] = LANGS) -> list[str]:
    return [lang for lang in langs if re.search(first_language_regex(lang, langs), header, re.I)]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("vi", ["vi"]),
        ("VI-vn", ["vi"]),
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", ["en"]),
        ("fr, vi;q=0.5, en;q=0.4", ["vi"]),
        ("zh-Hans-CN,zh;q=0.9", ["zh"]),
        ("env,vie,vi", ["vi"]),  # tags that only start like a site language are skipped
        ("*;q=0.1,en", ["en"]),
        ("ja,ko", []),
        ("", []),
    ],
)
def test_the_first_language_the_site_has_wins(header: str, expected: list[str]) -> None:
    assert first(header) == expected


def test_netlify_redirects_cover_both_letter_cases(sample_site: Path) -> None:
    lines = (sample_site / "output/_redirects").read_text(encoding="utf-8").splitlines()
    rules = [line.split() for line in lines if line and not line.startswith("#")]
    assert ["/Q/XM-D01", "/vi/dolls/hmong/", "302", "Language=vi"] in rules
    assert ["/q/xm-d01", "/en/dolls/hmong/", "302", "Language=en"] in rules
    assert ["/q/xm-d01", "/Q/XM-D01", "301"] in rules
    assert all(len(rule) in (3, 4) for rule in rules)


def test_headers_rules_never_overlap_for_one_header(sample_site: Path) -> None:
    """Netlify and Cloudflare join the values of every rule a path matches."""
    text = (sample_site / "output/_headers").read_text(encoding="utf-8")
    blocks: dict[str, list[str]] = {}
    path = ""
    for line in text.splitlines():
        if line.startswith("/"):
            path = line
            blocks[path] = []
        elif line.startswith("  "):
            blocks[path].append(line.split(":")[0].strip())
    for header in ("Content-Security-Policy", "Cache-Control"):
        owners = [p for p, names in blocks.items() if header in names]
        assert "/*" not in owners
        for a in owners:
            for b in owners:
                if a != b and a.endswith("*"):
                    assert not b.startswith(a[:-1]), (header, a, b)


def test_every_host_file_is_written(sample_site: Path) -> None:
    out = sample_site / "output"
    htaccess = (out / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteRule ^q/xm-d01/?$ /en/dolls/hmong/ [NC,R=302,L]" in htaccess
    caddy = (out / "_server/Caddyfile").read_text(encoding="utf-8")
    assert "xinman.example.vn, xm.example.vn {" in caddy
    assert "precompressed br gzip" in caddy
    for line in caddy.splitlines():  # Caddy's regexes are RE2: no look-arounds
        assert "(?=" not in line and "(?!" not in line and "(?<" not in line


def test_every_host_redirects_the_booklets_code_in_any_letter_case(sample_site: Path) -> None:
    """The code on a booklet's back cover goes to the e-booklet in each language, matched
    without regard to case, in every host's file (nginx is also tried for real)."""
    target = {lang: f"/{lang}/booklets/xin-man-gifts/" for lang in ("vi", "en")}
    htaccess = (sample_site / "output/.htaccess").read_text(encoding="utf-8")
    caddy = (sample_site / "output/_server/Caddyfile").read_text(encoding="utf-8")
    nginx = (sample_site / "output/_server/nginx.conf").read_text(encoding="utf-8")
    netlify = (sample_site / "output/_redirects").read_text(encoding="utf-8").splitlines()
    for lang, url in target.items():
        assert f"RewriteRule ^q/xm-b01/?$ {url} [NC,R=302,L]" in htaccess
        assert f"~(?i)^{lang}:/q/xm-b01/?$ {url}" in caddy
        assert f'"~*^{lang}:/q/xm-b01/?$" "{url}";' in nginx
        assert f"/q/xm-b01  {url}  302  Language={lang}" in netlify
    assert "/q/xm-b01  /Q/XM-B01  301" in netlify


def _first_match(rules: list[tuple[str, str]], value: str, default: str) -> str:
    """What nginx's and Caddy's `map` give: the first regex, in the order written."""
    return next((lang for rx, lang in rules if re.search(rx, value, re.I)), default)


@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        ("vi", "en-US,en;q=0.9", "vi"),
        ("en", "vi-VN", "en"),
        ("", "fr-FR,fr;q=0.9,vi;q=0.8", "vi"),
        ("fr", "ja", "en"),  # neither: the visitor language
        ("vie", "en", "en"),
        ("", "", "en"),
    ],
)
def test_nginx_and_caddy_read_the_switchers_cookie_before_accept_language(
    sample_site: Path, cookie: str, accept: str, expected: str
) -> None:
    out = sample_site / "output"
    nginx = (out / "_server/nginx.conf").read_text(encoding="utf-8")
    block = nginx.split('map "$cookie_nf_lang:$http_accept_language" $site_builder_lang {')[1]
    block = block.split("\n}")[0]
    nginx_rules = re.findall(r'^\s*"~\*(.+)" (\w+);$', block, re.M)
    caddy = (out / "_server/Caddyfile").read_text(encoding="utf-8")
    block = caddy.split("map {cookie.nf_lang}:{header.Accept-Language} {site_lang} {")[1]
    block = block.split("\n\t}")[0]
    caddy_rules = re.findall(r"^\t\t~\(\?i\)(\S+) (\w+)$", block, re.M)
    assert len(nginx_rules) == len(caddy_rules) == 4
    value = f"{cookie}:{accept}"
    assert _first_match(nginx_rules, value, "en") == expected
    assert _first_match(caddy_rules, value, "en") == expected


def test_apache_reads_the_switchers_cookie_last_so_it_wins(sample_site: Path) -> None:
    lines = (sample_site / "output/.htaccess").read_text(encoding="utf-8").splitlines()
    conds = [i for i, line in enumerate(lines) if line.startswith("RewriteCond %{HTTP")]
    kinds = [lines[i].split()[1] for i in conds[:4]]
    assert kinds == ["%{HTTP:Accept-Language}"] * 2 + ["%{HTTP_COOKIE}"] * 2
    pattern = lines[conds[2]].split('"')[1]
    assert re.search(pattern, "a=1; nf_lang=vi; b=2") and re.search(pattern, "nf_lang=vi")
    assert not re.search(pattern, "xnf_lang=vi") and not re.search(pattern, "nf_lang=vie")
