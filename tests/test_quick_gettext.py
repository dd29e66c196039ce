"""The templates' `_` (render/html.py `quick_gettext`) says what Jinja's own newstyle
gettext says: the same text, escaped the same way, for messages with and without
variables, `%%`, markup in a translation and in a variable, inside and outside
`{% autoescape false %}`, with the project's real catalogue and a made-up one."""

from __future__ import annotations

import gettext
from pathlib import Path

import jinja2
import pytest

from site_builder.render.catalog_cache import site_translations
from site_builder.render.html import quick_gettext

REPO = Path(__file__).resolve().parent.parent

TEMPLATE = """
{{ _("Price") }}|{{ _("Skip to content") }}|{{ gettext("Phone") }}
{{ _("Call %(number)s", number=phone) }}
{{ _("Buy on %(shop)s", shop=shop) }}
{{ _("100%% made by hand") }}|{{ _("a <b>bold</b> word") }}
{{ _("Only Vietnamese banking apps can pay this way (VietQR). In your banking app, transfer to %(payee)s with the account below.", payee=payee) }}
{% autoescape false %}{{ _("Call %(number)s", number=phone) }}|{{ _("a <b>bold</b> word") }}{% endautoescape %}
{% for i in range(3) %}{{ _("Price") }}{{ _("Buy on %(shop)s", shop=i) }}{% endfor %}
{% trans %}Commune{% endtrans %}|{% trans name=shop %}Hello {{ name }}{% endtrans %}
"""


class Made(gettext.NullTranslations):
    """A catalogue with markup and a percent sign in its translations."""

    TABLE = {
        "Price": "Giá <small>(VND)</small>",
        "Call %(number)s": "Gọi %(number)s",
        "100%% made by hand": "100%% làm bằng tay",
        "Hello %(name)s": "Xin chào %(name)s & bạn",
    }

    def gettext(self, message: str) -> str:
        return self.TABLE.get(message, message)


def environment(translations: gettext.NullTranslations, quick: bool) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    if quick:
        env.globals["_"] = env.globals["gettext"] = quick_gettext(translations)
    return env


@pytest.mark.parametrize("catalogue", ["vi", "en", "made up"])
def test_the_quick_gettext_renders_what_jinja_renders(catalogue: str) -> None:
    if catalogue == "made up":
        translations: gettext.NullTranslations = Made()
    else:
        translations = site_translations(REPO / "locale", catalogue)
    values = {"phone": "0912 <345> & 678", "shop": "Shopee", "payee": 'HTX "Xín Mần" <b>'}
    stock = environment(translations, quick=False).from_string(TEMPLATE).render(**values)
    ours = environment(translations, quick=True).from_string(TEMPLATE)
    assert ours.render(**values) == stock
    assert ours.render(**values) == stock  # (the second time from what it remembered)
    if catalogue == "vi":
        assert "Giá" in stock  # the real catalogue was used
    if catalogue == "made up":
        assert "Giá &lt;small&gt;" not in stock and "<small>(VND)</small>" in stock
        assert "0912 &lt;345&gt; &amp; 678" in stock and "100% làm bằng tay" in stock


def test_a_message_with_a_missing_variable_fails_as_in_jinja() -> None:
    template = '{{ _("Call %(number)s") }}'
    for quick in (False, True):
        with pytest.raises(KeyError):
            environment(Made(), quick).from_string(template).render()
