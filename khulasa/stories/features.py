"""What the story clusterer keeps of an article: a compact term vector, a MinHash signature, a date.

Computed once per article, in any process (the Spark engine computes them on executors), and small
enough to spill to disk: the clusterer never needs the text.

- Terms are ``khulasa.text.normalize.terms`` (stemmed, stopwords removed).  Term weight is ``1 + log tf``
  where title and first-paragraph occurrences count double, since news puts its actors and places
  there (the "inverted pyramid").  IDF is applied later, by the clusterer, once document
  frequencies are known.
- The signature is a MinHash (Broder, "On the resemblance and containment of documents", 1997;
  datasketch) of the article's shingles: consecutive content-term 3-grams.  Shingles are hashed with
  CRC-32, so signatures are the same in every process and on every run.
"""

from __future__ import annotations

import datetime as dt
import functools
import pickle
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.signals import EventSignals, extract_signals
from khulasa.text.normalize import TokenCache
from khulasa.text.normalize import terms as stemmed_terms

NUM_PERM = 64
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"
SHINGLE = 3
_MASK32 = np.uint64(0xFFFFFFFF)
# Odd multipliers that mix three 32-bit term hashes into one shingle hash (order-sensitive).
_P1 = np.uint64(0x9E3779B1)
_P2 = np.uint64(0x85EBCA77)


@dataclass(frozen=True)
class ArticleFeatures:
    """The clusterer's view of one article.

    ``seq`` is the arrival order; ``date`` the publication date, or for an undated article the date of
    the dated article read just before it (``dated`` tells which).  ``terms``/``weights`` are the
    article's distinct stemmed terms with their (pre-IDF) weights, ``signature`` its MinHash values
    (``NUM_PERM`` unsigned 32-bit integers).  ``signals`` are the article's event signals
    (``khulasa.stories.signals``), computed only for a clusterer that reads them (the story trees).
    """

    seq: int
    id: str
    date: dt.date | None
    dated: bool
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    signature: bytes
    signals: EventSignals | None = None

    @property
    def order_key(self) -> tuple[int, str, int]:
        """Clustering order: by date, then id (so input order does not matter), then arrival."""
        return (self.date.toordinal() if self.date else 0, self.id, self.seq)

    def signature_array(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype=np.uint32)


_CRC = TokenCache(lambda term: zlib.crc32(term.encode("utf-8")), 1 << 20)
"""term -> CRC-32 of its UTF-8."""


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


def shingle_hashes(term_seq: list[str]) -> np.ndarray:
    """Distinct 32-bit hashes of the consecutive term 3-grams (the terms themselves if fewer)."""
    if not term_seq:
        return np.zeros(0, dtype=np.uint64)
    h = np.array(list(map(_CRC.__getitem__, term_seq)), dtype=np.uint64)
    if len(h) >= SHINGLE:
        h = (h[:-2] * _P1 + h[1:-1] * _P2 + h[2:]) & _MASK32
    return np.unique(h)


def minhash_signature(term_seq: list[str]) -> bytes:
    """The MinHash signature of an article's shingles, as ``NUM_PERM`` little-endian uint32."""
    hashes = shingle_hashes(term_seq)
    m = MinHash(
        num_perm=NUM_PERM, seed=MINHASH_SEED, hashfunc=int, permutations=_permutations(), scheme=MINHASH_SCHEME
    )
    if len(hashes):
        m.update_batch(hashes.tolist())
    return m.hashvalues.astype("<u4").tobytes()


def term_weights(article: Article) -> tuple[tuple[str, ...], tuple[float, ...], list[str]]:
    """Distinct terms and their weights, plus the body's term sequence (for shingles)."""
    first_paragraph, _, rest = article.text.partition("\n")
    lead = stemmed_terms(first_paragraph)
    body = lead + stemmed_terms(rest)
    counts = Counter(body)
    counts.update(lead)
    if article.title:
        counts.update(stemmed_terms(article.title) * 2)
    ordered = sorted(counts)
    weights = 1.0 + np.log(np.array([counts[t] for t in ordered], dtype=np.float64))
    return tuple(ordered), tuple(weights.tolist()), body


def extract(article: Article, seq: int, date: dt.date | None = None, *, signals: bool = False) -> ArticleFeatures:
    """Features of one article; ``date`` overrides ``article.date`` (an undated article's inherited date);
    with ``signals``, its event signals too (``khulasa.stories.cluster.needs_signals``)."""
    names, weights, body = term_weights(article)
    return ArticleFeatures(
        seq=seq,
        id=article.id,
        date=article.date if article.date is not None else date,
        dated=article.date is not None,
        terms=names,
        weights=weights,
        signature=minhash_signature(body),
        signals=extract_signals(article) if signals else None,
    )


def features_payloads(
    chunk: list[tuple[int, bytes, dt.date | None]], signals: bool = False, frequencies: bool = True
) -> tuple[list[tuple[bytes, tuple[int, str, int]]], Counter[str]]:
    """Features of pickled articles ``(seq, article, date)``, for a worker process of the embedded engine.

    Returns each article's pickled features with its ``order_key``, and the chunk's document
    frequencies (empty without ``frequencies``: ``khulasa.stories.cluster.needs_frequencies``): what the
    engine stores, without unpickling the features again.
    """
    out = []
    counts: Counter[str] = Counter()
    for seq, payload, date in chunk:
        f = extract(pickle.loads(payload), seq, date, signals=signals)
        if frequencies:
            counts.update(f.terms)
        out.append((spool.dumps(f), f.order_key))
    return out, counts


def with_effective_dates(articles: Iterable[Article]) -> Iterator[tuple[int, Article, dt.date | None]]:
    """``(seq, article, date)``: an undated article takes the date of the last dated one before it.

    A feed with a few missing dates keeps them in their place in time; an undated input stays undated.
    """
    last: dt.date | None = None
    for seq, article in enumerate(articles):
        if article.date is not None:
            last = article.date
        yield seq, article, article.date if article.date is not None else last
