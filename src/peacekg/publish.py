"""Release files: the ontology for Protégé and OWL tools, the whole graph for
triple stores, a VoID/DCAT description, an XML catalog, a JSON-LD context,
checksums and the ontology documentation, written deterministically and
atomically.

File names follow the ontology release pipelines (ODK/ROBOT): ``peacekg.owl``
(and ``.ttl``, ``.jsonld``, ``.nt``) is the ontology, the file its IRI and
version IRI resolve to; ``peacekg-base`` holds only the axioms about the
ontology's own terms; ``peacekg-full`` is the ontology and the data as one OWL
ontology without imports (what owlready2 and Protégé open offline); the other
files are prefixed ``peacekg-`` too.

The same sources and version always give byte-identical files: every file is
sorted, blank nodes get labels derived from their content (never the random
ones the parser hands out) and nothing depends on the clock.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from .errors import PeacekgError


from . import jsonld
from .formats import GRAPH_FORMATS, serialize_graph
from .namespaces import (
    DATA_GRAPH,
    DCAT,
    DCT,
    FOAF,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    OWL,
    PEACEKG,
    RDF,
    VOID,
    XSD,
)
from .sources import Project

#: IRI of the dataset that the VoID description describes.
DATASET_IRI = "https://w3id.org/peacekg/dataset"
#: IRI of the data as an OWL ontology (``peacekg-data.owl``), which imports the ontology.
DATA_ONTOLOGY_IRI = "https://w3id.org/peacekg/data"
#: The project's address: the w3id redirects (``w3id/.htaccess``) send it to the server.
SITE_URL = "https://w3id.org/peacekg/"
#: Where a published release is expected to live; ``{version}`` is filled in.
DEFAULT_BASE_URL = SITE_URL + "release/{version}/"
#: Who publishes the dataset, and where to reach them (the project's site).
PUBLISHER_NAME = "The peacekg contributors"
CONTACT_URL = SITE_URL
#: Keywords of the dataset (``dcat:keyword``).
KEYWORDS: tuple[str, ...] = (
    "peacekeeping",
    "peace operations",
    "international norms",
    "United Nations",
    "Security Council resolutions",
    "mandates",
    "protection of civilians",
    "responsibility to protect",
    "knowledge graph",
    "ontology",
)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"

SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

#: A version becomes part of an IRI and of a folder name, so it stays simple.
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")

#: The named graphs of a release, by short name.
PARTS: dict[str, str] = {"ontology": ONTOLOGY_GRAPH, "data": DATA_GRAPH, "inferred": INFERRED_GRAPH}
#: The N-Triples file of each named graph, by short name.
PART_DUMPS: dict[str, str] = {"ontology": "peacekg.nt", "data": "peacekg-data.nt", "inferred": "peacekg-inferred.nt"}


@dataclass(frozen=True)
class ReleaseFile:
    """One file of a release and what it holds."""

    name: str
    fmt: str  # a GRAPH_FORMATS name, or "json", "xml", "html", "svg", "text"
    description: str
    part: str = ""  # what it holds: "ontology", "base", "full", "data", "inferred", "dataset", "shapes"

    @property
    def media_type(self) -> str:
        if self.fmt in GRAPH_FORMATS:
            return GRAPH_FORMATS[self.fmt].media_type
        return {"json": "application/ld+json", "xml": "application/xml", "html": "text/html", "svg": "image/svg+xml"}.get(self.fmt, "text/plain")


#: The RDF files of every release, in the order the VoID description lists them.
RDF_FILES: tuple[ReleaseFile, ...] = (
    ReleaseFile("peacekg.owl", "rdfxml", "The ontology in RDF/XML, the format Protégé and the OWL API read first; its IRI and version IRI resolve to this file.", "ontology"),
    ReleaseFile("peacekg.ttl", "turtle", "The ontology in Turtle.", "ontology"),
    ReleaseFile("peacekg.jsonld", "jsonld", "The ontology in compact JSON-LD (peacekg-context.jsonld inline).", "ontology"),
    ReleaseFile("peacekg.nt", "ntriples", "The ontology graph in N-Triples.", "ontology"),
    ReleaseFile("peacekg-base.owl", "rdfxml", "The base module: only the axioms about the ontology's own terms, without the declarations of reused vocabularies and without data.", "base"),
    ReleaseFile("peacekg-base.ttl", "turtle", "The base module in Turtle.", "base"),
    ReleaseFile("peacekg-full.owl", "rdfxml", "The ontology and the data as one OWL ontology with no imports (owlready2 and Protégé open it offline).", "full"),
    ReleaseFile("peacekg-full.ttl", "turtle", "The ontology and the data in Turtle.", "full"),
    ReleaseFile("peacekg-full.jsonld", "jsonld", "The ontology and the data in compact JSON-LD (peacekg-context.jsonld inline).", "full"),
    ReleaseFile("peacekg-data.ttl", "turtle", "The data graph in Turtle.", "data"),
    ReleaseFile("peacekg-data.nt", "ntriples", "The data graph in N-Triples.", "data"),
    ReleaseFile("peacekg-data.owl", "rdfxml", "The data as an OWL ontology that imports the ontology by its version IRI (Protégé, with catalog-v001.xml).", "data"),
    ReleaseFile("peacekg-inferred.ttl", "turtle", "The OWL 2 RL closure (the inferred graph) in Turtle.", "inferred"),
    ReleaseFile("peacekg-inferred.nt", "ntriples", "The OWL 2 RL closure (the inferred graph) in N-Triples.", "inferred"),
    ReleaseFile("peacekg.nq", "nquads", "The whole graph: ontology, data and inferred named graphs, in N-Quads.", "dataset"),
    ReleaseFile("peacekg.trig", "trig", "The whole graph: ontology, data and inferred named graphs, in TriG.", "dataset"),
    ReleaseFile("peacekg-shapes.ttl", "turtle", "The SHACL shapes the data conforms to (not an OWL ontology).", "shapes"),
)
#: Files that describe the others (not listed as distributions).
META_FILES: tuple[ReleaseFile, ...] = (
    ReleaseFile("peacekg-context.jsonld", "json", "The JSON-LD context of peacekg's compact JSON-LD (prefixes and one term per property)."),
    ReleaseFile("void.ttl", "turtle", "VoID and DCAT description of the dataset and its distributions."),
    ReleaseFile("catalog-v001.xml", "xml", "XML catalog mapping the ontology IRIs to the local files (Protégé)."),
    ReleaseFile("index.html", "html", "Ontology documentation."),
    ReleaseFile("classes.svg", "svg", "Diagram of the class hierarchy."),
    ReleaseFile("relations.svg", "svg", "Diagram of the relations between the main classes."),
    ReleaseFile("SHA256SUMS", "text", "SHA-256 checksums of every other file, for `sha256sum -c`."),
)


class ReleaseError(PeacekgError, ValueError):
    """The release cannot be written as asked."""


@dataclass
class Release:
    """A written release: its folder, version and files."""

    folder: Path
    version: str
    files: dict[str, str] = field(default_factory=dict)  # name -> sha256
    triples: dict[str, int] = field(default_factory=dict)  # graph IRI -> count

    @property
    def version_iri(self) -> str:
        return version_iri(self.version)

    def path(self, name: str) -> Path:
        return self.folder / name


def version_iri(version: str, variant: str = "") -> str:
    """The version IRI of the ontology (``variant`` "base" or "full": of that
    release variant, as ODK names them)."""
    return f"{ONTOLOGY_IRI}/{version}" + (f"/{variant}" if variant else "")


def folder_name(version: str) -> str:
    return f"peacekg-{version}"


# ---------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------


@dataclass
class ReleaseContent:
    """The triples of each part of a release, version-stamped, blank nodes canonical."""

    version: str
    graphs: dict[str, list[ox.Triple]]  # graph IRI -> triples
    shapes: list[ox.Triple]
    date: str | None = None  # the release date (YYYY-MM-DD), for dct:issued/modified
    created: str | None = None  # the ontology's dct:created date (YYYY-MM-DD)

    def quads(self) -> list[ox.Quad]:
        return [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, ts in self.graphs.items() for t in ts]


def ontology_version(triples: Iterable[ox.Triple | ox.Quad]) -> str | None:
    """The ``owl:versionInfo`` of the ontology header, if any."""
    for t in triples:
        if t.subject == ox.NamedNode(ONTOLOGY_IRI) and t.predicate.value == OWL + "versionInfo":
            return t.object.value
    return None


def stamp_version(ontology: Iterable[ox.Triple], version: str) -> list[ox.Triple]:
    """The ontology with ``owl:versionIRI`` and ``owl:versionInfo`` set to ``version``."""
    header = ox.NamedNode(ONTOLOGY_IRI)
    kept = [t for t in ontology if not (t.subject == header and t.predicate.value in (OWL + "versionIRI", OWL + "versionInfo"))]
    kept.append(ox.Triple(header, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(version_iri(version))))
    kept.append(ox.Triple(header, ox.NamedNode(OWL + "versionInfo"), ox.Literal(version)))
    return kept


def ontology_date(triples: Iterable[ox.Triple | ox.Quad], predicate: str) -> str | None:
    """The date part of a ``dct:`` date of the ontology header, if any."""
    for t in triples:
        if t.subject == ox.NamedNode(ONTOLOGY_IRI) and t.predicate.value == predicate:
            return t.object.value[:10]
    return None


def release_date(ontology: list[ox.Triple], date: str | None = None) -> str | None:
    """The release date: ``date`` if given, else ``$SOURCE_DATE_EPOCH`` (the
    reproducible-builds convention), else the ontology's ``dct:modified`` or
    ``dct:created``. Never the clock, so rebuilding gives the same bytes."""
    import datetime

    if date:
        try:
            return datetime.date.fromisoformat(date).isoformat()
        except ValueError:
            raise ReleaseError(f"date {date!r} must be a day such as 2026-11-28") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return ontology_date(ontology, DCT + "modified") or ontology_date(ontology, DCT + "created")


def collect(project: Project, version: str | None = None, date: str | None = None) -> ReleaseContent:
    """The release's triples from the project's (cached) build."""
    from .build import cached_build
    from .sources import parse_file

    build = cached_build(project)
    store = build.open_store()
    try:
        graphs = {
            iri: [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(iri))]
            for iri in PARTS.values()
        }
    finally:
        del store
    shapes = [ox.Triple(q.subject, q.predicate, q.object) for q in parse_file(project.shapes_file)]
    version = version or ontology_version(graphs[ONTOLOGY_GRAPH])
    if not version:
        raise ReleaseError("the ontology has no owl:versionInfo; pass --version")
    if not _VERSION.match(version):
        raise ReleaseError(f"version {version!r} must be letters, digits, '.', '+', '_' or '-' (such as 1.2.0)")
    graphs[ONTOLOGY_GRAPH] = stamp_version(graphs[ONTOLOGY_GRAPH], version)
    # One labelling over every part, so that a blank node shared by two parts
    # keeps one label everywhere.
    mapping = canonical_bnode_labels([t for ts in graphs.values() for t in ts])
    graphs = {iri: relabel(ts, mapping) for iri, ts in graphs.items()}
    shapes = relabel(shapes, canonical_bnode_labels(shapes))
    onto = graphs[ONTOLOGY_GRAPH]
    return ReleaseContent(version, graphs, shapes, release_date(onto, date), ontology_date(onto, DCT + "created"))


# ---------------------------------------------------------------------------
# Canonical blank nodes
# ---------------------------------------------------------------------------


def canonical_bnode_labels(triples: Iterable[ox.Triple]) -> dict[ox.BlankNode, ox.BlankNode]:
    """Labels for blank nodes that depend only on the graph around them.

    Colours are refined from the neighbourhood of each blank node (its IRIs and
    literals, and the colours of its blank neighbours) until they stop changing,
    as in Weisfeiler-Lehman. Blank nodes that still share a colour are, in the
    graphs peacekg writes (lists and class expressions), interchangeable, so the
    order chosen among them does not change the serialised bytes.
    """
    triples = list(triples)
    edges: dict[ox.BlankNode, list[tuple[str, str, object]]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            edges[t.subject].append(("out", t.predicate.value, t.object))
        if isinstance(t.object, ox.BlankNode):
            edges[t.object].append(("in", t.predicate.value, t.subject))
    if not edges:
        return {}
    colour = {b: "" for b in edges}

    def signature(term) -> str:
        return "_:" + colour[term] if isinstance(term, ox.BlankNode) else str(term)

    distinct = 1
    for _ in range(len(colour) + 1):
        refined = {
            b: hashlib.sha256("\n".join(sorted(f"{d} {p} {signature(o)}" for d, p, o in es)).encode() + colour[b].encode()).hexdigest()
            for b, es in edges.items()
        }
        colour = refined
        now = len(set(colour.values()))
        if now == distinct:
            break
        distinct = now
    counts: dict[str, int] = defaultdict(int)
    mapping = {}
    for b in sorted(colour, key=lambda b: colour[b]):
        c = colour[b]
        mapping[b] = ox.BlankNode(f"b{c[:16]}" + (f"x{counts[c]}" if counts[c] else ""))
        counts[c] += 1
    return mapping


def relabel(triples: Iterable[ox.Triple], mapping: Mapping[ox.BlankNode, ox.BlankNode]) -> list[ox.Triple]:
    if not mapping:
        return list(triples)

    def term(t):
        return mapping.get(t, t) if isinstance(t, ox.BlankNode) else t

    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def data_ontology_header(version: str) -> list[ox.Triple]:
    """The header that makes ``peacekg-data.owl`` an OWL ontology importing the ontology."""
    data = ox.NamedNode(DATA_ONTOLOGY_IRI)
    return [
        ox.Triple(data, ox.NamedNode(RDF + "type"), ox.NamedNode(OWL + "Ontology")),
        ox.Triple(data, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(f"{DATA_ONTOLOGY_IRI}/{version}")),
        ox.Triple(data, ox.NamedNode(OWL + "versionInfo"), ox.Literal(version)),
        ox.Triple(data, ox.NamedNode(OWL + "imports"), ox.NamedNode(version_iri(version))),
        ox.Triple(data, ox.NamedNode(DCT + "title"), ox.Literal("peacekg data", language="en")),
    ]


def with_version_iri(ontology: Iterable[ox.Triple], iri: str) -> list[ox.Triple]:
    """The ontology with its header's ``owl:versionIRI`` set to ``iri``."""
    header, predicate = ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL + "versionIRI")
    kept = [t for t in ontology if not (t.subject == header and t.predicate == predicate)]
    return [*kept, ox.Triple(header, predicate, ox.NamedNode(iri))]


def base_module(ontology: list[ox.Triple], version: str) -> list[ox.Triple]:
    """ODK's base module: the header and the axioms whose subject is one of the
    ontology's own terms (with the blank nodes they reach), without the
    declarations of reused vocabularies."""
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for t in ontology:
        by_subject[t.subject].append(t)
    pending = [s for s in by_subject if isinstance(s, ox.NamedNode) and (s.value.startswith(PEACEKG) or s.value == ONTOLOGY_IRI)]
    seen, kept = set(pending), []
    while pending:
        for t in by_subject[pending.pop()]:
            kept.append(t)
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                pending.append(t.object)
    return with_version_iri(kept, version_iri(version, "base"))


def full_ontology(content: ReleaseContent) -> list[ox.Triple]:
    """The ontology and the data as one OWL ontology, with no imports."""
    onto = with_version_iri(content.graphs[ONTOLOGY_GRAPH], version_iri(content.version, "full"))
    return onto + content.graphs[DATA_GRAPH]


def render_rdf_files(content: ReleaseContent) -> dict[str, bytes]:
    """The bytes of every RDF file of the release (not the VoID description)."""
    onto, data, inferred = (content.graphs[PARTS[k]] for k in ("ontology", "data", "inferred"))
    ctx = jsonld.context(onto)
    triples: dict[str, list] = {
        "ontology": onto,
        "base": base_module(onto, content.version),
        "full": full_ontology(content),
        "data": data,
        "inferred": inferred,
        "dataset": content.quads(),
        "shapes": content.shapes,
    }
    files = {}
    for f in RDF_FILES:
        chosen = triples[f.part]
        if f.name == "peacekg-data.owl":
            chosen = data + data_ontology_header(content.version)
        files[f.name] = jsonld.compact(chosen, ctx) if f.fmt == "jsonld" else serialize_graph(chosen, f.fmt)
    return files


def catalog_xml(version: str) -> bytes:
    """Protégé's ``catalog-v001.xml``: the ontology IRIs resolved to local files."""
    entries = [
        (ONTOLOGY_IRI, "peacekg.owl"),
        (version_iri(version), "peacekg.owl"),
        (version_iri(version, "base"), "peacekg-base.owl"),
        (version_iri(version, "full"), "peacekg-full.owl"),
        (DATA_ONTOLOGY_IRI, "peacekg-data.owl"),
        (f"{DATA_ONTOLOGY_IRI}/{version}", "peacekg-data.owl"),
    ]
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
        '<catalog prefer="public" xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">',
        *(f'    <uri id="peacekg {version}" name={quoteattr(name)} uri={quoteattr(uri)}/>' for name, uri in entries),
        "</catalog>",
        "",
    ]
    return "\n".join(lines).encode()


def read_catalog(path: Path) -> dict[str, Path]:
    """The IRI-to-file mappings of an XML catalog (``catalog-v001.xml``)."""
    import xml.etree.ElementTree as ET

    ns = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
    root = ET.parse(path).getroot()
    return {e.attrib["name"]: (path.parent / e.attrib["uri"]).resolve() for e in root.iter(f"{ns}uri")}


def void_description(
    content: ReleaseContent,
    files: Mapping[str, bytes],
    *,
    base_url: str,
    sparql_endpoint: str,
) -> list[ox.Triple]:
    """VoID and DCAT statements about the dataset, its three graphs and its files."""
    version = content.version
    ds = ox.NamedNode(DATASET_IRI)
    release = ox.NamedNode(f"{DATASET_IRI}/{version}")
    out: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int, datatype: str = "integer") -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + datatype))

    def day(value: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))

    all_triples = [t for ts in content.graphs.values() for t in ts]
    publisher = ox.NamedNode(f"{DATASET_IRI}#publisher")
    contact = ox.NamedNode(f"{DATASET_IRI}#contact")
    license = ox.NamedNode(LICENSE)
    add(ds, RDF + "type", ox.NamedNode(DCAT + "Dataset"))
    add(ds, DCT + "title", ox.Literal("peacekg", language="en"))
    add(ds, DCAT + "hasVersion", release)
    add(ds, DCT + "publisher", publisher)
    add(ds, DCAT + "landingPage", ox.NamedNode(SITE_URL))
    if content.created:
        add(ds, DCT + "issued", day(content.created))
    add(publisher, RDF + "type", ox.NamedNode(FOAF + "Agent"))
    add(publisher, FOAF + "name", ox.Literal(PUBLISHER_NAME))
    add(publisher, FOAF + "homepage", ox.NamedNode(SITE_URL))
    add(contact, RDF + "type", ox.NamedNode(VCARD + "Organization"))
    add(contact, VCARD + "fn", ox.Literal(PUBLISHER_NAME))
    add(contact, VCARD + "hasURL", ox.NamedNode(CONTACT_URL))
    for subject in (ds, release):
        add(subject, DCAT + "contactPoint", contact)
        for keyword in KEYWORDS:
            add(subject, DCAT + "keyword", ox.Literal(keyword, language="en"))
    add(release, RDF + "type", ox.NamedNode(VOID + "Dataset"))
    add(release, RDF + "type", ox.NamedNode(DCAT + "Dataset"))
    add(release, DCT + "isVersionOf", ds)
    add(release, DCT + "title", ox.Literal(f"peacekg {version}", language="en"))
    add(
        release,
        DCT + "description",
        ox.Literal(
            "The open knowledge graph of international norms in peacekeeping: the ontology, the data and "
            "its OWL 2 RL closure, as three named graphs.",
            language="en",
        ),
    )
    add(release, DCT + "license", license)
    add(release, DCT + "publisher", publisher)
    if content.date:
        add(release, DCT + "issued", day(content.date))
        add(release, DCT + "modified", day(content.date))
    add(release, DCAT + "version", ox.Literal(version))
    add(release, OWL + "versionInfo", ox.Literal(version))
    add(release, DCT + "conformsTo", ox.NamedNode(version_iri(version)))
    add(release, VOID + "vocabulary", ox.NamedNode(PEACEKG))
    add(release, VOID + "uriSpace", ox.Literal(ID))
    add(release, VOID + "sparqlEndpoint", ox.NamedNode(sparql_endpoint))
    add(release, VOID + "dataDump", ox.NamedNode(base_url + "peacekg.nq"))
    add(release, VOID + "feature", ox.NamedNode("http://www.w3.org/ns/formats/N-Quads"))
    add(release, DCAT + "landingPage", ox.NamedNode(base_url + "index.html"))
    _statistics(release, all_triples, add, integer)
    classes = _class_counts(all_triples)
    for cls, count in sorted(classes.items()):
        if not cls.startswith(PEACEKG):
            continue
        partition = ox.NamedNode(f"{DATASET_IRI}/{version}/class/{cls[len(PEACEKG):]}")
        add(release, VOID + "classPartition", partition)
        add(partition, VOID + "class", ox.NamedNode(cls))
        add(partition, VOID + "entities", integer(count))
    for name, iri in PARTS.items():
        subset = ox.NamedNode(f"{DATASET_IRI}/{version}/{name}")
        add(release, VOID + "subset", subset)
        add(subset, RDF + "type", ox.NamedNode(VOID + "Dataset"))
        add(subset, DCT + "title", ox.Literal(f"peacekg {version}: {name} graph", language="en"))
        add(subset, SD + "name", ox.NamedNode(iri))
        add(subset, VOID + "dataDump", ox.NamedNode(base_url + PART_DUMPS[name]))
        _statistics(subset, content.graphs[iri], add, integer)
    for f in RDF_FILES:
        data = files[f.name]
        dist = ox.NamedNode(f"{DATASET_IRI}/{version}/distribution/{f.name}")
        checksum = ox.NamedNode(f"{DATASET_IRI}/{version}/distribution/{f.name}#sha256")
        add(release, DCAT + "distribution", dist)
        add(dist, RDF + "type", ox.NamedNode(DCAT + "Distribution"))
        add(dist, DCT + "title", ox.Literal(f.name))
        add(dist, DCT + "description", ox.Literal(f.description, language="en"))
        add(dist, DCAT + "downloadURL", ox.NamedNode(base_url + f.name))
        add(dist, DCAT + "accessURL", ox.NamedNode(base_url))
        add(dist, DCAT + "mediaType", ox.NamedNode(MEDIA_TYPES + f.media_type))
        add(dist, DCT + "license", license)
        if content.date:
            add(dist, DCT + "issued", day(content.date))
        add(dist, DCAT + "byteSize", integer(len(data), "nonNegativeInteger"))
        add(dist, SPDX + "checksum", checksum)
        add(checksum, RDF + "type", ox.NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(hashlib.sha256(data).hexdigest(), datatype=ox.NamedNode(XSD + "hexBinary")))
    return out


def _statistics(subject, triples: list[ox.Triple], add, integer) -> None:
    add(subject, VOID + "triples", integer(len(triples)))
    add(subject, VOID + "classes", integer(len(_class_counts(triples))))
    add(subject, VOID + "properties", integer(len({t.predicate for t in triples})))
    add(subject, VOID + "distinctSubjects", integer(len({t.subject for t in triples})))
    add(subject, VOID + "distinctObjects", integer(len({t.object for t in triples})))
    entities = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(ID)}
    add(subject, VOID + "entities", integer(len(entities)))


def _class_counts(triples: list[ox.Triple]) -> dict[str, int]:
    members: dict[str, set] = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            members[t.object.value].add(t.subject)
    return {c: len(s) for c, s in members.items()}


def checksums(files: Mapping[str, bytes]) -> bytes:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()


def sparql_endpoint_for(base_url: str) -> str:
    """The SPARQL endpoint of the site that publishes ``base_url``: the site's
    ``sparql``, where the site is the base URL less a trailing ``release/<version>/``
    (``https://w3id.org/peacekg/release/1.0/`` -> ``https://w3id.org/peacekg/sparql``)."""
    site = re.sub(r"release/[^/]+/$", "", base_url if base_url.endswith("/") else base_url + "/")
    return site + "sparql"


def render(
    content: ReleaseContent,
    *,
    base_url: str | None = None,
    sparql_endpoint: str | None = None,
) -> dict[str, bytes]:
    """Every file of the release, as bytes, by name. Without ``sparql_endpoint``
    the VoID description names the endpoint of the site of ``base_url``."""
    from .ontodoc import class_diagram, documentation_page, relations_diagram

    base_url = (base_url or DEFAULT_BASE_URL).format(version=content.version)
    if not base_url.endswith("/"):
        base_url += "/"
    sparql_endpoint = sparql_endpoint or sparql_endpoint_for(base_url)
    files = render_rdf_files(content)
    files["peacekg-context.jsonld"] = jsonld.context_document(content.graphs[ONTOLOGY_GRAPH])
    void = void_description(content, files, base_url=base_url, sparql_endpoint=sparql_endpoint)
    files["void.ttl"] = serialize_graph(void, "turtle")
    files["catalog-v001.xml"] = catalog_xml(content.version)
    onto = content.graphs[ONTOLOGY_GRAPH]
    files["classes.svg"] = class_diagram(onto).encode()
    files["relations.svg"] = relations_diagram(onto).encode()
    files["index.html"] = documentation_page(onto, content.version, files=[*RDF_FILES, *META_FILES]).encode()
    files["SHA256SUMS"] = checksums(files)
    return files


def write_folder(target: Path, files: Mapping[str, bytes]) -> Path:
    """Write ``files`` (name -> bytes) as the folder ``target``: built beside it
    and renamed into place, so a reader never sees half of it; an older folder
    of the same name is replaced."""
    out = target.parent
    out.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=out))
    try:
        for name, data in files.items():
            (scratch / name).write_bytes(data)
        os.chmod(scratch, 0o755)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=out))
            os.replace(target, old / "previous")
            os.replace(scratch, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def release(
    project: Project,
    out_dir: Path | str,
    version: str | None = None,
    *,
    base_url: str | None = None,
    sparql_endpoint: str | None = None,
    date: str | None = None,
) -> Release:
    """Write the release of ``project`` to ``out_dir/peacekg-<version>/``.

    The folder is written beside its final place and renamed into it, so a
    reader never sees half a release; an older folder of the same version is
    replaced.
    """
    content = collect(project, version, date)
    files = render(content, base_url=base_url, sparql_endpoint=sparql_endpoint)
    target = write_folder(Path(out_dir) / folder_name(content.version), files)
    return Release(
        folder=target,
        version=content.version,
        files={name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
        triples={iri: len(ts) for iri, ts in content.graphs.items()},
    )


def read_release_graphs(folder: Path) -> dict[str, list[ox.Triple]]:
    """The named graphs of a written release, from its N-Quads file."""
    graphs: dict[str, list[ox.Triple]] = {}
    with open(folder / "peacekg.nq", "rb") as fh:
        for q in ox.parse(fh, format=ox.RdfFormat.N_QUADS):
            graphs.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
    order = list(PARTS.values())
    return dict(sorted(graphs.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


__all__ = [
    "DATASET_IRI",
    "META_FILES",
    "PARTS",
    "RDF_FILES",
    "Release",
    "ReleaseError",
    "canonical_bnode_labels",
    "read_catalog",
    "release",
]
