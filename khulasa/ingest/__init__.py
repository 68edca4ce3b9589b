"""Reading articles: files, directories, archives and stdin -> cleaned ``Article`` values.

Formats are chosen by extension, with content sniffing for ``.txt`` (TREC ``<DOC>`` files such as the ANT
corpus use it), unknown extensions, extension-less files and stdin (``formats``):

- plain text: one article, id = file name without extension;
- JSON (an object, a list, or ``{"articles": [...]}``) and JSONL (one object per line, streamed);
- TREC-style ``<DOC>`` files (the layout of TREC/CLEF collections and the ANT corpus, Chouigui et al. 2021),
  parsed tolerantly with a tag scanner since they are not well-formed XML;
- HTML: main text and metadata via trafilatura (Barbaresi 2021), no network;
- ``.tar(.gz|.bz2|.xz)``/``.tgz``/``.zip`` archives, streamed member by member (``walk``).

Bytes become text with ``read_bytes_as_text`` (``decode``: strict UTF-8, byte-order marks, then the legacy
Arabic code pages checked for Arabic letters; stray NULs dropped) and text becomes ``Article.text`` with
``clean_text``; every later offset refers to that cleaned text.  Records (JSON objects, and the HTTP
service's articles, read ``strict``ly) become articles in one place, ``records``.  A ``metadata.json`` in a
directory is a sidecar that gives fields to the articles of its directory (``sidecars``).  ``IngestReport``
records the fate of every input (``report``).

One bad record never stops a run: an unreadable date is dropped with an issue in the report, a lone
surrogate in any field becomes U+FFFD (``encodable``), and paths are shown through ``errors.printable``.
"""

from __future__ import annotations

from khulasa.ingest.decode import read_bytes_as_text
from khulasa.ingest.formats.json import iter_jsonl_bytes
from khulasa.ingest.records import parse_date
from khulasa.ingest.report import IngestReport, InputRecord
from khulasa.ingest.walk import iter_articles, load
from khulasa.text.clean import clean_text, encodable

__all__ = [
    "IngestReport",
    "InputRecord",
    "clean_text",
    "encodable",
    "iter_articles",
    "iter_jsonl_bytes",
    "load",
    "parse_date",
    "read_bytes_as_text",
]
