"""The Spark engine on executors that are not this Python: a local master with a scrubbed PATH, and a real
standalone cluster (a master and two workers from pyspark's ``bin/spark-class`` on loopback) whose nodes'
Python has neither khulasa nor its dependencies, as on a real cluster.  The cluster test builds and packs an
environment (pip + venv-pack, a few minutes): it runs in CI (``CI=true``)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR, ROOT

pytestmark = pytest.mark.spark

JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
SUBMIT_ARGS = (f"--conf 'spark.driver.extraJavaOptions={JVM}' --conf 'spark.executor.extraJavaOptions={JVM}' "
               "--conf spark.ui.enabled=false --conf spark.sql.shuffle.partitions=4 {extra}pyspark-shell")
BARE_PATH = "/usr/bin:/bin"  # no virtualenv: `python3` there is the system's


def _driver_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_PYTHON", "PYSPARK_DRIVER_PYTHON", "PYTHONPATH")}
    env.update({"SPARK_LOCAL_IP": "127.0.0.1", "PYSPARK_SUBMIT_ARGS": SUBMIT_ARGS.format(extra=""), **extra})
    return env


def _khulasa(*args: str, env: dict[str, str], timeout: float = 420) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "khulasa", "-q", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout)


@pytest.fixture(scope="module")
def embedded_bytes(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("embedded") / "stories.jsonl"
    done = _khulasa("stories", str(EXAMPLE_DIR), "-o", str(out), env=_driver_env())
    assert done.returncode == 0, done.stderr
    return out.read_bytes()


def _without_khulasa(python: str) -> bool:
    probe = subprocess.run([python, "-c", "import numpy"], capture_output=True, env={"PATH": BARE_PATH})
    probe2 = subprocess.run([python, "-c", "import khulasa"], capture_output=True, env={"PATH": BARE_PATH},
                            cwd="/")
    return probe.returncode != 0 and probe2.returncode != 0


def test_a_local_master_runs_this_python_not_the_first_python3_on_path(tmp_path, embedded_bytes):
    """Was exit 1 (internal error, ``No module named 'khulasa'``) when the venv was not first on PATH:
    pyspark starts ``python3`` for executors unless ``PYSPARK_PYTHON`` is set when the context starts."""
    if not shutil.which("python3", path=BARE_PATH) or not _without_khulasa(shutil.which("python3", path=BARE_PATH)):
        pytest.skip("needs a system python3 without khulasa and numpy")
    out = tmp_path / "stories.jsonl"
    done = _khulasa("stories", str(EXAMPLE_DIR), "--engine", "spark", "--spark-master", "local[1]", "-o", str(out),
                    env=_driver_env(PATH=BARE_PATH))
    assert done.returncode == 0, done.stderr[-3000:]
    assert out.read_bytes() == embedded_bytes


def test_spark_submit_s_master_is_the_one_the_session_gets(tmp_path):
    """Was ``local[*]`` whatever ``spark-submit --master`` said: the master was looked up in a SparkConf
    made before the JVM, which is empty."""
    from pyspark.find_spark_home import _find_spark_home

    script = tmp_path / "probe.py"
    script.write_text("from khulasa.stories.engines import spark\nprint('MASTER', spark.session().sparkContext.master)\n",
                      encoding="utf-8")
    done = subprocess.run([str(Path(_find_spark_home()) / "bin" / "spark-submit"), "--master", "local[3]",
                           "--conf", "spark.ui.enabled=false", str(script)], capture_output=True, text=True,
                          env=_driver_env(PYSPARK_PYTHON=sys.executable), cwd=tmp_path, timeout=300)
    assert "MASTER local[3]" in done.stdout.splitlines(), done.stderr[-3000:]


# --- a standalone cluster ----------------------------------------------------------------------------


def _free_ports(n: int) -> list[int]:
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _executor_deps() -> list[str]:
    """khulasa's dependencies and the [spark] extra's, without pyspark (the workers bring their own)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    spark = [d for d in project["optional-dependencies"]["spark"] if not d.startswith("pyspark")]
    return [*project["dependencies"], *spark]


def _packed_environment(tmp_path: Path, python: str) -> Path:
    """A venv of the nodes' ``python`` with khulasa's dependencies (not khulasa: the driver ships its own),
    packed by venv-pack (whose ``bin/python`` links to ``python``)."""
    venv = tmp_path / "executor-env"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *_executor_deps(), "venv-pack"],
                             capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    archive = tmp_path / "khulasa-env.tar.gz"
    pack = subprocess.run([str(venv / "bin" / "venv-pack"), "-q", "-p", str(venv), "-o", str(archive),
                           "--compress-level", "1"],  # fastest: the archive only crosses loopback
                          capture_output=True, text=True, timeout=600)
    assert pack.returncode == 0, pack.stderr[-3000:]
    shutil.rmtree(venv)  # the nodes must not find it where it was built
    return archive


class _Cluster:
    """A standalone master and workers (1 core, 1 GB each) on loopback, started by ``spark-class`` from a
    scrubbed environment (the nodes' PATH has the system's Python only); always stopped."""

    def __init__(self, tmp_path: Path, workers: int) -> None:
        from pyspark.find_spark_home import _find_spark_home

        self.spark_class = Path(_find_spark_home()) / "bin" / "spark-class"
        tmp_path.mkdir(exist_ok=True)
        self.tmp = tmp_path
        self.n = workers
        self.processes: list[subprocess.Popen[bytes]] = []
        self.port, ui, *worker_ports = _free_ports(2 + 2 * workers)
        self.worker_ports = worker_ports
        self.ui = ui
        self.url = f"spark://127.0.0.1:{self.port}"
        self.env = {"PATH": BARE_PATH, "HOME": str(tmp_path), "SPARK_LOCAL_IP": "127.0.0.1",
                    "SPARK_DAEMON_JAVA_OPTS": JVM, "SPARK_LOG_DIR": str(tmp_path / "logs")}
        if "JAVA_HOME" in os.environ:
            self.env["JAVA_HOME"] = os.environ["JAVA_HOME"]

    def _start(self, name: str, *args: str) -> None:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes.append(subprocess.Popen([str(self.spark_class), *args], stdout=log,
                                               stderr=subprocess.STDOUT, env=self.env, cwd=self.tmp))

    def __enter__(self) -> _Cluster:
        try:
            self._start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                        "--port", str(self.port), "--webui-port", str(self.ui))
            for i in range(self.n):
                work = self.tmp / f"worker{i}"
                work.mkdir()
                self._start(f"worker{i}", "org.apache.spark.deploy.worker.Worker", self.url, "--host", "127.0.0.1",
                            "--port", str(self.worker_ports[2 * i]), "--webui-port",
                            str(self.worker_ports[2 * i + 1]), "--cores", "1", "--memory", "1g",
                            "--work-dir", str(work))
            deadline = time.monotonic() + 180
            while not all("Successfully registered with master" in self.log(f"worker{i}") for i in range(self.n)):
                assert time.monotonic() < deadline, self.log("master")[-3000:]
                assert all(p.poll() is None for p in self.processes), self.log("master")[-3000:]
                time.sleep(1)
        except BaseException:
            self.__exit__()
            raise
        return self

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def executor_logs(self, worker: int) -> str:
        return "".join(p.read_text(encoding="utf-8", errors="replace")
                       for p in sorted((self.tmp / f"worker{worker}").glob("app-*/*/stderr")))

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.mark.slow
@pytest.mark.timeout(1500)  # about 5 minutes alone; a loaded 2-core machine can take 3 times that
@pytest.mark.skipif(os.environ.get("CI") != "true",
                    reason="builds and packs an environment and starts a standalone cluster (minutes); "
                           "runs in CI (CI=true)")
def test_a_standalone_cluster_without_khulasa_runs_the_packed_environment(tmp_path, embedded_bytes):
    """Master + two workers; the nodes' Python (the system's, first on their PATH and the one the packed
    environment links to) has neither khulasa nor its dependencies.
    With ``--spark-env`` (dependencies) and khulasa shipped as a zip, the records are the embedded engine's
    byte for byte and both workers ran tasks.  Without the zip the executors cannot import khulasa: that
    was an internal error (exit 1) and is now one line and exit 9."""
    node_python = shutil.which(f"python{sys.version_info.major}.{sys.version_info.minor}", path=BARE_PATH)
    if node_python is None or not _without_khulasa(node_python):
        pytest.skip(f"needs the system's Python {sys.version_info.major}.{sys.version_info.minor} in {BARE_PATH} "
                    "without khulasa and numpy, to stand for a bare node")
    archive = _packed_environment(tmp_path, node_python)
    with _Cluster(tmp_path / "cluster", workers=2) as cluster:
        out = tmp_path / "stories.jsonl"
        done = _khulasa("stories", str(EXAMPLE_DIR), "--engine", "spark", "--spark-master", cluster.url,
                        "--spark-env", str(archive), "-o", str(out), env=_driver_env(PATH=BARE_PATH))
        assert done.returncode == 0, done.stderr[-3000:]
        assert out.read_bytes() == embedded_bytes
        for worker in range(2):
            log = cluster.executor_logs(worker)
            assert "Unpacking an archive" in log and "khulasa.zip" in log, log[-2000:]
            assert re.search(r"Finished task .* in stage", log), log[-2000:]

        failing = _driver_env(PATH=BARE_PATH,
                              PYSPARK_SUBMIT_ARGS=SUBMIT_ARGS.format(extra="--conf spark.task.maxFailures=1 "))
        done = _khulasa("stories", str(EXAMPLE_DIR), "--engine", "spark", "--spark-master", cluster.url,
                        "--spark-env", str(archive), "--spark-zip", "never", "-o", str(tmp_path / "no.jsonl"),
                        env=failing)
    errors = [line for line in done.stderr.splitlines() if line.startswith("khulasa: error:")]
    assert done.returncode == 9, done.stderr[-3000:]
    assert len(errors) == 1 and "No module named 'khulasa'" in errors[0] and "--spark-env" in errors[0]
    assert "internal error" not in done.stderr
    assert not (tmp_path / "no.jsonl").exists()
