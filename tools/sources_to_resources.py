"""Turn the data's string sources into resources, and link UN document symbols.

Run from the project folder: ``python tools/sources_to_resources.py``. It

1. adds ``foaf:page <https://undocs.org/...>`` to every instrument whose UN
   document symbol has none yet;
2. replaces every string object of ``dct:source`` in data/**/*.ttl by the IRI of
   the resource it cites (:func:`peacekg.citations.resolve`);
3. writes data/sources.ttl, describing every UN document and every work cited.

It is idempotent: run it again after merging new data files. A string it cannot
resolve stops it (exit 2) with the list; add the work to ``peacekg.citations``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

from peacekg.citations import (
    Source,
    UnresolvedCitation,
    add_document_pages,
    describe_document,
    known_sources,
    resolve,
    rewrite_sources,
    sources_turtle,
)
from peacekg.links import UNDOCS, write_atomically

DCT_SOURCE = "http://purl.org/dc/terms/source"
FOAF_PAGE = "http://xmlns.com/foaf/0.1/page"
SYMBOL = "https://w3id.org/peacekg/ontology#documentSymbol"
CITATION = "http://purl.org/dc/terms/bibliographicCitation"
SOURCES_FILE = "sources.ttl"


def data_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "data").rglob("*.ttl") if p.name != SOURCES_FILE)


def _check_rewrite(original: str, rewritten: str) -> str | None:
    """None when ``rewritten`` states exactly what ``original`` did, each string
    source replaced by its resource, plus ``foaf:page`` links; else what differs."""
    def triples(text: str) -> set[str]:
        return {str(t) for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)}

    expected = set()
    for t in ox.parse(original.encode("utf-8"), format=ox.RdfFormat.TURTLE):
        if t.predicate.value == DCT_SOURCE and isinstance(t.object, ox.Literal):
            t = ox.Triple(t.subject, t.predicate, ox.NamedNode(resolve(t.object.value)[0].iri))
        expected.add(str(t))
    got = triples(rewritten)
    extra = {t for t in got - expected if f"<{FOAF_PAGE}>" not in t}
    missing = expected - got
    if extra or missing:
        return f"{len(missing)} statement(s) lost, {len(extra)} added, e.g. {sorted(missing or extra)[0]}"
    return None


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    files = data_files(root)
    if not files:
        print(f"error: no data/*.ttl under {root}; run from the project folder", file=sys.stderr)
        return 2
    unresolved: set[str] = set()

    def to_iri(text: str) -> str:
        try:
            return resolve(text)[0].iri
        except UnresolvedCitation:
            unresolved.add(text)
            return "urn:unresolved"

    rewritten: dict[Path, str] = {}
    cited_texts: list[str] = []
    pages = replaced = 0
    for path in files:
        original = path.read_text(encoding="utf-8")
        text, added = add_document_pages(original)
        text, strings = rewrite_sources(text, to_iri)
        pages, replaced = pages + added, replaced + len(strings)
        cited_texts += strings
        rewritten[path] = text
        if not unresolved and (problem := _check_rewrite(original, text)):
            print(f"error: {path}: the rewrite changed more than the sources: {problem}", file=sys.stderr)
            return 2
    if unresolved:
        print("error: no resource for these dct:source strings; add them to peacekg.citations:", file=sys.stderr)
        for text in sorted(unresolved):
            print(f"  {text!r}", file=sys.stderr)
        return 2

    store = ox.Store()
    for path, text in rewritten.items():
        store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    symbols = {
        q.object.value: s.object.value
        for q in store.quads_for_pattern(None, ox.NamedNode(FOAF_PAGE), None)
        for s in store.quads_for_pattern(q.subject, ox.NamedNode(SYMBOL), None)
    }
    # Every citation text known: the tables, the strings replaced now, and the
    # references kept in the current sources.ttl (a UN symbol with a pinpoint has
    # no table entry; its text survives there), so that a second run is a no-op.
    texts = set(cited_texts)
    previous = root / "data" / SOURCES_FILE
    if previous.is_file():
        texts |= {q.object.value for q in ox.parse(path=str(previous), format=ox.RdfFormat.TURTLE)
                  if q.predicate.value == CITATION}
    works = known_sources()
    for text in sorted(texts):
        try:
            works.update({s.iri: s for s in resolve(text)})
        except UnresolvedCitation:
            pass
    cited = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(DCT_SOURCE), None) if isinstance(q.object, ox.NamedNode)}
    sources: list[Source] = []
    for iri in sorted(cited):
        if iri.startswith(UNDOCS):
            sources.append(describe_document(iri, symbols))
        elif iri in works:
            sources.append(works[iri])
            whole = works[iri].part_of
            if whole:
                sources.append(describe_document(whole, symbols) if whole.startswith(UNDOCS) else works[whole])

    for path, text in rewritten.items():
        if text != path.read_text(encoding="utf-8"):
            write_atomically(path, text)
    write_atomically(root / "data" / SOURCES_FILE, sources_turtle(sources))
    print(f"{pages} foaf:page links added, {replaced} string sources replaced; "
          f"data/{SOURCES_FILE} describes {len({s.iri for s in sources})} sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
