"""Story engines: one contract, picked by name.

Every engine takes the same four things and gives the same report::

    engine = engines.get("embedded", EngineSettings(workers=2))
    report = engine.run(Inputs(("corpus.tar.gz",)), StoryOptions(), RunOutput(Path("work")), NoProgress())

and writes the same records, byte for byte, to ``RunOutput.workdir / "stories.jsonl"`` (the tests
check it).  What they share lives below them: ``khulasa.stories.run`` (state, report, writer, the record
encoding), ``workdir`` (lock), ``process`` (worker pool, stopping on a signal), ``cluster`` (the
clusterer), ``story`` (the per-story summary).

- ``embedded`` (``engines.embedded``): this machine, ``workers`` processes; files in two resumable
  passes over a spool, stdin and ``--watch`` as a stream (``engines.watch``).
- ``spark`` (``engines.spark``): features and summaries on Spark executors, clustering on the driver.

A new engine is a class with ``name`` and ``run`` (the ``Engine`` protocol) and a factory in
``ENGINES``; the CLI's ``--engine`` lists what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from khulasa.errors import InvalidOptionsError
from khulasa.stories.options import StoryOptions
from khulasa.stories.run import Inputs, Progress, RunOutput, RunReport
from khulasa.stories.shipping import Shipping


class Engine(Protocol):
    """Reads ``inputs``, writes the stories of ``options`` into ``output`` and reports on ``progress``."""

    name: str

    def run(self, inputs: Inputs, options: StoryOptions, output: RunOutput, progress: Progress) -> RunReport: ...


@dataclass(frozen=True)
class EngineSettings:
    """How an engine runs (not what it finds): what each engine does not use, it ignores.

    ``workers``: processes of the embedded engine (1: none besides this one).  ``master``: the Spark
    master URL (default: spark-submit's, else ``local[*]``).  ``shipping``: what the Spark engine ships
    to its executors (``khulasa.stories.shipping``; default: khulasa as a zip when the master is not local).
    """

    workers: int = 1
    master: str | None = None
    shipping: Shipping | None = None

    def __post_init__(self) -> None:
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1:
            raise InvalidOptionsError("workers", self.workers, "must be at least 1")


def _embedded(settings: EngineSettings) -> Engine:
    from khulasa.stories.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(settings.workers)


def _spark(settings: EngineSettings) -> Engine:
    from khulasa.stories.engines.spark import SparkEngine

    return SparkEngine(settings.master, shipping=settings.shipping)


ENGINES: dict[str, Callable[[EngineSettings], Engine]] = {
    "embedded": _embedded,
    "spark": _spark,
}
"""Engine name -> factory (imports the engine's module only when asked for)."""


def get(name: str, settings: EngineSettings | None = None) -> Engine:
    """The engine called ``name``; ``InvalidOptionsError`` listing the valid names for another."""
    factory = ENGINES.get(name)
    if factory is None:
        raise InvalidOptionsError("engine", name, "unknown engine", hint=f"valid engines: {', '.join(ENGINES)}")
    return factory(settings or EngineSettings())
