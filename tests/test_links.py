"""Shop and contact links: each kind, valid and invalid, and no unsafe scheme ever."""

from __future__ import annotations

import pytest

from site_builder.links import LINK_KINDS, Link, LinkError, validate_link

ADDRESS_HINT = "Copy the full address from the browser's address bar."


@pytest.mark.parametrize(
    ("kind", "value", "href", "display"),
    [
        ("voso", "https://voso.vn/shop/htx-xin-man", "https://voso.vn/shop/htx-xin-man", None),
        ("voso", "https://www.voso.vn/p/123", "https://www.voso.vn/p/123", None),
        ("sendo", "https://www.sendo.vn/tra-shan-tuyet-123.html", None, None),
        ("postmart", "https://postmart.vn/san-pham/mat-ong", None, None),
        ("facebook", "https://www.facebook.com/htxxinman", None, "www.facebook.com/htxxinman"),
        ("facebook", "https://m.facebook.com/htxxinman", None, None),
        ("facebook", "https://fb.com/htxxinman", None, None),
        (
            "facebook",
            "https://WWW.Facebook.com/HtxXinMan",
            "https://www.facebook.com/HtxXinMan",
            None,
        ),
        ("website", "https://xinman.example.vn/", None, "xinman.example.vn"),
        ("website", "https://example.vn/a?b=c#d", None, None),
        ("Website", " https://example.vn/ ", "https://example.vn/", None),
        ("zalo", "https://zalo.me/0912345678", None, "zalo.me/0912345678"),
        ("zalo", "https://zalo.me/4318234721984721/", "https://zalo.me/4318234721984721", None),
        ("zalo", "0912 345 678", "https://zalo.me/0912345678", "0912 345 678"),
        ("zalo", "+84 912 345 678", "https://zalo.me/0912345678", "0912 345 678"),
        ("phone", "0912345678", "tel:+84912345678", "0912 345 678"),
        ("phone", "+84 912.345.678", "tel:+84912345678", "0912 345 678"),
        ("phone", "0084-912-345-678", "tel:+84912345678", "0912 345 678"),
        ("phone", "(0219) 312 3456", "tel:+842193123456", "0219 312 3456"),
        ("phone", "+84 219 3123456", "tel:+842193123456", "0219 312 3456"),
    ],
)
def test_valid_links(kind: str, value: str, href: str | None, display: str | None) -> None:
    link = validate_link(kind, value)
    assert isinstance(link, Link)
    assert link.kind == kind.lower()
    assert link.href == (href if href is not None else value)
    assert link.label_key == f"link.{kind.lower()}"
    if display is not None:
        assert link.display == display
    assert link.href.startswith(("https://", "tel:+84"))


def test_every_kind_has_a_case() -> None:
    assert set(LINK_KINDS) == {
        "voso",
        "sendo",
        "postmart",
        "facebook",
        "zalo",
        "website",
        "phone",
    }


def test_unknown_kind() -> None:
    with pytest.raises(LinkError) as exc:
        validate_link("tiktok", "https://tiktok.com/@x")
    assert (exc.value.field, exc.value.message, exc.value.hint) == (
        "kind",
        "unknown link kind 'tiktok'.",
        "Use one of: voso, sendo, postmart, facebook, zalo, website, phone.",
    )
    assert str(exc.value) == (
        "kind: unknown link kind 'tiktok'. "
        "Use one of: voso, sendo, postmart, facebook, zalo, website, phone."
    )


@pytest.mark.parametrize(
    ("kind", "value", "message", "hint"),
    [
        (
            "website",
            "javascript:alert(1)",
            "website link 'javascript:alert(1)' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "facebook",
            "JavaScript:alert(document.cookie)//facebook.com/x",
            "facebook link 'JavaScript:alert(document.cookie)//facebook.com/x' "
            "must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "website",
            "data:text/html,<b>hi</b>",
            "website link 'data:text/html,<b>hi</b>' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "voso",
            "http://voso.vn/shop/x",
            "voso link 'http://voso.vn/shop/x' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "website",
            "example.vn",
            "website link 'example.vn' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "website",
            "https://localhost/x",
            "website link 'https://localhost/x' is not a valid web address.",
            ADDRESS_HINT,
        ),
        (
            "voso",
            "https://voso.vn@evil.example/shop",
            "voso link 'https://voso.vn@evil.example/shop' is not a valid web address.",
            ADDRESS_HINT,
        ),
        (
            "website",
            "https://example.vn:8443/",
            "website link 'https://example.vn:8443/' is not a valid web address.",
            ADDRESS_HINT,
        ),
        (
            "website",
            "https://example.vn/a b",
            "website link 'https://example.vn/a b' contains spaces or characters not allowed "
            "in a web address.",
            "Remove them.",
        ),
        (
            "website",
            "https://evil.example\\@voso.vn/",
            "website link 'https://evil.example\\@voso.vn/' contains spaces or characters not "
            "allowed in a web address.",
            "Remove them.",
        ),
        (
            "zalo",
            "javascript:alert(document.cookie)",
            "zalo link 'javascript:alert(document.cookie)' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "zalo",
            "javascript:alert(1)",
            "'javascript:alert(1)' is not a Vietnamese phone number.",
            "Write it as 0912345678 or +84 912 345 678.",
        ),
        (
            "sendo",
            "https://sendo.vn.evil.example/p",
            "sendo link 'https://sendo.vn.evil.example/p' is not on sendo.vn.",
            "Copy the address of the sendo page from the browser.",
        ),
        (
            "postmart",
            "https://notpostmart.vn/p",
            "postmart link 'https://notpostmart.vn/p' is not on postmart.vn.",
            "Copy the address of the postmart page from the browser.",
        ),
        (
            "facebook",
            "https://facebook.co/htx",
            "facebook link 'https://facebook.co/htx' is not on facebook.com or fb.com.",
            "Copy the address of the facebook page from the browser.",
        ),
        (
            "voso",
            "https://voso.vn/",
            "voso link 'https://voso.vn/' is the site's home page, not a page of ours.",
            "Open our shop or page there and copy its address.",
        ),
        (
            "zalo",
            "https://zalo.me/abc/def",
            "zalo link 'https://zalo.me/abc/def' is not https://zalo.me/<number or id>.",
            "Write https://zalo.me/0912345678 or just the phone number.",
        ),
        (
            "zalo",
            "https://chat.zalo.me/0912345678",
            "zalo link 'https://chat.zalo.me/0912345678' is not https://zalo.me/<number or id>.",
            "Write https://zalo.me/0912345678 or just the phone number.",
        ),
        (
            "zalo",
            "zalo.me/0912345678",
            "zalo link 'zalo.me/0912345678' must start with https://.",
            ADDRESS_HINT,
        ),
        (
            "zalo",
            "091234567",
            "'091234567' is not a Vietnamese phone number.",
            "Write it as 0912345678 or +84 912 345 678.",
        ),
        (
            "phone",
            "0112345678",
            "'0112345678' is not a Vietnamese phone number.",
            "Write it as 0912345678 or +84 912 345 678.",
        ),
        (
            "phone",
            "+1 202 555 0100",
            "'+1 202 555 0100' is not a Vietnamese phone number.",
            "Write it as 0912345678 or +84 912 345 678.",
        ),
        (
            "phone",
            "tel:0912345678",
            "'tel:0912345678' is not a Vietnamese phone number.",
            "Write it as 0912345678 or +84 912 345 678.",
        ),
        (
            "phone",
            "",
            "phone link is empty or not text.",
            "Write the address or phone number in quotes.",
        ),
        (
            "phone",
            84912345678,
            "phone link is empty or not text.",
            "Write the address or phone number in quotes.",
        ),
    ],
)
def test_invalid_links(kind: str, value: str, message: str, hint: str) -> None:
    with pytest.raises(LinkError) as exc:
        validate_link(kind, value)
    assert (exc.value.field, exc.value.message, exc.value.hint) == ("url", message, hint)


@pytest.mark.parametrize(
    ("value", "message", "hint"),
    [
        (
            "https://[shop.vn]/a",
            "website link 'https://[shop.vn]/a' is not a valid web address.",
            ADDRESS_HINT,
        ),
        (
            "https://shop.vn]/a",
            "website link 'https://shop.vn]/a' is not a valid web address.",
            ADDRESS_HINT,
        ),
        (
            "[Our shop](https://shop.vn/a)",
            "website link '[Our shop](https://shop.vn/a)' is written as a Markdown link.",
            "Write only the address: https://shop.vn/a",
        ),
        (
            "<https://shop.vn/a>",
            "website link '<https://shop.vn/a>' contains spaces or characters not allowed in a "
            "web address.",
            "Remove them.",
        ),
    ],
)
def test_a_bracketed_address_says_what_is_wrong(value: str, message: str, hint: str) -> None:
    """Never 'must start with https://' for an address that does."""
    with pytest.raises(LinkError) as exc:
        validate_link("website", value)
    assert (exc.value.message, exc.value.hint) == (message, hint)


def test_link_messages_are_translatable_data() -> None:
    """Messages carry their template, so Vietnamese is found without matching English text."""
    from site_builder.messages import Msg, _, language, set_language

    with pytest.raises(LinkError) as exc:
        validate_link("website", "[Our shop](https://shop.vn/a)")
    assert isinstance(exc.value.message, Msg) and isinstance(exc.value.hint, Msg)
    before = language()
    set_language("vi")
    try:
        message, hint = _(exc.value.message), _(exc.value.hint)
    finally:
        set_language(before)
    assert message == (
        "liên kết website '[Our shop](https://shop.vn/a)' đang được viết theo kiểu liên kết "
        "Markdown."
    )
    assert hint == "Chỉ viết địa chỉ thôi: https://shop.vn/a"
