"""Content negotiation: the media types the server offers and how an ``Accept``
header picks one of them.

Every negotiated response names a format from :data:`peacekg.formats.RESULT_FORMATS`
or :data:`peacekg.formats.GRAPH_FORMATS`, or ``"html"``. The choice follows the
client's quality values; among equally acceptable types the order of the offer
wins (the server's preference), so ``*/*`` (curl's default) gets the first
offered type.

>>> negotiate("text/turtle;q=0.5, application/ld+json", ["turtle", "jsonld"])
'jsonld'
>>> negotiate("*/*", ["turtle", "html"])
'turtle'
>>> negotiate("image/png", ["turtle", "html"]) is None
True
"""
from __future__ import annotations

import functools

from collections.abc import Sequence

from ..formats import GRAPH_FORMATS, RESULT_FORMATS

#: Media type of each format name the server can answer with.
MEDIA_TYPES: dict[str, str] = {
    **{name: f.media_type for name, f in RESULT_FORMATS.items()},
    **{name: f.media_type for name, f in GRAPH_FORMATS.items()},
    "html": "text/html",
    "apijson": "application/json",  # plain JSON documents (the stored-query list)
}

#: Further media types clients send, mapped to the format they mean.
ALIASES: dict[str, str] = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/plain": "ntriples",
    "application/xhtml+xml": "html",
}

#: Formats for SELECT and ASK results, in the server's order of preference.
RESULT_OFFER: tuple[str, ...] = ("json", "xml", "csv", "tsv")
#: Formats for RDF graphs (CONSTRUCT, DESCRIBE, resource descriptions), in order of preference.
GRAPH_OFFER: tuple[str, ...] = ("turtle", "ntriples", "jsonld", "rdfxml")

#: File extensions that name a representation in a URL (``/id/mission/unmil.ttl``).
EXTENSIONS: dict[str, str] = {
    "ttl": "turtle",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "rdf": "rdfxml",
    "html": "html",
}

#: Names accepted in a ``format=`` query parameter, besides the format names.
FORMAT_PARAM_ALIASES: dict[str, str] = {
    "ttl": "turtle",
    "n3": "turtle",  # SPARQLWrapper's N3 (Turtle is a subset of N3)
    "nt": "ntriples",
    "n-triples": "ntriples",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",  # SPARQLWrapper's RDFXML
    "json-ld": "jsonld",
}


def parse_accept(header: str | None) -> list[tuple[str, float, int]]:
    """The media ranges of an Accept header as (range, quality, position);
    a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [("*/*", 1.0, 0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality, position))
    return ranges


def _quality(fmt: str, ranges: list[tuple[str, float, int]]) -> tuple[float, int]:
    """How much the client wants ``fmt``: the quality of the most specific
    matching range (exact type, then ``type/*``, then ``*/*``), and its specificity."""
    media = MEDIA_TYPES[fmt]
    names = {media} | {alias for alias, target in ALIASES.items() if target == fmt}
    best: tuple[int, float] | None = None
    for rng, quality, _ in ranges:
        if rng in names:
            specificity = 3 if rng == media else 2
        elif rng.endswith("/*") and any(n.startswith(rng[:-1]) for n in names):
            specificity = 1
        elif rng == "*/*":
            specificity = 0
        else:
            continue
        if best is None or (specificity, quality) > best:
            best = (specificity, quality)
    return (0.0, 0) if best is None else (best[1], best[0])


def negotiate(header: str | None, offer: Sequence[str]) -> str | None:
    """The offered format the client prefers, or None when none is acceptable.
    (Clients send the same few Accept headers again and again: the answer is
    remembered for the last 512 pairs.)"""
    return _negotiate(header, tuple(offer))


@functools.lru_cache(maxsize=512)
def _negotiate(header: str | None, offer: tuple[str, ...]) -> str | None:
    ranges = parse_accept(header)
    scored = []
    for order, fmt in enumerate(offer):
        quality, specificity = _quality(fmt, ranges)
        if quality > 0:
            scored.append((-quality, -specificity, order, fmt))
    return min(scored)[3] if scored else None


def format_param(value: str | None) -> str | None:
    """A ``format=`` query parameter as a format name (None if absent)."""
    if value is None:
        return None
    value = value.strip().lower()
    if value in MEDIA_TYPES:
        return value
    if value in FORMAT_PARAM_ALIASES:
        return FORMAT_PARAM_ALIASES[value]
    if value in ALIASES:
        return ALIASES[value]
    for name, media in MEDIA_TYPES.items():
        if media == value:
            return name
    return value  # unknown: the caller answers 406 listing what exists


def content_type(fmt: str) -> str:
    """The Content-Type header for a format (text types in UTF-8)."""
    media = MEDIA_TYPES[fmt]
    if media.startswith("text/") or media.endswith("+json") or media.endswith("+xml") or media == "application/n-triples":
        return f"{media}; charset=utf-8"
    return media


def not_acceptable_message(offer: Sequence[str]) -> str:
    return "406 Not Acceptable: this resource is available as " + ", ".join(MEDIA_TYPES[f] for f in offer) + "\n"
