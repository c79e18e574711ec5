"""Search folds traditional characters to simplified, so 黨員 finds 党员."""

from __future__ import annotations

import functools

import zhconv


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    return str(zhconv.convert(text, "zh-hans"))
