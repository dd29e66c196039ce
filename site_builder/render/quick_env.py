"""Jinja2's `Environment`, with a page view's keys looked up at once.

A template's `item.title` compiles to `environment.getattr(item, "title")`, which asks for
an attribute first and for a key only when that fails. Page views are plain dicts
(render/html.py), so nearly every lookup raised and caught an `AttributeError` before
finding the key: ~120 a page, 470,000 at 2,000 items, ~16 % of rendering an item page.

`QuickEnvironment.getattr` answers the same: for a plain `dict` (not a subclass) and a
name that is not one of `dict`'s own attributes (`items`, `get`, `keys` ...: those are
found as attributes, as before), the attribute lookup cannot succeed, so the key is looked
up first; a missing key goes the library's way (its undefined value, with its message).
tests/test_quick_env.py compares pages rendered both ways.
"""

from __future__ import annotations

from typing import Any

import jinja2

DICT_ATTRIBUTES = frozenset(dir(dict))  # what `getattr` finds on a plain dict


class QuickEnvironment(jinja2.Environment):
    """`jinja2.Environment` whose `getattr` finds a plain dict's key without first failing
    to find an attribute of that name."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)
