"""Search folds traditional characters to simplified, full-width to half-width and case, so
黨員 finds 党员 and ＡＢＣ finds abc. Both sides are folded: the query here, the stored text in
a folded column written with the text (`Member.name_folded`)."""

from __future__ import annotations

import functools
import unicodedata

import zhconv


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    return str(zhconv.convert(unicodedata.normalize("NFKC", text), "zh-hans")).casefold()
