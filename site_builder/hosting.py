"""Ready configuration for the common web servers and static hosts, written with the site.

A printed QR code opens `/Q/<CODE>`. Served as a plain file, that is the JavaScript landing
page, which then loads the item in the visitor's language: one extra round trip on a weak
mountain connection. A web server can choose at the edge: these files redirect `/Q/<CODE>`
(any letter case) straight to the item in the language the visitor chose with the site's
switcher (the `nf_lang` cookie, set by assets/lang.js), else in the first of the visitor's
languages (Accept-Language) that the site has, else `visitor_language`, and they set the security
and cache headers, serve 404.html and the precompressed `.br` / `.gz` files of the build.

    output/.htaccess           Apache (mod_rewrite, mod_headers)
    output/_redirects          Netlify (language redirects) and Cloudflare Pages
    output/_headers            Netlify and Cloudflare Pages
    output/_server/nginx.conf  nginx: a `map` and a `server` block for the `http` block
    output/_server/Caddyfile   Caddy 2

docs/deploy.md ("Web servers and static hosts") says which file goes where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from site_builder.config import SiteConfig
from site_builder.content.model import Booklet, Item
from site_builder.content.translations import with_fallback
from site_builder.urls import QR_PREFIX, Urls

SERVER_DIR = "_server"  # nginx and Caddy files: never served (both configs refuse it)
COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".xml", ".txt", ".json", ".webmanifest")

# Headers. The pages carry the same policies in <meta>; a header adds what <meta> cannot
# (frame-ancestors) and covers every file. Landing pages and the site root have inline
# script and style allowed by hashes in their own <meta> policy; both policies apply, so
# the header's 'unsafe-inline' there adds nothing the page's hashes do not allow.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'"
)
CSP_LANDING = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "script-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
CACHE_IMMUTABLE = "public, max-age=31536000, immutable"  # assets/: named by their hash
CACHE_MEDIA = "public, max-age=86400"  # photos and QR files: a day
CACHE_PAGE = "no-cache"  # pages: revalidated every time, so a price is never stale
# The service worker and the manifests (webapp.py): revalidated every time, so a new build's
# worker is found on the next visit (browsers also look at least once a day).
CACHE_WORKER = "no-cache"
WORKER_PATHS = ("/sw.js", "/*/manifest.webmanifest")
COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@dataclass(frozen=True)
class Redirect:
    code: str  # as printed, upper case
    targets: dict[str, str]  # language -> site-relative URL of the item in it


def redirects(config: SiteConfig, urls: Urls, codes: dict[str, Item]) -> list[Redirect]:
    """Per printed code, where each site language leads (the landing page's own choice:
    that language where the item has a real translation, else the visitor language's
    page, else the source language's)."""
    out = []
    for code, item in sorted(codes.items()):
        own = {
            lang: urls.page(lang, item.kind, item.slug)
            for lang in config.languages
            if (tr := with_fallback(item, lang, config)) is not None and not tr.fallback
        }
        fallback = own.get(config.fallback_language) or own[config.source_language]
        out.append(Redirect(code, {lang: own.get(lang, fallback) for lang in config.languages}))
    return out


# --- The visitor's language: the switcher's cookie, else Accept-Language ---------------

# The cookie the language switcher sets (templates/assets/lang.js): Netlify's own name, so
# its `Language=` redirects honour the choice with no rule of ours; nginx, Apache and Caddy
# read it below. A tourist who chose English on one box's page gets English from the next
# box too, whatever the phone's languages say.
LANG_COOKIE = "nf_lang"
VARY_LANGUAGE = "Accept-Language, Cookie"


def chosen_or_accepted(lang: str, languages: Iterable[str]) -> tuple[str, str]:
    """Two regexes over "<cookie>:<Accept-Language>" (nginx and Caddy match one string):
    the switcher chose `lang`; `lang` is the first of Accept-Language the site has. Every
    "chosen" regex must come before any "accepted" one (both servers try regexes in the
    order written), so that a cookie naming no site language (or none) falls through to
    Accept-Language."""
    chosen = rf"^{re.escape(lang)}:"
    accepted = "^[^:]*:" + first_language_regex(lang, languages)[1:]
    return chosen, accepted


def _not_one_of(words: Iterable[str], longest: int = 8) -> str:
    """A regex (no look-around) matching a letter tag of 1..`longest` letters that is none
    of `words` (lower case; compile it case-insensitively)."""
    words = sorted({w.lower() for w in words})

    def node(prefix: str) -> str:
        left = longest - len(prefix)
        nexts = sorted({w[len(prefix)] for w in words if w.startswith(prefix) and w != prefix})
        alts = []
        if prefix and prefix not in words:
            alts.append("")
        others = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in nexts)
        if left > 0 and others:
            tail = f"[a-z]{{0,{left - 1}}}" if left > 1 else ""
            alts.append(f"[{others}]{tail}")
        for c in nexts:
            if left > 0:
                alts.append(c + node(prefix + c))
        return "(?:" + "|".join(alts) + ")" if len(alts) != 1 else alts[0]

    return node("")


def first_language_regex(lang: str, languages: Iterable[str]) -> str:
    """Matches an Accept-Language header whose first language the site has is `lang`
    (`fr-FR,fr;q=0.9,en;q=0.8` -> en). Case-insensitive; RE2, PCRE and Go compatible."""
    other = _not_one_of(languages)
    skip = rf"\s*(?:\*|{other}(?:-[^,;]*)?)(?:;[^,]*)?,"
    return rf"^(?:{skip})*\s*{re.escape(lang)}(?:[-;,\s]|$)"


def _code_regex(code: str) -> str:
    return "^/" + re.escape(f"{QR_PREFIX}/{code}").lower().replace("\\-", "-") + "/?$"


def _hosts(config: SiteConfig) -> list[str]:
    names = [urlsplit(config.base_url).hostname, urlsplit(config.short_base).hostname]
    return list(dict.fromkeys(n for n in names if n))


# --- nginx ------------------------------------------------------------------------------


# where an operator keeps the server block's lines of their own (certificates, logs): a
# pattern that matches no file is no error to nginx
NGINX_OWN_LINES = "/etc/nginx/site-builder.d/*.conf"


def nginx_conf(config: SiteConfig, items: list[Redirect]) -> str:
    langs = config.languages
    lines = [
        "# nginx: written by site-builder with the site; do not edit (rebuild instead).",
        "# Put this file in the http block (e.g. /etc/nginx/conf.d/site.conf) and change",
        "# `root` to the folder the site is copied to. brotli_static needs Debian's",
        "# libnginx-mod-http-brotli-static; without it, delete that line.",
        "# The visitor's language: the one chosen with the site's switcher (a cookie),",
        "# else the first of Accept-Language the site has.",
        f'map "$cookie_{LANG_COOKIE}:$http_accept_language" $site_builder_lang {{',
        f"    default {config.fallback_language};",
    ]
    pairs = [chosen_or_accepted(lang, langs) for lang in langs]
    lines += [f'    "~*{chosen}" {lang};' for lang, (chosen, _) in zip(langs, pairs, strict=True)]
    lines += [f'    "~*{taken}" {lang};' for lang, (_, taken) in zip(langs, pairs, strict=True)]
    lines += ["}", 'map "$site_builder_lang:$uri" $site_builder_target {', '    default "";']
    for r in items:
        for lang, target in r.targets.items():
            lines.append(f'    "~*^{lang}:{_code_regex(r.code)[1:]}" "{target}";')
    lines.append("}")

    def headers(cache: str, csp: str = CSP) -> list[str]:
        out = [f'        add_header Cache-Control "{cache}" always;']
        out.append(f'        add_header Content-Security-Policy "{csp}" always;')
        out += [f'        add_header {k} "{v}" always;' for k, v in COMMON.items()]
        return out

    lines += [
        "server {",
        "    listen 80;",
        "    # your own lines, which no build overwrites: HTTPS (listen 443 ssl;",
        "    # ssl_certificate ...; ssl_certificate_key ...;), logs (docs/deploy.md)",
        f"    include {NGINX_OWN_LINES};",
        f"    server_name {' '.join(_hosts(config))};",
        "    root /srv/site-builder/output;",
        "    charset utf-8;",
        "    charset_types text/css application/javascript image/svg+xml text/xml "
        "application/manifest+json;",
        "    types { application/manifest+json webmanifest; }",
        "    include /etc/nginx/mime.types;",
        "    absolute_redirect off;",
        "    index index.html;",
        "    gzip_static on;",
        "    gzip_vary on;",
        "    brotli_static on;",
        "    error_page 404 /404.html;",
        f"    location ^~ /{SERVER_DIR}/ {{ return 404; }}",
        f"    location ~* ^/{QR_PREFIX.lower()}/[^/]+/?$ {{",
        '        if ($site_builder_target != "") {',
        f'            add_header Vary "{VARY_LANGUAGE}" always;',
        '            add_header Cache-Control "no-cache" always;',
        "            return 302 $site_builder_target;",
        "        }",
        *headers(CACHE_PAGE, CSP_LANDING),
        "        try_files $uri $uri.html $uri/ =404;",
        "    }",
        "    location ~ ^/(?:index\\.html)?$ {",
        *headers(CACHE_PAGE, CSP_LANDING),
        "        try_files $uri $uri/ =404;",
        "    }",
        "    location ~ ^/01/ {",
        *headers(CACHE_PAGE, CSP_LANDING),
        "        try_files $uri $uri.html $uri/ =404;",
        "    }",
        "    location ^~ /assets/ {",
        *headers(CACHE_IMMUTABLE),
        "    }",
        "    location ~ ^/(?:sw\\.js|[^/]+/manifest\\.webmanifest)$ {",
        *headers(CACHE_WORKER),
        "    }",
        "    location ~ ^/(?:media|qr|pay)/ {",
        *headers(CACHE_MEDIA),
        "    }",
        "    location / {",
        *headers(CACHE_PAGE),
        "        try_files $uri $uri.html $uri/ =404;",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"


# --- Apache -----------------------------------------------------------------------------


def htaccess(config: SiteConfig, items: list[Redirect]) -> str:
    langs = config.languages
    lines = [
        "# Apache (.htaccess): written by site-builder with the site; do not edit.",
        "# Needs AllowOverride All, mod_rewrite and mod_headers.",
        "Options -Indexes -MultiViews",
        "DirectoryIndex index.html",
        "ErrorDocument 404 /404.html",
        "AddDefaultCharset utf-8",
        "AddType application/manifest+json .webmanifest",
        "RewriteEngine On",
        f"RewriteRule ^{SERVER_DIR}/ - [R=404,L]",
        "# The visitor's language: the one chosen with the site's switcher (a cookie),",
        "# else the first of Accept-Language the site has (the last rule that matches wins).",
        f"RewriteRule ^ - [E=SB_LANG:{config.fallback_language}]",
    ]
    for lang in langs:
        lines += [
            f'RewriteCond %{{HTTP:Accept-Language}} "{first_language_regex(lang, langs)}" [NC]',
            f"RewriteRule ^ - [E=SB_LANG:{lang}]",
        ]
    for lang in langs:
        lines += [
            f'RewriteCond %{{HTTP_COOKIE}} "(?:^|;\\s*){LANG_COOKIE}={re.escape(lang)}(?:;|$)"',
            f"RewriteRule ^ - [E=SB_LANG:{lang}]",
        ]
    for r in items:
        for lang, target in r.targets.items():
            lines += [
                f"RewriteCond %{{ENV:SB_LANG}} ={lang}",
                f"RewriteRule {_code_regex(r.code).replace('^/', '^', 1)} {target} [NC,R=302,L]",
            ]
    lines += [
        "# Clean addresses: /Q/CODE and /01/GTIN are CODE.html.",
        "RewriteCond %{REQUEST_FILENAME} !-f",
        "RewriteCond %{REQUEST_FILENAME}.html -f",
        "RewriteRule ^(.+)$ $1.html",
        "# Precompressed files written by the build.",
        "RewriteCond %{HTTP:Accept-Encoding} br",
        "RewriteCond %{REQUEST_FILENAME}.br -f",
        "RewriteRule ^(.*)$ $1.br [L]",
        "RewriteCond %{HTTP:Accept-Encoding} gzip",
        "RewriteCond %{REQUEST_FILENAME}.gz -f",
        "RewriteRule ^(.*)$ $1.gz [L]",
    ]
    types = {
        "html": "text/html; charset=utf-8",
        "css": "text/css; charset=utf-8",
        "js": "application/javascript; charset=utf-8",
        "svg": "image/svg+xml",
        "xml": "application/xml",
        "txt": "text/plain; charset=utf-8",
        "webmanifest": "application/manifest+json",
    }
    for ext, mime in types.items():
        for enc, suffix in (("br", "br"), ("gzip", "gz")):
            lines += [
                f'<FilesMatch "\\.{ext}\\.{suffix}$">',
                f'  ForceType "{mime}"',
                f"  Header set Content-Encoding {enc}",
                "  Header append Vary Accept-Encoding",
                "</FilesMatch>",
            ]
    lines += [
        "RewriteRule \\.br$ - [E=no-gzip:1,E=no-brotli:1]",
        "RewriteRule \\.gz$ - [E=no-gzip:1,E=no-brotli:1]",
        "<IfModule mod_headers.c>",
    ]
    lines += [f'  Header always set {k} "{v}"' for k, v in COMMON.items()]
    lines += [
        f'  Header always set Content-Security-Policy "{CSP}"',
        f'  Header always set Cache-Control "{CACHE_PAGE}"',
        '  <If "%{REQUEST_URI} =~ m#^/(?:index\\.html)?$|^/(?:Q|q|01)/#">',
        f'    Header always set Content-Security-Policy "{CSP_LANDING}"',
        "    Header always merge Vary Accept-Language",
        "    Header always merge Vary Cookie",
        "  </If>",
        '  <If "%{REQUEST_URI} =~ m#^/(?:sw\\.js|[^/]+/manifest\\.webmanifest)$#">',
        f'    Header always set Cache-Control "{CACHE_WORKER}"',
        "  </If>",
        '  <If "%{REQUEST_URI} =~ m#^/assets/#">',
        f'    Header always set Cache-Control "{CACHE_IMMUTABLE}"',
        "  </If>",
        '  <If "%{REQUEST_URI} =~ m#^/(?:media|qr|pay)/#">',
        f'    Header always set Cache-Control "{CACHE_MEDIA}"',
        "  </If>",
        "</IfModule>",
    ]
    return "\n".join(lines) + "\n"


# --- Caddy ------------------------------------------------------------------------------


def caddyfile(config: SiteConfig, items: list[Redirect]) -> str:
    langs = config.languages
    lines = [
        "# Caddy 2: written by site-builder with the site; do not edit (rebuild instead).",
        "# Change `root` to the folder the site is copied to.",
        ", ".join(_hosts(config)) + " {",
        "\troot * /srv/site-builder/output",
        f"\tmap {{cookie.{LANG_COOKIE}}}:{{header.Accept-Language}} {{site_lang}} {{",
    ]
    pairs = [chosen_or_accepted(lang, langs) for lang in langs]
    lines += [f"\t\t~(?i){chosen} {lang}" for lang, (chosen, _) in zip(langs, pairs, strict=True)]
    lines += [f"\t\t~(?i){taken} {lang}" for lang, (_, taken) in zip(langs, pairs, strict=True)]
    lines += [f"\t\tdefault {config.fallback_language}", "\t}"]
    lines += ["\tmap {site_lang}:{path} {site_target} {"]
    for r in items:
        for lang, target in r.targets.items():
            lines.append(f"\t\t~(?i)^{lang}:{_code_regex(r.code)[1:]} {target}")
    lines += ["\t\tdefault -", "\t}", "\t@printed not vars {site_target} -"]
    lines += [
        "\thandle @printed {",
        f'\t\theader Vary "{VARY_LANGUAGE}"',
        '\t\theader Cache-Control "no-cache"',
        "\t\tredir {site_target} 302",
        "\t}",
        f"\trespond /{SERVER_DIR}/* 404",
        f'\theader Content-Security-Policy "{CSP}"',
        f'\theader Cache-Control "{CACHE_PAGE}"',
    ]
    lines += [f'\theader {k} "{v}"' for k, v in COMMON.items()]
    lines += [
        "\t@landing path_regexp landing (?i)^/(?:index\\.html)?$|^/(?:q|01)/",
        f'\theader @landing Content-Security-Policy "{CSP_LANDING}"',
        f'\theader /assets/* Cache-Control "{CACHE_IMMUTABLE}"',
        "\t@worker path " + " ".join(WORKER_PATHS),
        f'\theader @worker Cache-Control "{CACHE_WORKER}"',
        "\t@media path /media/* /qr/* /pay/*",
        f'\theader @media Cache-Control "{CACHE_MEDIA}"',
        "\ttry_files {path} {path}.html {path}/index.html",
        "\tfile_server {",
        "\t\tprecompressed br gzip",
        "\t}",
        "\thandle_errors {",
        "\t\t@404 expression {err.status_code} == 404",
        "\t\trewrite @404 /404.html",
        "\t\tfile_server",
        "\t}",
        "}",
    ]
    return "\n".join(lines) + "\n"


# --- Netlify and Cloudflare Pages -------------------------------------------------------


def netlify_redirects(config: SiteConfig, items: list[Redirect]) -> str:
    """`_redirects`. Netlify: `Language=` rules send /Q/CODE (either case) to the item
    in the visitor's language (Netlify reads the switcher's `nf_lang` cookie first);
    without a match the landing page chooses. Cloudflare
    Pages has no language conditions: there the lower-case line sends /q/code to the
    landing page, which chooses."""
    lines = ["# Netlify / Cloudflare Pages: written by site-builder; do not edit."]
    for r in items:
        path = f"/{QR_PREFIX}/{r.code}"
        for lang in config.languages:
            target = r.targets[lang]
            lines.append(f"{path}  {target}  302  Language={lang}")
            lines.append(f"{path.lower()}  {target}  302  Language={lang}")
    for r in items:
        path = f"/{QR_PREFIX}/{r.code}"
        if path.lower() != path:
            lines.append(f"{path.lower()}  {path}  301")
    return "\n".join(lines) + "\n"


def netlify_headers(config: SiteConfig) -> str:
    """`_headers`. Both hosts merge the headers of every rule a path matches, so each
    header is set by rules that never overlap."""
    common = [f"  {k}: {v}" for k, v in COMMON.items()]
    blocks = [["/*", *common]]
    for path in [f"/{lang}/*" for lang in config.languages] + ["/404.html"]:
        blocks.append([path, f"  Content-Security-Policy: {CSP}", f"  Cache-Control: {CACHE_PAGE}"])
    # the worker (the manifests are below /<lang>/, with CACHE_PAGE == CACHE_WORKER)
    blocks.append(
        ["/sw.js", f"  Content-Security-Policy: {CSP}", f"  Cache-Control: {CACHE_WORKER}"]
    )
    for path in ("/", "/index.html", f"/{QR_PREFIX}/*", "/01/*"):
        blocks.append(
            [path, f"  Content-Security-Policy: {CSP_LANDING}", f"  Cache-Control: {CACHE_PAGE}"]
        )
    blocks.append(["/assets/*", f"  Cache-Control: {CACHE_IMMUTABLE}"])
    blocks += [[f"/{d}/*", f"  Cache-Control: {CACHE_MEDIA}"] for d in ("media", "qr", "pay")]
    text = "# Netlify / Cloudflare Pages: written by site-builder; do not edit.\n"
    return text + "\n".join("\n".join(b) for b in blocks) + "\n"


def booklet_redirects(urls: Urls, booklet_codes: Mapping[str, Booklet]) -> list[Redirect]:
    """Per booklet code (printed on a booklet's back cover), its e-booklet in each language."""
    return [
        Redirect(
            code,
            {
                lang: urls.url(urls.booklet_file(lang, booklet.slug))
                for lang in urls.config.languages
            },
        )
        for code, booklet in sorted(booklet_codes.items())
    ]


# the files `host_files` writes, for what needs their names only (outputs.files_of)
HOST_FILES = (
    ".htaccess",
    "_redirects",
    "_headers",
    f"{SERVER_DIR}/nginx.conf",
    f"{SERVER_DIR}/Caddyfile",
)


def host_files(
    config: SiteConfig,
    urls: Urls,
    codes: dict[str, Item],
    booklet_codes: Mapping[str, Booklet] | None = None,
) -> dict[str, str]:
    """Output path -> text of every host configuration file: items' and booklets' codes
    redirected at the edge, in the visitor's language."""
    items = redirects(config, urls, codes) + booklet_redirects(urls, booklet_codes or {})
    texts = (
        htaccess(config, items),
        netlify_redirects(config, items),
        netlify_headers(config),
        nginx_conf(config, items),
        caddyfile(config, items),
    )
    return dict(zip(HOST_FILES, texts, strict=True))
