"""Frozen dataclasses that unpickle quickly.

A dataclass with `slots=True` pickles its state as a list and unpickles it with the
dataclass module's `__setstate__`, which asks `dataclasses.fields()` for the field names
again for every object and sets each through `object.__setattr__`. The item cache
(content/itemcache.py) holds ~7 such objects per item (14,000 at 2,000 items).
`unpickled_by_init` has the class pickled as a call of the class itself with its fields'
values, as `NamedTuple`s are: the same objects, and unpickling that cache took 77 ms
instead of 90 ms (measured 2026-12-06; the rest is the stories' text and the paths).
"""

from __future__ import annotations

import dataclasses
import operator
from typing import Any, TypeVar

T = TypeVar("T")


def unpickled_by_init(cls: type[T]) -> type[T]:
    """`cls` (a dataclass, every field set by position in `__init__`), pickled as
    `cls(*values)`."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if not fields or any(not f.init or f.kw_only for f in fields):
        raise TypeError(f"{cls.__name__}: every field must be a positional __init__ argument")
    get = operator.attrgetter(*(f.name for f in fields))
    single = len(fields) == 1

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        values = get(self)
        return cls, ((values,) if single else values)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
