"""Evaluation: ROUGE for Arabic (``rouge``), the systems under test (``systems``: Khulasa and the
``baselines``), the corpora (``datasets``: EASC, ANT-BBC, clusters) and a whole run with its report
(``report``); ``khulasa eval`` is its CLI.  The repository's quality gate is ``tests/quality_gate.py``.
"""
