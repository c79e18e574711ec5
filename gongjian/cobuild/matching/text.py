"""Chinese text to sparse TF-IDF vectors: words, what they mean, and their characters.

A resident writes "老人洗澡成难题"; a unit writes "上门助浴服务". Three signals, each a block of
one vector:

* **words**: jieba words (a private tokenizer with a domain word list), stop words dropped;
* **meanings**: for each word, the synonym rows of the HIT Tongyici Cilin (Extended) it is in
  (洗澡 and 沐浴 share a row; :mod:`.thesaurus`), plus the concepts of a short table of
  party-building terms no general thesaurus knows (``data/concepts.txt``: 双报到, 结对 …);
* **characters**: character bigrams and single characters of the text, robust to segmentation
  and to words no dictionary has (助浴 shares 浴 with 洗浴).

Title words and characters count ``title`` times, description ones once. In each block the
counts are weighted by log(1 + count) × IDF over all documents of the run (the campaign's own
lists, so what every list says weighs little) and L2-normalised; the blocks are then scaled by
the square roots of their weights (``Weights.words``, ``concept``, ``chars``) and the whole
vector normalised, so a dot product is a cosine in [0, 1] that mixes the three block cosines in
proportion to their weights. Traditional characters are read as simplified ones.
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

from .thesaurus import thesaurus

DATA_DIR = Path(__file__).resolve().parent / "data"
CONCEPT_PREFIX = "#"
CHAR_PREFIX = "~"
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


@lru_cache(maxsize=1)
def _simplified() -> tuple[re.Pattern[str], dict[int, str]]:
    """Traditional characters and their simplified forms (zhconv's zh-cn table, one character
    for one: enough for matching, and a translate is fast), and a pattern that finds them."""
    from zhconv import zhconv

    table = {
        k: v
        for k, v in zhconv.getdict("zh-cn").items()
        if len(k) == 1 and len(v) == 1 and k != v and "\u3400" <= k <= "\U0002ffff"
    }
    pattern = re.compile("[" + "".join(sorted(table)) + "]")
    return pattern, {ord(k): v for k, v in table.items()}


def normalise(text: str) -> str:
    """Full-width letters and digits to plain ones, traditional characters to simplified ones,
    lower case."""
    if _HAS_WIDE.search(text):
        text = text.translate(_WIDTH)
    pattern, table = _simplified()
    if pattern.search(text):
        text = text.translate(table)
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


@lru_cache(maxsize=65536)
def _block_tokens(block: str) -> tuple[str, ...]:
    """The words of one block, remembered: a caller that vectorises the same texts again
    (the consult app's unit profiles, at each proposal) segments each block once."""
    return tuple(tokenize(block))


def _tokenize_chunk(blocks: list[str]) -> list[list[str]]:
    return [list(_block_tokens(b)) for b in blocks]


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


def meanings_of(word: str) -> tuple[str, ...]:
    """The meaning features a word stands for: the concepts of the party-building table (by
    name) and the Cilin synonym rows (by code)."""
    return vocabulary().concepts_of.get(word, ()) + thesaurus().rows_of.get(word, ())


def meaning_name(key: str) -> str:
    """How a reason names a meaning feature: a table concept by its name, a Cilin row by its
    first word."""
    return thesaurus().head.get(key, key)


@lru_cache(maxsize=1)
def _stop_codepoints() -> npt.NDArray[np.int64]:
    return np.array(sorted(ord(w) for w in vocabulary().stopwords if len(w) == 1), np.int64)


def char_grams(text: str) -> list[str]:
    """The characters and character bigrams of ``text`` that the character block counts: Han
    characters only, stop characters (的, 了 …) dropped, bigrams not across punctuation or a
    stop character."""
    counts, features = _char_counts([normalise(text)])
    return [features[i] for i in counts.indices.tolist()]


def _char_counts(blocks: Sequence[str]) -> tuple[sp.csr_matrix, list[str]]:
    """Block × character-gram counts (single characters and bigrams), vectorised over all the
    blocks at once."""
    joined = "\x00".join(blocks) + "\x00"
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    row = np.cumsum(cps == 0) - (cps == 0)
    han = ((cps >= 0x3400) & (cps <= 0x9FFF)) | ((cps >= 0x20000) & (cps <= 0x2FFFF))
    han &= ~np.isin(cps, _stop_codepoints())
    uni = np.flatnonzero(han)
    bi = np.flatnonzero(han[:-1] & han[1:])
    codes = np.concatenate([cps[uni], (cps[bi] << 21) | cps[bi + 1]])
    rows = np.concatenate([row[uni], row[bi]])
    vocab, cols = np.unique(codes, return_inverse=True)
    counts = sp.csr_matrix(
        (np.ones(codes.size, dtype=np.float32), (rows, cols.ravel())),
        shape=(len(blocks), vocab.size),
        dtype=np.float32,
    )
    counts.sum_duplicates()
    features = [
        chr(c) if c < (1 << 21) else chr(c >> 21) + chr(c & ((1 << 21) - 1)) for c in vocab.tolist()
    ]
    return counts, features


@dataclass(frozen=True, slots=True)
class Vectors:
    """TF-IDF vectors of all documents of one run (demands first, then resources).

    ``matrix`` columns are features: the first ``n_words`` are words, the next ``n_concepts``
    meanings (``#`` + a table concept or a Cilin row code), the rest character grams (``~`` +
    the characters). ``words`` is the raw word-count matrix, kept to explain meaning matches.
    """

    matrix: sp.csr_matrix
    words: sp.csr_matrix
    features: list[str]
    n_words: int
    n_concepts: int = 0


def _weigh(tf: sp.csr_matrix, n_docs: int) -> sp.csr_matrix:
    """log(1 + count) × smoothed IDF over the run's documents, each row L2-normalised."""
    tf = tf.tocsr()
    tf.sum_duplicates()
    tf.eliminate_zeros()
    tf.data = np.log1p(tf.data)
    df = np.bincount(tf.indices, minlength=tf.shape[1]).astype(np.float64)
    idf = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
    tf.data *= idf[tf.indices]
    norms = np.sqrt(np.asarray(tf.multiply(tf).sum(axis=1)).ravel()).astype(np.float32)
    norms[norms == 0] = 1.0
    tf.data /= np.repeat(norms, np.diff(tf.indptr))
    return tf


def vectorise(
    titles: Sequence[str],
    descriptions: Sequence[str],
    *,
    title_weight: float,
    concept_weight: float,
    workers: int | None = None,
    word_weight: float = 1.0,
    char_weight: float = 0.0,
) -> Vectors:
    """Vectors of ``titles[i]`` + ``descriptions[i]``, one block per signal (see the module
    docstring), mixed as ``word_weight``, ``concept_weight`` and ``char_weight``; a weight of 0
    leaves its block out."""
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

    def per_document(block_counts: sp.csr_matrix) -> sp.csr_matrix:
        counts = (text_blocks @ block_counts).tocsr()
        out = (counts[:n] * np.float32(title_weight) + counts[n:]).tocsr()
        out.sum_duplicates()
        return out

    words = per_document(block_words)

    # word -> meaning incidence, then meaning counts for every document at once
    concept_index: dict[str, int] = {}
    w_rows: list[int] = []
    c_cols: list[int] = []
    if concept_weight > 0:
        for word, col in index.items():
            for key in meanings_of(word):
                w_rows.append(col)
                c_cols.append(concept_index.setdefault(key, len(concept_index)))
    incidence = sp.csr_matrix(
        (np.ones(len(w_rows), dtype=np.float32), (np.asarray(w_rows), np.asarray(c_cols))),
        shape=(n_words, len(concept_index)),
        dtype=np.float32,
    )
    concepts = words @ incidence

    if char_weight > 0:
        block_chars, char_features = _char_counts(blocks.unique)
        chars = per_document(block_chars)
    else:
        char_features = []
        chars = sp.csr_matrix((n, 0), dtype=np.float32)

    parts: list[sp.csr_matrix] = []
    present = np.zeros(n, dtype=np.float32)
    for block, weight in ((words, word_weight), (concepts, concept_weight), (chars, char_weight)):
        weighted = _weigh(block, n)
        if weight <= 0:
            weighted = weighted * np.float32(0.0)
        else:
            present += (np.diff(weighted.indptr) > 0) * np.float32(weight)
            weighted = weighted * np.float32(np.sqrt(weight))
        parts.append(weighted.tocsr())
    tf = sp.hstack(parts, format="csr", dtype=np.float32)
    tf.eliminate_zeros()
    scale = np.sqrt(present)
    scale[scale == 0] = 1.0
    tf.data /= np.repeat(scale, np.diff(tf.indptr))

    features = (
        list(index)
        + [CONCEPT_PREFIX + key for key in concept_index]
        + [CHAR_PREFIX + g for g in char_features]
    )
    return Vectors(
        matrix=tf, words=words, features=features, n_words=n_words, n_concepts=len(concept_index)
    )
