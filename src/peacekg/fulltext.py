"""The full-text index of names: every peacekg resource's labels, alternative
labels, acronyms and document symbols in an SQLite FTS5 table (standard
library), built with the store and ranked by BM25.

Words match by prefix ("liber" finds Liberia), accents and case are ignored,
and a resource's own label weighs more than its other names. The stored query
``search`` is the same question for stores without the index (remote ones).
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

#: Names indexed, by column: the label, and every other name.
_NAMES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
SELECT ?resource ?name ?main WHERE {
  { ?resource rdfs:label ?name BIND (true AS ?main) }
  UNION { ?resource skos:prefLabel ?name BIND (true AS ?main) }
  UNION { ?resource skos:altLabel ?name BIND (false AS ?main) }
  UNION { ?resource peacekg:acronym ?name BIND (false AS ?main) }
  UNION { ?resource peacekg:documentSymbol ?name BIND (false AS ?main) }
  FILTER (isIRI(?resource) && STRSTARTS(STR(?resource), "https://w3id.org/peacekg/"))
}"""

#: Weights of the columns (label, other names) in the BM25 rank.
_WEIGHTS = (10.0, 3.0)


@dataclass(frozen=True)
class Hit:
    resource: str
    score: float


class FullTextIndex:
    """An FTS5 index in a file (beside a cached build) or in memory."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    @classmethod
    def build(cls, store: ox.Store, path: Path | None = None) -> FullTextIndex:
        """Index the names of the store's resources (in ``path``, or in memory)."""
        connection = sqlite3.connect(":memory:" if path is None else str(path), check_same_thread=False)
        connection.execute("CREATE VIRTUAL TABLE names USING fts5(resource UNINDEXED, label, other, tokenize = 'unicode61 remove_diacritics 2')")
        names: dict[str, tuple[list[str], list[str]]] = {}
        for row in store.query(_NAMES, use_default_graph_as_union=True):
            main, other = names.setdefault(row["resource"].value, ([], []))
            (main if row["main"].value == "true" else other).append(row["name"].value)
        connection.executemany(
            "INSERT INTO names (resource, label, other) VALUES (?, ?, ?)",
            ((iri, " | ".join(sorted(set(main))), " | ".join(sorted(set(other)))) for iri, (main, other) in names.items()),
        )
        connection.commit()
        return cls(connection)

    @classmethod
    def open(cls, path: Path) -> FullTextIndex:
        """An index written by :meth:`build`, read-only."""
        return cls(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False))

    def search(self, text: str, limit: int = 50) -> list[Hit]:
        """Resources whose names hold every word of ``text`` (as word prefixes),
        best first."""
        query = match_expression(text)
        if query is None:
            return []
        rows = self.connection.execute(
            f"SELECT resource, bm25(names, 0, {_WEIGHTS[0]}, {_WEIGHTS[1]}) AS rank FROM names "
            "WHERE names MATCH ? ORDER BY rank, resource LIMIT ?",
            (query, limit),
        )
        return [Hit(resource, -rank) for resource, rank in rows]

    def __len__(self) -> int:
        return self.connection.execute("SELECT COUNT(*) FROM names").fetchone()[0]

    def close(self) -> None:
        self.connection.close()


def words(text: str) -> Iterator[str]:
    """The words of a search text, as the index's tokenizer splits them."""
    yield from (w for w in re.split(r"[^\w]+", text.lower()) if w)


def match_expression(text: str) -> str | None:
    """An FTS5 query: every word, as a quoted prefix (no FTS syntax gets through)."""
    terms = [f'"{w}"*' for w in words(text)]
    return " AND ".join(terms) if terms else None
