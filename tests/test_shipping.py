"""What the Spark engine ships to executors (``khulasa.stories.shipping``): options checked once, the
package zip importable on its own, a cluster failure turned into one line with its fix.  No Spark needed;
the real cluster is tests/test_spark_cluster.py."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import EXAMPLE_DIR

from khulasa.cli import main
from khulasa.errors import InvalidOptionsError, SparkClusterError
from khulasa.stories.shipping import EXECUTOR_PYTHON, Shipping, failure, is_local, package_zip


def test_shipping_checks_its_options_once(tmp_path):
    with pytest.raises(InvalidOptionsError, match="spark_zip"):
        Shipping(zip="sometimes")
    with pytest.raises(InvalidOptionsError, match="not an archive"):
        Shipping(env=str(tmp_path / "env.whl"))
    (tmp_path / "env.tar").write_bytes(b"")
    with pytest.raises(InvalidOptionsError, match="not an archive"):  # Hadoop's unTar refuses venv-pack's link
        Shipping(env=str(tmp_path / "env.tar"))
    with pytest.raises(InvalidOptionsError, match="no such file"):
        Shipping(env=str(tmp_path / "missing.tar.gz"))
    assert Shipping(env="hdfs://nn:8020/envs/khulasa.tar.gz").env  # fetched by Spark, not checked here
    (tmp_path / "env.tgz").write_bytes(b"")
    assert Shipping(env=str(tmp_path / "env.tgz"))._python("spark://h:7077") == EXECUTOR_PYTHON


@pytest.mark.parametrize(("master", "local"), [("local", True), ("local[2]", True), ("local[*, 3]", True),
                                               ("spark://127.0.0.1:7077", False), ("yarn", False),
                                               ("k8s://https://api:6443", False), ("local-cluster[2,1,1024]", False)])
def test_the_package_zip_goes_to_every_master_whose_executors_are_not_this_process(master, local):
    assert is_local(master) is local
    assert Shipping().ships_zip(master) is not local
    assert Shipping(zip="always").ships_zip(master) and not Shipping(zip="never").ships_zip(master)


def test_a_local_master_runs_this_python_unless_pyspark_python_says_otherwise(monkeypatch):
    monkeypatch.delenv("PYSPARK_PYTHON", raising=False)
    assert Shipping()._python("local[2]") == sys.executable
    assert Shipping()._python("spark://h:7077") is None  # the nodes' PYSPARK_PYTHON or python3
    monkeypatch.setenv("PYSPARK_PYTHON", "/opt/py/bin/python")
    assert Shipping()._python("local[2]") is None


def test_the_package_zip_imports_khulasa_and_reads_its_data_from_the_zip(tmp_path):
    path = package_zip(tmp_path)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import khulasa, khulasa.text.normalize as n; "
            "assert khulasa.__file__.startswith(sys.argv[1]), khulasa.__file__; "
            "assert n.normalize('أحمد') and len(n._load_stopwords()[0]) > 100; print('ok')")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
    import zipfile

    names = zipfile.ZipFile(path).namelist()
    assert "khulasa/data/stopwords_ar.txt" in names and "khulasa/stories/engines/spark.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


TRACEBACK = """org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 4.0 failed 4 times, \
most recent failure: Lost task 0.3 (TID 9) (127.0.0.1 executor 1): org.apache.spark.api.python.PythonException: \
[PYTHON_EXCEPTION] An exception was thrown from the Python worker: Traceback (most recent call last):
  File "/spark/python/lib/pyspark.zip/pyspark/serializers.py", line 483, in loads
    return cloudpickle.loads(obj, encoding=encoding)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ModuleNotFoundError: No module named 'khulasa'
 SQLSTATE: 38000
\tat org.apache.spark.api.python.BasePythonRunner$ReaderIterator.handlePythonException(PythonRunner.scala:1097)
"""


def test_an_executor_that_cannot_import_khulasa_is_one_line_with_the_fix():
    error = failure(TRACEBACK)
    assert isinstance(error, SparkClusterError) and error.exit_code == 9
    assert error.message == "the Spark job failed on the cluster: ModuleNotFoundError: No module named 'khulasa'"
    assert "--spark-env" in error.hint and "PYSPARK_PYTHON" in error.hint


def test_other_cluster_failures_keep_spark_s_first_line_and_point_at_the_logs():
    error = failure("org.apache.spark.SparkException: Job aborted: executor 1 lost (\x1b[31mOOM)\n\tat x.y(z)\n")
    assert error.message == ("the Spark job failed on the cluster: org.apache.spark.SparkException: Job aborted: "
                             "executor 1 lost (\\x1b[31mOOM)")
    assert "logs" in error.hint
    missing = failure('org.apache.spark.SparkException: Lost task: java.io.IOException: Cannot run program "python3"')
    assert "--spark-env" in missing.hint


def test_cli_refuses_a_spark_env_it_cannot_use_before_writing_anything(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["stories", str(EXAMPLE_DIR), "--spark-env", str(tmp_path / "env.tar.gz"), "-o", str(out)]) == 2
    assert "add --engine spark" in capsys.readouterr().err
    assert main(["stories", str(EXAMPLE_DIR), "--engine", "spark", "--spark-env", str(tmp_path / "env.tar.gz"),
                 "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "spark_env=" in err and "no such file" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
