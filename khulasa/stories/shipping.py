"""Ship khulasa and its dependencies to Spark executors, as Spark's Python package management documents.

The Spark engine runs its per-article and per-story functions in Python processes on the executors, and
those processes must import khulasa and its dependencies (numpy, scipy, PyStemmer, pandas, pyarrow, ...).
On a real cluster the nodes usually have neither.  Spark documents two ways to bring them
(https://spark.apache.org/docs/latest/api/python/user_guide/python_packaging.html), and ``Shipping`` uses both:

- **a packed environment** (``--spark-env ENV.tar.gz``, built with venv-pack or conda-pack) given to Spark as
  ``spark.archives``: each executor unpacks it into its working directory as ``khulasa_env/`` and runs
  ``./khulasa_env/bin/python``, so the dependencies come from the archive (venv-pack links its Python to the
  interpreter it was built with: the nodes need that Python at the same path; conda-pack carries its own);
- **a ``pyFiles`` zip of khulasa**: the package the driver imported, zipped and added with ``addPyFile``, so
  the executors run exactly the driver's code (Spark puts it before the environment's site-packages).  By
  default (``zip="auto"``) it is shipped whenever the master is not local; a packed environment then needs
  only the dependencies and is rebuilt only when they change.

With a local master nothing is shipped: the executors are on this machine and run this Python
(``sys.executable``, unless ``PYSPARK_PYTHON`` says otherwise).  Without ``--spark-env`` on a cluster, the
executors run ``PYSPARK_PYTHON`` (Spark's default ``python3``) on the nodes, which must have the dependencies.

A job that fails on the cluster (an executor that cannot import a module, a lost executor) is raised as
``SparkClusterError`` (exit 9) with the executors' own error line, never as an internal error.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import urllib.parse
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khulasa.errors import InvalidOptionsError, SparkClusterError, printable

logger = logging.getLogger(__name__)

ENV_ALIAS = "khulasa_env"
"""The directory each executor unpacks the packed environment into (``spark.archives``'s ``#alias``)."""
EXECUTOR_PYTHON = f"./{ENV_ALIAS}/bin/python"
ZIP_MODES = ("auto", "always", "never")
ZIP_NAME = "khulasa.zip"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
"""What ``spark.archives`` unpacks (a plain ``.tar`` goes through Hadoop's ``unTar``, which refuses the
absolute ``bin/python`` link venv-pack writes); venv-pack and conda-pack write any of them."""

_TRACEBACK = "Traceback (most recent call last):"
_IMPORT_ERRORS = ("ModuleNotFoundError", "ImportError")


@dataclass(frozen=True)
class Shipping:
    """What the Spark engine ships to the executors.

    ``env``: a packed environment (a local path, or a URI Spark can fetch: ``hdfs://``, ``s3a://``,
    ``https://``) whose Python the executors run; ``zip``: ship khulasa itself as a ``pyFiles`` zip —
    ``auto`` (default) when the master is not local, ``always``, or ``never`` (the executors' Python
    already has this very khulasa).
    """

    env: str | None = None
    zip: str = "auto"

    def __post_init__(self) -> None:
        if self.zip not in ZIP_MODES:
            raise InvalidOptionsError("spark_zip", self.zip, f"must be one of {', '.join(ZIP_MODES)}")
        if self.env is None:
            return
        name = urllib.parse.urlparse(self.env).path if _is_uri(self.env) else self.env
        if not name.endswith(ARCHIVE_SUFFIXES):
            raise InvalidOptionsError("spark_env", self.env, f"is not an archive Spark can unpack "
                                      f"({', '.join(ARCHIVE_SUFFIXES)})",
                                      hint="pack the environment with venv-pack or conda-pack: -o ENV.tar.gz")
        if not _is_uri(self.env) and not os.path.isfile(self.env):
            raise InvalidOptionsError("spark_env", self.env, "no such file",
                                      hint="give the path of the archive venv-pack or conda-pack wrote")

    def ships_zip(self, master: str) -> bool:
        return self.zip == "always" or (self.zip == "auto" and not is_local(master))

    def start(self, builder: Any, master: str) -> Any:
        """``builder.getOrCreate()`` with the environment and the package shipped for ``master``."""
        if self.env is not None:
            env = self.env if _is_uri(self.env) else os.path.abspath(self.env)
            builder = builder.config("spark.archives", f"{env}#{ENV_ALIAS}")
        with _executor_python(self._python(master)):
            spark = builder.getOrCreate()
        shipped = ZIP_NAME in getattr(spark.sparkContext, "_python_includes", [])  # a session reused
        if self.ships_zip(spark.sparkContext.master) and not shipped:  # the master it got, whoever chose it
            path = package_zip(Path(tempfile.mkdtemp(prefix="khulasa-spark-")))
            atexit.register(shutil.rmtree, path.parent, ignore_errors=True)
            spark.sparkContext.addPyFile(str(path))
            logger.info("shipping khulasa to the executors as %s", path)
        return spark

    def _python(self, master: str) -> str | None:
        """The executors' Python, or None to leave Spark's choice (``PYSPARK_PYTHON`` or ``python3``)."""
        if self.env is not None:
            return EXECUTOR_PYTHON
        if is_local(master) and "PYSPARK_PYTHON" not in os.environ:
            return sys.executable  # not whatever `python3` is first on PATH
        return None


def is_local(master: str) -> bool:
    """A master whose executors are threads of this process (``local``, ``local[4]``, ``local[*, 2]``)."""
    return master == "local" or master.startswith("local[")


def resolve_master(master: str | None) -> str:
    """The master a new session gets: ``master`` > spark-submit's ``spark.master`` > ``local[*]``."""
    if master is not None:
        return master
    from pyspark import SparkConf, SparkContext

    # Before the gateway is up a SparkConf is an empty dict: spark-submit's --master (and spark-defaults.conf)
    # live in the JVM.  Reading it there was missing, and every spark-submit run went to local[*].
    SparkContext._ensure_initialized()
    return SparkConf().get("spark.master", "local[*]") or "local[*]"


def _is_uri(value: str) -> bool:
    scheme = urllib.parse.urlparse(value).scheme
    return len(scheme) > 1 and scheme != "file"  # one letter is a Windows drive


@contextlib.contextmanager
def _executor_python(python: str | None) -> Iterator[None]:
    """``PYSPARK_PYTHON`` set to ``python`` while the SparkContext starts: pyspark reads the executors'
    Python from that variable then, and only then (the ``spark.pyspark.python`` setting is spark-submit's)."""
    if python is None:
        yield
        return
    before = os.environ.get("PYSPARK_PYTHON")
    os.environ["PYSPARK_PYTHON"] = python
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYSPARK_PYTHON", None)
        else:
            os.environ["PYSPARK_PYTHON"] = before


def package_zip(directory: Path) -> Path:
    """The imported khulasa package (code and data, no caches) as ``directory/khulasa.zip``, importable
    from ``sys.path`` (data files are read with ``importlib.resources``, which reads zips)."""
    import khulasa

    root = Path(khulasa.__file__).resolve().parent
    path = directory / ZIP_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(root.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts and file.suffix != ".pyc":
                archive.write(file, Path("khulasa") / file.relative_to(root))
    return path


@contextlib.contextmanager
def cluster_errors() -> Iterator[None]:
    """Raise a job that failed on the cluster as ``SparkClusterError`` (the full Spark error is logged
    at INFO: ``-v``); anything else (a bug on the driver) passes through unchanged."""
    try:
        yield
    except Exception as exc:
        error = cluster_error(exc)
        if error is None:
            raise
        logger.info("the Spark job failed:\n%s", exc)
        raise error from exc


def cluster_error(exc: BaseException) -> SparkClusterError | None:
    """The ``SparkClusterError`` for a failure that came from the cluster, else None."""
    try:
        from py4j.protocol import Py4JJavaError
        from pyspark.errors.exceptions.captured import AnalysisException, CapturedException
    except ImportError:  # pragma: no cover - the engine needs pyspark before it gets here
        return None
    if isinstance(exc, AnalysisException) or not isinstance(exc, CapturedException | Py4JJavaError):
        return None  # a query that does not resolve is the driver's bug
    text = str(exc)
    if isinstance(exc, Py4JJavaError):
        with contextlib.suppress(Exception):
            text = str(exc.java_exception.toString())
    return failure(text)


def failure(text: str) -> SparkClusterError:
    """The error for Spark's text of a failed job: the executors' last Python exception line (or the
    first line of a JVM error), with the fix for an executor that cannot import what it needs."""
    lines = [s.rstrip() for s in text.splitlines() if s.strip()]
    start = text.rfind(_TRACEBACK)
    if start >= 0:  # the executor's traceback: its exception is the first line not indented after the frames
        frames = text[start + len(_TRACEBACK):].splitlines()
        lines = [s.rstrip() for s in frames if s.strip() and not s[0].isspace()] or lines
    line = lines[0].strip() if lines else "no message"
    line = printable(line.replace("[PYTHON_EXCEPTION] ", ""))[:300]
    if line.startswith(_IMPORT_ERRORS) or "Cannot run program" in text:
        hint = ("the executors' Python lacks khulasa or a dependency: give --spark-env ENV.tar.gz (an environment "
                "packed with venv-pack or conda-pack), or set PYSPARK_PYTHON to a Python on the nodes that has "
                "them; see docs/stories.md, 'Running on your own cluster'")
    else:
        hint = "the executors' logs say more (Spark UI, or the workers' work directories); -v prints Spark's error"
    return SparkClusterError(f"the Spark job failed on the cluster: {line}", hint=hint)
