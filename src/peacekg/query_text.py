"""Plain-language explanations of why a SPARQL text was refused.

The store's parser reports where it stopped and which characters it expected
(for an undeclared prefix, a list of Unicode ranges). These functions look at
the text again, only once the parser has refused it, and name the usual
mistakes: an empty query, an update sent where only queries run, a prefix that
is not declared. Pure functions: no store, no I/O.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .sparql_lexer import tokens

#: Keywords that open a SPARQL 1.1 Update operation.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
#: The four query forms.
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
#: Longest parser message passed on whole; longer ones are cut at their list of expected characters.
MAX_MESSAGE = 200


def operation_keyword(text: str) -> str | None:
    """The keyword that opens the operation (SELECT, INSERT, ...), after the
    PREFIX and BASE declarations; None for a text with no keyword at all."""
    stream = tokens(text)
    for kind, value, _ in stream:
        if kind != "word":
            return None
        keyword = value.upper()
        if keyword == "PREFIX":
            next(stream, None)  # the prefix name
            next(stream, None)  # its IRI
        elif keyword == "BASE":
            next(stream, None)
        else:
            return keyword
    return None


def undeclared_prefixes(text: str, predeclared: Iterable[str] = ()) -> list[str]:
    """Prefixes used in prefixed names that neither the query nor ``predeclared`` declares, in order of use."""
    declared = {p.lower() for p in predeclared}
    found: list[str] = []
    after_prefix_keyword = False
    for kind, value, _ in tokens(text):
        if kind == "pname":
            prefix = value.split(":", 1)[0]
            if after_prefix_keyword:
                declared.add(prefix.lower())
            elif prefix.lower() not in declared and prefix not in found:
                found.append(prefix)
        after_prefix_keyword = kind == "word" and value.upper() == "PREFIX"
    return found


def explain_refusal(text: str, message: str, predeclared: Iterable[str] = ()) -> str:
    """Why the parser refused ``text`` (its own ``message``), in words that name the mistake."""
    predeclared = list(predeclared)
    if not any(True for _ in tokens(text)):
        return "the query is empty"
    keyword = operation_keyword(text)
    if keyword in UPDATE_KEYWORDS:
        return (f"this is a SPARQL update ({keyword}); the graph is read-only here: "
                "use SELECT, ASK, CONSTRUCT or DESCRIBE")
    if unknown := undeclared_prefixes(text, predeclared):
        names = ", ".join(f"{p}:" for p in unknown)
        hint = f" (predeclared: {', '.join(p + ':' for p in predeclared)})" if predeclared else ""
        return f"unknown prefix {names}; declare it with PREFIX {unknown[0]}: <...>{hint}"
    if keyword is not None and keyword not in QUERY_FORMS:
        return f"{message_head(message)}; a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE, not {keyword}"
    return message_head(message)


def message_head(message: str) -> str:
    """A parser message, cut before a long list of expected characters."""
    message = " ".join(message.split())
    if len(message) <= MAX_MESSAGE:
        return message
    cut = re.search(r"expected one of", message)
    head = message[: cut.start()].rstrip() if cut else message[:MAX_MESSAGE]
    return f"{head} (unexpected character)" if cut else f"{head}…"
