"""Chinese text to sparse TF-IDF vectors: jieba words plus the concepts they stand for.

A resident writes "老伴住院了，我一个人照顾不过来"; a unit writes "居家照护喘息服务". They share
no word, but "住院" and "照顾不过来" stand for the concepts 照护 and 喘息服务, and so does "照护"
itself. Each document's vector therefore has two parts: its words (title words counted
``Weights.title`` times) and its concepts (each counted ``Weights.concept`` times per word that
stands for it). Both parts are weighted by log(1 + count) × IDF over all documents of the run
and the whole vector is L2-normalised, so a dot product is a cosine in [0, 1].

The word list (``data/userdict.txt``), the concept table (``data/concepts.txt``) and the stop
words (``data/stopwords.txt``) are plain text files in the package: general service vocabulary
that any district's lists would contain, to be extended by editing the files.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

import jieba
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

DATA_DIR = Path(__file__).resolve().parent / "data"
CONCEPT_PREFIX = "#"
# Below this many distinct blocks, one process is faster than starting workers.
PARALLEL_THRESHOLD = 5_000

_KEEP = re.compile(r"[\u3400-\u9fffA-Za-z]")
_DIGITS = re.compile(r"^[0-9.%]+$")

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The concept table and stop words, loaded once."""

    concepts_of: dict[str, tuple[str, ...]]  # word -> the concepts it stands for
    stopwords: frozenset[str]


def _read_lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    concepts: dict[str, list[str]] = {}
    for line in _read_lines("concepts.txt"):
        name, _, rest = line.partition("=")
        name = name.strip()
        for word in [name, *rest.split()]:
            bucket = concepts.setdefault(word, [])
            if name not in bucket:
                bucket.append(name)
    return Vocabulary(
        concepts_of={word: tuple(names) for word, names in concepts.items()},
        stopwords=frozenset(_read_lines("stopwords.txt")),
    )


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """A private jieba tokenizer with the domain words (the global one is left alone)."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tk.load_userdict(str(DATA_DIR / "userdict.txt"))
    for word in vocabulary().concepts_of:
        if len(word) > 1 and tk.FREQ.get(word, 0) < 2000:
            tk.add_word(word, freq=2000)
    return tk


# full-width letters and digits (Ａ１) to plain ones; punctuation separates blocks either way
_WIDTH = {0xFF01 + i: 0x21 + i for i in range(94)}
_HAS_WIDE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")


def normalise(text: str) -> str:
    if _HAS_WIDE.search(text):
        text = text.translate(_WIDTH)
    return text.lower()


def tokenize(text: str) -> list[str]:
    """The meaningful words of ``text``, in order: stop words, numbers, punctuation and single
    characters (unless the concept table knows them, like 药 or 税) are dropped."""
    voc = vocabulary()
    words: list[str] = []
    for raw in tokenizer().lcut(normalise(text), HMM=False):
        word = raw.strip()
        if (
            word
            and word not in voc.stopwords
            and (len(word) > 1 or word in voc.concepts_of)
            and _KEEP.search(word)
            and not _DIGITS.match(word)
        ):
            words.append(word)
    return words


def _tokenize_chunk(blocks: list[str]) -> list[list[str]]:
    return [tokenize(b) for b in blocks]


@dataclass(frozen=True, slots=True)
class _Blocks:
    """Texts cut into blocks: ``unique`` blocks, their ``tokens``, and which text holds which
    block (``text_of`` and ``block_of``, one entry per occurrence)."""

    unique: list[str]
    tokens: list[list[str]]
    text_of: npt.NDArray[np.int64]
    block_of: npt.NDArray[np.int64]


def _segment(texts: Sequence[str], workers: int | None) -> _Blocks:
    """jieba segments each run of Han characters and letters (a "block", between punctuation)
    on its own, so each distinct block is segmented once, however many texts contain it;
    lists written from the same templates repeat many blocks. With many distinct blocks
    they are segmented in ``workers`` processes: ``None`` means all CPUs when there are at
    least ``PARALLEL_THRESHOLD`` blocks, ``1`` never starts a process. The result does not
    depend on ``workers``."""
    findall = jieba.re_han_default.findall
    per_text = [findall(normalise(t)) for t in texts]
    lengths = np.fromiter(map(len, per_text), np.int64, len(per_text))
    flat = list(chain.from_iterable(per_text))
    block_id = {b: i for i, b in enumerate(dict.fromkeys(flat))}
    block_of = np.fromiter(map(block_id.__getitem__, flat), np.int64, len(flat))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    unique = list(block_id)
    tokenizer()  # load the dictionary before forking, so workers share it
    if workers is None:
        workers = (os.cpu_count() or 1) if len(unique) >= PARALLEL_THRESHOLD else 1
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        size = max(1, len(unique) // (workers * 8) + 1)
        chunks = [unique[i : i + size] for i in range(0, len(unique), size)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_tokenize_chunk, chunks)
        tokens = [words for part in parts for words in part]
    else:
        tokens = _tokenize_chunk(unique)
    return _Blocks(unique, tokens, text_of, block_of)


def tokenize_many(texts: Sequence[str], workers: int | None = None) -> list[list[str]]:
    """The same as ``[tokenize(t) for t in texts]``, each distinct block segmented once."""
    blocks = _segment(texts, workers)
    out: list[list[str]] = [[] for _ in texts]
    for t, b in zip(blocks.text_of.tolist(), blocks.block_of.tolist(), strict=True):
        out[t].extend(blocks.tokens[b])
    return out


@dataclass(frozen=True, slots=True)
class Vectors:
    """TF-IDF vectors of all documents of one run (demands first, then resources).

    ``matrix`` columns are features: the first ``n_words`` are words, the rest concepts.
    ``words`` is the raw word-count matrix, kept to explain concept matches.
    """

    matrix: sp.csr_matrix
    words: sp.csr_matrix
    features: list[str]
    n_words: int


def vectorise(
    titles: Sequence[str],
    descriptions: Sequence[str],
    *,
    title_weight: float,
    concept_weight: float,
    workers: int | None = None,
) -> Vectors:
    voc = vocabulary()
    n = len(titles)
    blocks = _segment([*titles, *descriptions], workers)
    index = {w: i for i, w in enumerate(dict.fromkeys(chain.from_iterable(blocks.tokens)))}
    n_words = len(index)
    flat = list(chain.from_iterable(blocks.tokens))
    per_block = np.fromiter(map(len, blocks.tokens), np.int64, len(blocks.tokens))
    block_words = sp.csr_matrix(
        (
            np.ones(len(flat), dtype=np.float32),
            (
                np.repeat(np.arange(len(blocks.tokens)), per_block),
                np.fromiter(map(index.__getitem__, flat), np.int64, len(flat)),
            ),
        ),
        shape=(len(blocks.tokens), n_words),
        dtype=np.float32,
    )
    text_blocks = sp.csr_matrix(
        (np.ones(blocks.text_of.size, dtype=np.float32), (blocks.text_of, blocks.block_of)),
        shape=(2 * n, len(blocks.tokens)),
        dtype=np.float32,
    )
    counts = (text_blocks @ block_words).tocsr()
    words = (counts[:n] * np.float32(title_weight) + counts[n:]).tocsr()
    words.sum_duplicates()

    # word -> concept incidence, then concept counts for every document at once
    concept_index: dict[str, int] = {}
    w_rows: list[int] = []
    c_cols: list[int] = []
    for word, col in index.items():
        for name in voc.concepts_of.get(word, ()):
            w_rows.append(col)
            c_cols.append(concept_index.setdefault(name, len(concept_index)))
    incidence = sp.csr_matrix(
        (np.ones(len(w_rows), dtype=np.float32), (np.asarray(w_rows), np.asarray(c_cols))),
        shape=(n_words, len(concept_index)),
        dtype=np.float32,
    )
    concepts = (words @ incidence) * np.float32(concept_weight)
    tf = sp.hstack([words, concepts], format="csr", dtype=np.float32)
    tf.sum_duplicates()
    tf.eliminate_zeros()
    tf.data = np.log1p(tf.data)

    df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    tf.data *= idf[tf.indices]
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel()).astype(np.float32)
    norms[norms == 0] = 1.0
    tf.data /= np.repeat(norms, np.diff(tf.indptr))

    features = list(index) + [CONCEPT_PREFIX + name for name in concept_index]
    return Vectors(matrix=tf, words=words, features=features, n_words=n_words)
