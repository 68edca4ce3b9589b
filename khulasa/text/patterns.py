"""Regex helpers shared by the taggers (dates, speech, numbers)."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first), factored as a trie so it fails fast.

    Python's ``re`` tries the branches of a flat alternation one by one at every position; with a
    shared-prefix tree most positions fail at the first character.  A space in a word matches ``\\s+``.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_pattern(trie)


def _trie_pattern(node: dict[str, dict]) -> str:
    ends = "" in node
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_pattern(child)
        for char, child in sorted(node.items(), key=lambda kv: kv[0])
        if char
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # Greedy optional: the longer word is tried first, as a longest-first flat alternation would.
    return f"(?:{body})?" if ends else body
