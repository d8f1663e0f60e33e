"""Process-wide memos, and the one rule they all keep: patient data is never remembered.

Documents made from one source share most of their strings, paragraphs and font subsets,
so the render path remembers parses, markup and subsets (Typst memoises likewise). A
personalised copy sets a patient's name through that same path. Inside `private()` a memo
learns nothing: it computes afresh and keeps nothing, so no name, date or character of a
patient outlives the request (tests/test_overlay.py looks into every memo after copies
for a fake patient). Every memo is made here (`remembered`) or asks `learning()` before
it keeps anything, so the test knows them all.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import Callable

_PRIVATE = contextvars.ContextVar("pressroom_private", default=False)
MEMOS: list[Callable] = []  # every lru memo made by `remembered`, for tests and `forget`


@contextmanager
def private():
    """Patient data is being set: memos answer, but keep nothing new."""
    token = _PRIVATE.set(True)
    try:
        yield
    finally:
        _PRIVATE.reset(token)


def learning() -> bool:
    """Whether a memo may keep what it computes now (false inside `private()`)."""
    return not _PRIVATE.get()


def remembered(maxsize: int | None):
    """functools.lru_cache that keeps nothing inside `private()`."""
    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)
        MEMOS.append(cached)

        @wraps(function)
        def call(*args):
            return cached(*args) if not _PRIVATE.get() else function(*args)

        call.cache_clear, call.cache_info = cached.cache_clear, cached.cache_info
        return call
    return decorate
