"""Document frequencies of terms and signal keys, counted as articles arrive and blended with a
document-frequency prior shipped with the package (``khulasa/data/story_trees_df.tsv.gz``).

The prior is built by ``benchmarks/stories_trees_prior.py`` from the ANT archive WITHOUT the held-out
span 2018-06-10..2018-06-20 and without the articles of the held-out topic sets: nothing held out for
evaluation is counted in it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources

from khulasa.errors import StoryRunError
from khulasa.stories.signals import EventSignals

PRIOR_FILE = "data/story_trees_df.tsv.gz"
PRIOR_FORMAT = "khulasa story-trees document frequencies, format 1"

# Namespaces of the non-term keys in the document frequencies.
ENTITY_KEY, NUMBER_KEY = "e:", "n:"


class Frequencies:
    """Document frequencies of terms and signal keys, counted as articles arrive, topped up by a prior.

    ``idf(key) = ln((n + m + 1) / (df + m * prior_df / prior_n + 1)) + 1`` with ``m = max(0, M - n)``:
    the run's ``n`` articles and their counts ``df``, plus the shipped prior's frequencies
    (``DocumentPrior``) scaled to ``m`` pseudo-articles, where ``M`` is ``TreeOptions.prior_articles``.
    The IDF is thus always estimated from at least ``M`` articles: a run of five articles gets the IDF
    of Arabic news at large (on its own, every word of a five-article run is in one to five of them and
    says nothing), and from its ``M``-th article on a run uses its own counts alone, exactly as without
    a prior.  Computed per key (an article's few hundred keys), so counting one more article costs
    nothing else.
    """

    def __init__(self, df: Mapping[str, int] | None = None, n: int = 0, prior_articles: int = 0) -> None:
        self.df: Counter[str] = Counter(df or {})
        self.n = n
        self.prior_articles = prior_articles
        self.prior: Mapping[str, int] = document_prior().df if prior_articles else {}
        self._prior_n = document_prior().n if prior_articles else 1

    def add(self, keys: Iterable[str]) -> None:
        self.df.update(keys)
        self.n += 1

    def _pseudo(self) -> float:
        """The prior's weight now, in articles: what the run lacks of ``prior_articles``."""
        return max(0, self.prior_articles - self.n)

    def idf(self, key: str) -> float:
        return self.idfs((key,))[0]

    def idfs(self, keys: Iterable[str]) -> list[float]:
        """``idf`` of many keys (one ``log`` of the total, one per key)."""
        get, log = self.df.get, math.log
        m = self._pseudo()
        top = log(self.n + m + 1) + 1.0
        if not m:
            return [top - log(get(k, 0) + 1) for k in keys]
        prior, scale = self.prior.get, m / self._prior_n
        return [top - log(get(k, 0) + scale * prior(k, 0) + 1) for k in keys]


@dataclass(frozen=True)
class DocumentPrior:
    """Document frequencies of Arabic news, shipped with the package (``PRIOR_FILE``): ``n`` articles
    counted, ``df`` per key (terms, ``e:`` entities, ``n:`` figures), ``digest`` naming the table (a
    saved state records it: a run continues with the prior it began with)."""

    n: int
    df: Mapping[str, int]
    digest: str


@functools.lru_cache(maxsize=1)
def document_prior() -> DocumentPrior:
    """The shipped prior (``benchmarks/stories_trees_prior.py`` builds it), read once per process."""
    raw = resources.files("khulasa").joinpath(PRIOR_FILE).read_bytes()
    lines = gzip.decompress(raw).decode("utf-8").splitlines()
    if lines[0] != f"# {PRIOR_FORMAT}" or not lines[1].startswith("# articles\t"):
        raise StoryRunError(f"{PRIOR_FILE} is not a story-trees prior of format {PRIOR_FORMAT!r}")
    df = {}
    for line in lines[2:]:
        key, _, count = line.rpartition("\t")
        df[key] = int(count)
    return DocumentPrior(int(lines[1].split("\t")[1]), df, hashlib.sha1(raw).hexdigest()[:16])


def signal_keys(s: EventSignals) -> list[str]:
    """An article's entity and figure keys, namespaced as the document frequencies count them."""
    return [*(ENTITY_KEY + e for e in s.entities), *(NUMBER_KEY + n for n in s.numbers)]

