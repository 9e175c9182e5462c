"""SPARQL 1.1's lexical rules, as far as finding keywords and punctuation
needs them: strings (all four quotes, with escapes), IRIs, comments, variables
and prefixed names (with escapes), so that no keyword is found inside another
token. Used where pyoxigraph gives no parsed query: binding parameters
(:mod:`peacekg.catalog`) and inspecting queries sent to the server
(:mod:`peacekg.server.query_shape`).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

_NAME = r"[\w\u00B7\u00C0-\uFFFF-]"
_LOCAL_CHAR = r"(?:[\w\u00B7\u00C0-\uFFFF:-]|%[0-9A-Fa-f]{2}|\\.)"

#: SPARQL's tokens, as far as finding keywords needs them; tried in this order.
#: (Compiled on first use: the wide Unicode classes take ~20 ms, which a command
#: that binds no parameter should not pay.)
_TOKEN_PATTERN = (
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z_\u00C0-\uFFFF](?:(?:{_NAME}|\.)*{_NAME})?)?:(?:{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?)?)
  | (?P<word>[A-Za-z_][\w]*)
  | (?P<other>.)
    """
)


@cache
def _token_regex() -> re.Pattern[str]:
    return re.compile(_TOKEN_PATTERN, re.VERBOSE | re.DOTALL)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """``(kind, text, offset)`` of every token but spaces and comments; kinds:
    string, iri, var, pname, word (keywords and other bare names), other
    (punctuation, one character)."""
    for match in _token_regex().finditer(text):
        kind = match.lastgroup
        if kind not in ("space", "comment"):
            yield kind, match.group(), match.start()
