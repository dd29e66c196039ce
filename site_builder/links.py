"""Shop and contact links of an item: checked, normalised, safe to put in an `href`.

Kinds and what each accepts:

    voso, sendo, postmart   an https URL on voso.vn / sendo.vn / postmart.vn (or a subdomain)
    facebook                an https URL on facebook.com, fb.com (or a subdomain, e.g. m.)
    zalo                    https://zalo.me/<digits or id>, or a Vietnamese phone number
    phone                   a Vietnamese phone number: 0xxxxxxxxx or +84xxxxxxxxx -> tel:+84...
    website                 any https URL

Shop URLs must point at a page, not the bare home page. Only `https:` and `tel:` hrefs
are ever produced: `javascript:`, `data:`, `http:` and the rest are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from site_builder.errors import FieldError
from site_builder.frozen import unpickled_by_fields
from site_builder.messages import Msg

#: Shop kinds -> the domains they must be on (a subdomain of one of them also counts).
SHOP_DOMAINS: dict[str, tuple[str, ...]] = {
    "voso": ("voso.vn",),
    "sendo": ("sendo.vn",),
    "postmart": ("postmart.vn",),
    "facebook": ("facebook.com", "fb.com"),
}
LINK_KINDS: tuple[str, ...] = (*SHOP_DOMAINS, "zalo", "website", "phone")

# National significant number: mobiles 3/5/7/8/9 + 8 digits, landlines 2 + 9 digits.
_NSN = re.compile(r"(?:[35789]\d{8}|2\d{9})")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_NOT_IN_URLS = frozenset('\\"<>`{}|^')
_ZALO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\((.+)\)")


class LinkError(FieldError):
    """A link that cannot be used: the field ('kind' or 'url'), what is wrong, how to fix it."""


@unpickled_by_fields
@dataclass(frozen=True, slots=True)
class Link:
    """A checked link: its kind, the `href` to emit, a label key for the UI text, display text."""

    kind: str
    href: str
    label_key: str
    display: str


def validate_link(kind: str, value: str) -> Link:
    """A `Link` of `kind` built from `value` (a URL or a phone number); raises `LinkError`."""
    if not isinstance(kind, str) or kind.strip().lower() not in LINK_KINDS:
        raise LinkError(
            "kind",
            Msg("unknown link kind '{kind}'.", kind=kind),
            Msg("Use one of: {choices}.", choices=", ".join(LINK_KINDS)),
        )
    kind = kind.strip().lower()
    if not isinstance(value, str) or not value.strip():
        raise LinkError(
            "url",
            Msg("{kind} link is empty or not text.", kind=kind),
            Msg("Write the address or phone number in quotes."),
        )
    value = value.strip()
    if kind == "phone":
        national = _phone_national(value)
        return Link(kind, f"tel:+84{national[1:]}", "link.phone", _format_phone(national))
    if kind == "zalo":
        return _zalo(value)
    parts = _https(kind, value)
    if kind in SHOP_DOMAINS:
        domains = SHOP_DOMAINS[kind]
        host = parts.hostname or ""
        if not any(host == d or host.endswith(f".{d}") for d in domains):
            raise LinkError(
                "url",
                Msg(
                    "{kind} link '{url}' is not on {domains}.",
                    kind=kind,
                    url=value,
                    domains=" or ".join(domains),
                ),
                Msg("Copy the address of the {kind} page from the browser.", kind=kind),
            )
        if parts.path.strip("/") == "":
            raise LinkError(
                "url",
                Msg(
                    "{kind} link '{url}' is the site's home page, not a page of ours.",
                    kind=kind,
                    url=value,
                ),
                Msg("Open our shop or page there and copy its address."),
            )
    return Link(kind, parts.geturl(), f"link.{kind}", f"{parts.hostname}{parts.path}".rstrip("/"))


def _https(kind: str, value: str) -> SplitResult:
    """The parts of an https URL with a real host and no user name; anything else is refused,
    saying what is wrong with it."""
    copy_hint = Msg("Copy the full address from the browser's address bar.")
    markdown = _MARKDOWN_LINK.fullmatch(value)
    if markdown:
        raise LinkError(
            "url",
            Msg("{kind} link '{url}' is written as a Markdown link.", kind=kind, url=value),
            Msg("Write only the address: {address}", address=markdown.group(1).strip()),
        )
    bad_characters = LinkError(
        "url",
        Msg(
            "{kind} link '{url}' contains spaces or characters not allowed in a web address.",
            kind=kind,
            url=value,
        ),
        Msg("Remove them."),
    )
    if not value.lower().startswith("https://") and "https://" in value.lower():
        raise bad_characters  # e.g. <https://…> or a quote before the address
    if value.lower().startswith("https://") and any(
        c.isspace() or ord(c) < 32 or ord(c) == 127 or c in _NOT_IN_URLS for c in value
    ):
        raise bad_characters
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # e.g. square brackets in the host part, read as a broken IPv6 address
        raise LinkError(
            "url",
            Msg("{kind} link '{url}' is not a valid web address.", kind=kind, url=value),
            copy_hint,
        ) from None
    if parts.scheme.lower() != "https":
        raise LinkError(
            "url",
            Msg("{kind} link '{url}' must start with https://.", kind=kind, url=value),
            copy_hint,
        )
    host = parts.hostname or ""
    if "." not in host.strip(".") or parts.username is not None or port not in (None, 443):
        raise LinkError(
            "url",
            Msg("{kind} link '{url}' is not a valid web address.", kind=kind, url=value),
            copy_hint,
        )
    return parts._replace(scheme="https", netloc=parts.netloc.lower())


def _phone_national(value: str) -> str:
    """A Vietnamese phone number in national form (0 + 9 or 10 digits)."""
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    elif compact.startswith("0084"):
        compact = "0" + compact[4:]
    if not (compact.startswith("0") and _NSN.fullmatch(compact[1:])):
        raise LinkError(
            "url",
            Msg("'{value}' is not a Vietnamese phone number.", value=value),
            Msg("Write it as 0912345678 or +84 912 345 678."),
        )
    return compact


def _format_phone(national: str) -> str:
    """'0912345678' -> '0912 345 678'; landlines '02193123456' -> '0219 312 3456'."""
    return f"{national[:4]} {national[4:7]} {national[7:]}"


def _zalo(value: str) -> Link:
    if not value.lower().startswith(("https:", "http:", "zalo.me")) and any(
        c.isdigit() for c in value
    ):
        national = _phone_national(value)
        return Link("zalo", f"https://zalo.me/{national}", "link.zalo", _format_phone(national))
    parts = _https("zalo", value)
    target = parts.path.strip("/")
    if (
        parts.hostname != "zalo.me"
        or not _ZALO_ID.fullmatch(target)
        or parts.query
        or parts.fragment
    ):
        raise LinkError(
            "url",
            Msg("zalo link '{url}' is not https://zalo.me/<number or id>.", url=value),
            Msg("Write https://zalo.me/0912345678 or just the phone number."),
        )
    return Link("zalo", f"https://zalo.me/{target}", "link.zalo", f"zalo.me/{target}")
