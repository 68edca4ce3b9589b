"""Evaluation data: each loader yields ``EvalItem(id, articles, references)``.

* EASC, the Essex Arabic Summaries Corpus (El-Haj, Kruschwitz & Fox, 2010): 153 articles
  (``Articles/TopicN/*``), five extractive human summaries each (``MTurk/TopicN/D*.M.250.*.*``).
  Files carry BOMs and mixed line ends, and the summaries fold alef/hamza; both sides are read with
  ``khulasa.ingest``'s decoder and cleaner, and ROUGE normalizes both sides, so that is harmless.
  44 articles are hard-wrapped (lines cut mid-sentence); ``unwrap_hard_wraps`` rejoins those lines.
  (The references of those articles glue the two words at each such cut, ``جلالةالملك``: a flaw of the
  corpus that costs every system the same.)
* ANT-BBC, the BBC Arabic part of the ANT corpus v2.1 (Chouigui, Ben Khiroun & Elayeb, 2021): TREC
  ``<DOC>`` files read by ``khulasa.ingest.iter_articles``; ``TEXT`` is the input and BBC's own
  one-sentence ``ABSTRACT`` (kept in ``Article.extra``) the single reference.  Documents with an empty
  text or abstract are skipped.  ``limit`` takes a deterministic sample: the ``limit`` ids with the
  smallest SHA-256 (``sample``; every loader's ``limit`` works so).
* generic: ``ROOT/inputs/<cluster>/*`` (anything ``khulasa.load`` reads) with
  ``ROOT/references/<cluster>/*`` (plain text, one reference per file).

The data is never copied into the repository: loaders read it where it lies (``../shared/data``).
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from khulasa.errors import NoInputError
from khulasa.ingest import clean_text, iter_articles, load, read_bytes_as_text
from khulasa.models import Article

log = logging.getLogger(__name__)

DATASETS = ("easc", "ant-bbc")


@dataclass(frozen=True)
class EvalItem:
    """One thing to summarize (``articles``: one or a cluster) and its reference summaries.

    ``paths`` are the files the item was read from (archive members as ``archive:member``), so a
    quality gate can pin the exact data with a hash.
    """

    id: str
    articles: tuple[Article, ...]
    references: tuple[str, ...]
    paths: tuple[str, ...] = ()


def read_text_file(path: Path) -> str:
    """A text file decoded and cleaned exactly as ``khulasa.ingest`` does for articles."""
    text, _ = read_bytes_as_text(path.read_bytes(), name=str(path))
    return clean_text(text)


def _natural_key(name: str) -> tuple[object, ...]:
    return tuple(int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name))


def sample(items: Sequence[EvalItem], limit: int | None) -> list[EvalItem]:
    """A deterministic sample: the ``limit`` items whose ids have the smallest SHA-256, in id order.

    Hashing spreads the sample over a corpus's sections and makes it independent of reading order.
    """
    if limit is not None and limit < len(items):
        items = heapq.nsmallest(limit, items, key=lambda i: hashlib.sha256(i.id.encode("utf-8")).digest())
    return sorted(items, key=lambda i: _natural_key(i.id))


# --- EASC ------------------------------------------------------------------------------------------

# A line that ends a sentence: final punctuation, then any closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?؟:…][\"'»”’)\]]*\s*$")
WRAP_MIN_WORDS = 8


def unwrap_hard_wraps(text: str, min_words: int = WRAP_MIN_WORDS) -> str:
    """Join lines that were cut mid-sentence by a fixed line width (44 of EASC's 153 articles are).

    A line is joined to the next when it has at least ``min_words`` words and does not end a sentence;
    shorter lines (headings, the short tail of a paragraph) keep their line break.  Khulasa's segmenter
    ends a sentence at every newline, so without this those articles would be cut into fragments.
    """
    out: list[str] = []
    previous = ""
    for line in text.split("\n"):
        if out and line.strip() and len(previous.split()) >= min_words and not _ENDS_SENTENCE.search(previous):
            out[-1] = out[-1].rstrip() + " " + line.lstrip()
        else:
            out.append(line)
        previous = line
    return "\n".join(out)



def easc_root(root: Path) -> Path:
    """Accept the corpus folder itself or its parent (``.../easc`` holding ``EASC-UTF-8``)."""
    for candidate in (root, root / "EASC-UTF-8"):
        if (candidate / "Articles").is_dir() and (candidate / "MTurk").is_dir():
            return candidate
    raise NoInputError(
        f"no EASC corpus at {root}", hint="give the folder holding Articles/ and MTurk/ (EASC-UTF-8)"
    )


def iter_easc(root: Path | str, topics: Sequence[str] | None = None) -> Iterator[EvalItem]:
    """EASC topics in natural order (``Topic1``, ``Topic2``, ...), or just ``topics``."""
    base = easc_root(Path(root))
    names = sorted((p.name for p in (base / "Articles").iterdir() if p.is_dir()), key=_natural_key)
    if topics is not None:
        missing = sorted(set(topics) - set(names))
        if missing:
            raise NoInputError(f"EASC topics not found in {base}: {', '.join(missing)}")
        names = [n for n in names if n in set(topics)]
    for topic in names:
        article_files = sorted((base / "Articles" / topic).iterdir(), key=lambda p: p.name)
        reference_files = sorted((base / "MTurk" / topic).iterdir(), key=lambda p: p.name)
        articles = tuple(
            Article(id=p.stem, text=unwrap_hard_wraps(read_text_file(p)), path=str(p)) for p in article_files
        )
        references = tuple(read_text_file(p) for p in reference_files)
        yield EvalItem(
            id=topic,
            articles=articles,
            references=tuple(r for r in references if r.strip()),
            paths=tuple(str(p) for p in (*article_files, *reference_files)),
        )


# --- ANT (BBC) -------------------------------------------------------------------------------------


def iter_ant_bbc(archive: Path | str, limit: int | None = None, source: str = "BBC") -> Iterator[EvalItem]:
    """ANT articles of one outlet (``SRC``), text -> abstract; sorted by id, or a sample of ``limit``."""
    items: list[EvalItem] = []
    skipped = 0
    for article in iter_articles(str(archive)):
        if (article.source or "").lower() != source.lower():
            continue
        abstract = clean_text(str(article.extra.get("abstract", "")))
        if not abstract.strip() or not article.text.strip():
            skipped += 1
            continue
        items.append(EvalItem(article.id, (article,), (abstract,), (article.path or article.id,)))
    if skipped:
        log.info("ANT %s: skipped %d documents without text or abstract", source, skipped)
    if not items:
        raise NoInputError(f"no {source} documents with an abstract in {archive}")
    yield from sample(items, limit)


# --- generic ---------------------------------------------------------------------------------------


def load_cluster(inputs: Path, references: Iterable[Path], id: str) -> EvalItem:
    """One cluster: every article under ``inputs`` and the given reference files."""
    input_files = sorted(p for p in Path(inputs).rglob("*") if p.is_file() and not p.name.startswith("."))
    reference_files = sorted(Path(p) for p in references)
    refs = tuple(t for t in (read_text_file(p) for p in reference_files) if t.strip())
    if not refs:
        raise NoInputError(f"cluster {id!r} has no non-empty reference", hint="add text files of references")
    return EvalItem(
        id=id,
        articles=tuple(load([str(inputs)])),
        references=refs,
        paths=tuple(str(p) for p in (*input_files, *reference_files)),
    )


def iter_generic(root: Path | str, limit: int | None = None) -> Iterator[EvalItem]:
    """``ROOT/inputs/<cluster>/*`` with ``ROOT/references/<cluster>/*``, clusters in natural order."""
    base = Path(root)
    inputs, references = base / "inputs", base / "references"
    if not inputs.is_dir() or not references.is_dir():
        raise NoInputError(
            f"{base} is not an evaluation folder",
            hint="use easc, ant-bbc, or a folder with inputs/<cluster>/ and references/<cluster>/",
        )
    clusters = sorted((p.name for p in inputs.iterdir() if p.is_dir()), key=_natural_key)
    without = [c for c in clusters if not (references / c).is_dir()]
    if without:
        raise NoInputError(
            f"clusters without references in {references}: {', '.join(without)}",
            hint="add references/<cluster>/ with one text file per reference summary",
        )
    if not clusters:
        raise NoInputError(f"no clusters in {inputs}", hint="put each cluster's articles in inputs/<cluster>/")
    items = []
    for cluster in clusters:
        ref_files = [p for p in (references / cluster).iterdir() if p.is_file() and not p.name.startswith(".")]
        items.append(load_cluster(inputs / cluster, ref_files, id=cluster))
    yield from sample(items, limit)


# --- by name ---------------------------------------------------------------------------------------

DEFAULT_DATA_ROOT = Path("../shared/data")


def load_dataset(name: str, data_root: Path | str | None = None, limit: int | None = None) -> list[EvalItem]:
    """``easc``, ``ant-bbc`` (under ``data_root``, default ``../shared/data``) or a generic folder path."""
    root = Path(data_root) if data_root is not None else DEFAULT_DATA_ROOT
    if name == "easc":
        return sample(list(iter_easc(root if (root / "Articles").is_dir() else root / "easc")), limit)
    if name == "ant-bbc":
        archive = root if root.is_file() else root / "ant-corpus-v2.1.tar.gz"
        if not archive.is_file():
            raise NoInputError(f"no ANT archive at {archive}", hint="pass --data-root DIR holding it")
        return list(iter_ant_bbc(archive, limit=limit))
    if Path(name).is_dir():
        return list(iter_generic(name, limit=limit))
    raise NoInputError(
        f"unknown dataset {name!r}", hint="use easc, ant-bbc, or a folder with inputs/ and references/"
    )
