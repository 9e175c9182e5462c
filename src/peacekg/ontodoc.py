"""Ontology documentation for a release: one HTML page listing every class and
property (label, definition, hierarchy, domain, range) and two diagrams drawn
here as plain SVG, with no Graphviz or browser needed.

Everything is sorted and laid out by rules, so the same ontology always gives
the same bytes.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from html import escape

import pyoxigraph as ox

from .namespaces import DCT, ONTOLOGY_IRI, OWL, PEACEKG, PREFIXES, RDF, RDFS, SKOS, VANN
from .quality import Index
from .validate import compact

_FONT = 12
_CHAR = 7.0  # average glyph width at 12 px in a sans-serif font
_CHARACTERISTICS = ("Functional", "InverseFunctional", "Transitive", "Symmetric", "Asymmetric", "Reflexive", "Irreflexive")

_SECTIONS = (
    ("classes", "Classes", "class"),
    ("object-properties", "Object properties", "object property"),
    ("datatype-properties", "Datatype properties", "datatype property"),
    ("annotation-properties", "Annotation properties", "annotation property"),
    ("individuals", "Named individuals", "individual"),
)


def _anchor(iri: str) -> str:
    short = compact(iri)
    return short.replace(":", "-") if short != iri else "iri-" + "".join(c if c.isalnum() else "-" for c in iri)


def _name(onto: Index, iri: str) -> str:
    labels = onto.objects(iri, RDFS + "label")
    return labels[0].value if labels else compact(iri)


def _link(onto: Index, term) -> str:
    """A term as HTML: a link to its entry, or a class expression in words."""
    if isinstance(term, ox.NamedNode):
        if onto.kinds.get(term.value):
            return f'<a href="#{_anchor(term.value)}" title="{escape(term.value)}">{escape(_name(onto, term.value))}</a>'
        return f"<code>{escape(compact(term.value))}</code>"
    if isinstance(term, ox.BlankNode):
        for predicate, word in ((OWL + "unionOf", " or "), (OWL + "intersectionOf", " and "), (OWL + "oneOf", ", ")):
            head = onto.value(term, predicate)
            if head is not None:
                inner = word.join(_link(onto, t) for t in onto.list_items(head))
                return "one of {" + inner + "}" if predicate.endswith("oneOf") else inner
        return "<em>an anonymous class</em>"
    return escape(term.value)


# ---------------------------------------------------------------------------
# Hierarchy
# ---------------------------------------------------------------------------


def _named(terms: Iterable) -> list[str]:
    return sorted({t.value for t in terms if isinstance(t, ox.NamedNode)})


def class_tree(onto: Index) -> tuple[dict[str, list[str]], list[str], list[tuple[str, str]]]:
    """Children by primary parent, the roots, and the secondary (extra) parent links."""
    classes = sorted(iri for iri, kinds in onto.kinds.items() if "class" in kinds and not iri.startswith((OWL, RDFS)))
    children: dict[str, list[str]] = defaultdict(list)
    roots, extra = [], []
    for cls in classes:
        parents = [p for p in _named(onto.objects(cls, RDFS + "subClassOf")) if p in classes]
        if not parents:
            roots.append(cls)
            continue
        parents.sort(key=lambda p: (not p.startswith(PEACEKG), p))
        children[parents[0]].append(cls)
        extra += [(cls, p) for p in parents[1:]]
    order = lambda iri: (not iri.startswith(PEACEKG), _name(onto, iri).lower(), iri)  # noqa: E731
    for kids in children.values():
        kids.sort(key=order)
    roots.sort(key=order)
    return children, roots, extra


# ---------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------


def _width(text: str) -> float:
    return len(text) * _CHAR + 16


def _svg(width: float, height: float, body: list[str], title: str) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'font-family="Helvetica, Arial, sans-serif" font-size="{_FONT}" role="img" aria-label="{escape(title)}">',
            f"<title>{escape(title)}</title>",
            "<defs>",
            '<marker id="hollow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="white" stroke="#555"/></marker>',
            '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#2f6f9f"/></marker>',
            "</defs>",
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _box(x: float, y: float, w: float, label: str, iri: str, own: bool) -> str:
    fill, stroke = ("#eaf2fb", "#2f6f9f") if own else ("#f4f4f4", "#999")
    return (
        f'<a href="#{_anchor(iri)}"><g><title>{escape(iri)}</title>'
        f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="{w:.1f}" height="22" rx="4" fill="{fill}" stroke="{stroke}"/>'
        f'<text x="{x + w / 2:.1f}" y="{y + 4:.1f}" text-anchor="middle">{escape(label)}</text></g></a>'
    )


def class_diagram(ontology: Iterable[ox.Triple] | Index) -> str:
    """The class hierarchy as a left-to-right tree; hollow arrows point to the
    super-class, dashed ones to a second super-class."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    children, roots, extra = class_tree(onto)
    depth: dict[str, int] = {}
    rows: dict[str, float] = {}
    next_row = [0]

    def place(cls: str, d: int) -> float:
        depth[cls] = d
        kids = children.get(cls, [])
        if not kids:
            rows[cls] = next_row[0]
            next_row[0] += 1
        else:
            ys = [place(k, d + 1) for k in kids]
            rows[cls] = (ys[0] + ys[-1]) / 2
        return rows[cls]

    for root in roots:
        place(root, 0)
        next_row[0] += 0.5
    columns: dict[int, float] = defaultdict(float)
    for cls, d in depth.items():
        columns[d] = max(columns[d], _width(_name(onto, cls)))
    x_of = {0: 20.0}
    for d in range(1, max(columns, default=0) + 1):
        x_of[d] = x_of[d - 1] + columns[d - 1] + 60
    pitch = 30

    def at(cls: str) -> tuple[float, float, float]:
        return x_of[depth[cls]], 30 + rows[cls] * pitch, _width(_name(onto, cls))

    body = []
    for parent, kids in sorted(children.items()):
        px, py, pw = at(parent)
        for kid in kids:
            kx, ky, _ = at(kid)
            mid = (px + pw + kx) / 2
            body.append(
                f'<path d="M{kx:.1f},{ky:.1f} C{mid:.1f},{ky:.1f} {mid:.1f},{py:.1f} {px + pw:.1f},{py:.1f}" '
                'fill="none" stroke="#555" marker-end="url(#hollow)"/>'
            )
    for kid, parent in sorted(extra):
        kx, ky, _ = at(kid)
        px, py, pw = at(parent)
        body.append(
            f'<path d="M{kx:.1f},{ky:.1f} L{px + pw:.1f},{py:.1f}" fill="none" stroke="#999" stroke-dasharray="4 3" marker-end="url(#hollow)"/>'
        )
    for cls in sorted(depth):
        x, y, w = at(cls)
        body.append(_box(x, y, w, _name(onto, cls), cls, cls.startswith(PEACEKG)))
    width = max((at(c)[0] + at(c)[2] for c in depth), default=100) + 20
    height = 30 + next_row[0] * pitch
    return _svg(width, height, body, "peacekg class hierarchy")


def relations(onto: Index) -> list[tuple[str, str, str]]:
    """(domain, property label, range) for every peacekg object property whose
    domain and range are named classes; a union range gives one edge per member."""
    edges = []
    for prop in onto.own_terms():
        if "object property" not in onto.kinds[prop]:
            continue
        domains = onto.objects(prop, RDFS + "domain")
        ranges = onto.objects(prop, RDFS + "range")
        for d in domains:
            for r in ranges:
                targets = [r] if isinstance(r, ox.NamedNode) else onto.list_items(onto.value(r, OWL + "unionOf"))
                for t in targets:
                    if isinstance(d, ox.NamedNode) and isinstance(t, ox.NamedNode):
                        edges.append((d.value, _name(onto, prop), t.value))
    return sorted(set(edges))


def relations_diagram(ontology: Iterable[ox.Triple] | Index) -> str:
    """The classes linked by object properties, on a circle, with an arrow from
    each property's domain to its range."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    edges = relations(onto)
    nodes = sorted({e[0] for e in edges} | {e[2] for e in edges}, key=lambda c: (_name(onto, c).lower(), c))
    if not nodes:
        return _svg(200, 40, [], "peacekg relations")
    widest = max(_width(_name(onto, n)) for n in nodes)
    radius = max(200.0, len(nodes) * (widest * 0.55) / math.pi)
    margin = widest / 2 + 90
    cx = cy = radius + margin
    pos = {n: (cx + radius * math.cos(2 * math.pi * i / len(nodes) - math.pi / 2), cy + radius * math.sin(2 * math.pi * i / len(nodes) - math.pi / 2)) for i, n in enumerate(nodes)}
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d, label, r in edges:
        grouped[(d, r)].append(label)
    body = []
    for (d, r), labels in sorted(grouped.items()):
        text = ", ".join(labels)
        (x1, y1), (x2, y2) = pos[d], pos[r]
        if d == r:  # a loop outside the circle
            ux, uy = (x1 - cx) / radius, (y1 - cy) / radius
            ox1, oy1 = x1 + ux * 70 - uy * 30, y1 + uy * 70 + ux * 30
            ox2, oy2 = x1 + ux * 70 + uy * 30, y1 + uy * 70 - ux * 30
            body.append(f'<path d="M{x1:.1f},{y1:.1f} C{ox1:.1f},{oy1:.1f} {ox2:.1f},{oy2:.1f} {x1:.1f},{y1:.1f}" fill="none" stroke="#2f6f9f" marker-end="url(#arrow)"/>')
            tx, ty = x1 + ux * 80, y1 + uy * 80
        else:
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            qx, qy = mx + (cx - mx) * 0.35, my + (cy - my) * 0.35  # bend towards the centre
            # stop the arrow at the edge of the target box
            ex, ey = x2 + (qx - x2) * 12 / max(math.dist((qx, qy), (x2, y2)), 1), y2 + (qy - y2) * 12 / max(math.dist((qx, qy), (x2, y2)), 1)
            body.append(f'<path d="M{x1:.1f},{y1:.1f} Q{qx:.1f},{qy:.1f} {ex:.1f},{ey:.1f}" fill="none" stroke="#2f6f9f" stroke-opacity="0.7" marker-end="url(#arrow)"/>')
            tx, ty = (x1 + 2 * qx + x2) / 4, (y1 + 2 * qy + y2) / 4
        body.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="10" fill="#1d4563" stroke="white" stroke-width="3" paint-order="stroke">{escape(text)}</text>')
    for n in nodes:
        x, y = pos[n]
        w = _width(_name(onto, n))
        body.append(_box(x - w / 2, y, w, _name(onto, n), n, n.startswith(PEACEKG)))
    size = 2 * (radius + margin)
    return _svg(size, size, body, "peacekg relations between classes")


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------


def _row(name: str, value: str) -> str:
    return f"<tr><th>{escape(name)}</th><td>{value}</td></tr>" if value else ""


def _links(onto: Index, terms: Iterable) -> str:
    items = sorted(terms, key=lambda t: (_name(onto, t.value).lower() if isinstance(t, ox.NamedNode) else "~", str(t)))
    return ", ".join(_link(onto, t) for t in items)


def _entry(onto: Index, iri: str, kind: str, inverse: dict) -> str:
    node = ox.NamedNode(iri)
    definition = " ".join(d.value for d in onto.objects(iri, SKOS + "definition"))
    rows = [
        _row("IRI", f"<code>{escape(iri)}</code>"),
        _row("Definition", escape(definition)),
        _row("Comment", escape(" ".join(c.value for c in onto.objects(iri, RDFS + "comment")))),
    ]
    if kind == "class":
        rows += [
            _row("Subclass of", _links(onto, onto.objects(iri, RDFS + "subClassOf"))),
            _row("Superclass of", _links(onto, inverse[RDFS + "subClassOf"].get(node, []))),
            _row("Equivalent to", _links(onto, onto.objects(iri, OWL + "equivalentClass"))),
            _row("Domain of", _links(onto, inverse[RDFS + "domain"].get(node, []))),
            _row("Range of", _links(onto, inverse[RDFS + "range"].get(node, []))),
            _row("Instances", _links(onto, inverse[RDF + "type"].get(node, []))),
        ]
    elif kind.endswith("property"):
        characteristics = [c for c in _CHARACTERISTICS if ox.NamedNode(f"{OWL}{c}Property") in onto.objects(iri, RDF + "type")]
        chains = [" ∘ ".join(_link(onto, t) for t in onto.list_items(head)) for head in onto.objects(iri, OWL + "propertyChainAxiom")]
        rows += [
            _row("Domain", _links(onto, onto.objects(iri, RDFS + "domain"))),
            _row("Range", _links(onto, onto.objects(iri, RDFS + "range"))),
            _row("Subproperty of", _links(onto, onto.objects(iri, RDFS + "subPropertyOf"))),
            _row("Superproperty of", _links(onto, inverse[RDFS + "subPropertyOf"].get(node, []))),
            _row("Inverse of", _links(onto, [*onto.objects(iri, OWL + "inverseOf"), *inverse[OWL + "inverseOf"].get(node, [])])),
            _row("Characteristics", ", ".join(characteristics)),
            _row("Property chain", "; ".join(chains)),
        ]
    else:
        types = [t for t in onto.objects(iri, RDF + "type") if isinstance(t, ox.NamedNode) and t.value != OWL + "NamedIndividual"]
        rows.append(_row("Type", _links(onto, types)))
    origin = "" if iri.startswith(PEACEKG) else ' <span class="reused">reused</span>'
    return (
        f'<section class="term" id="{_anchor(iri)}"><h3>{escape(_name(onto, iri))}{origin} '
        f'<small><code>{escape(compact(iri))}</code></small></h3>\n<table>{"".join(rows)}</table></section>'
    )


def _tree_html(onto: Index) -> str:
    children, roots, _ = class_tree(onto)

    def walk(cls: str) -> str:
        kids = children.get(cls, [])
        inner = "<ul>" + "".join(walk(k) for k in kids) + "</ul>" if kids else ""
        return f"<li>{_link(onto, ox.NamedNode(cls))}{inner}</li>"

    return "<ul class=\"tree\">" + "".join(walk(r) for r in roots) + "</ul>"


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; max-width: 70em; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 0.2em 0.6em; }
th { width: 11em; color: #555; font-weight: normal; }
section.term { border: 1px solid #dde; border-radius: 6px; padding: 0.3em 1em 0.6em; margin: 1em 0; }
section.term h3 small { color: #777; font-weight: normal; margin-left: 0.5em; }
.reused { font-size: 0.7em; background: #eee; border-radius: 3px; padding: 0 0.4em; font-weight: normal; }
figure { overflow-x: auto; margin: 1em 0; } ul.tree, ul.tree ul { list-style: none; padding-left: 1.2em; }
nav ul { columns: 3; }
"""


def documentation_page(ontology: Iterable[ox.Triple] | Index, version: str, files: Sequence = ()) -> str:
    """The HTML documentation of the ontology for one release."""
    onto = ontology if isinstance(ontology, Index) else Index(ontology)
    header = ox.NamedNode(ONTOLOGY_IRI)

    def meta(predicate: str) -> str:
        values = onto.objects(header, predicate)
        return ", ".join(escape(v.value) for v in values)

    inverse: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for t in onto.triples:
        if t.predicate.value in (RDFS + "subClassOf", RDFS + "domain", RDFS + "range", RDFS + "subPropertyOf", OWL + "inverseOf", RDF + "type"):
            if isinstance(t.subject, ox.NamedNode):
                inverse[t.predicate.value][t.object].append(t.subject)
    title = meta(DCT + "title") or "peacekg ontology"
    license_iri = onto.value(header, DCT + "license")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{title} {escape(version)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{meta(DCT + 'description')}</p>",
        "<table>",
        _row("Version", escape(version)),
        _row("Ontology IRI", f"<code>{escape(ONTOLOGY_IRI)}</code>"),
        _row("Version IRI", f"<code>{escape(ONTOLOGY_IRI)}/{escape(version)}</code>"),
        _row("Preferred prefix", f"<code>{meta(VANN + 'preferredNamespacePrefix')}:</code> <code>{meta(VANN + 'preferredNamespaceUri')}</code>"),
        _row("Creator", meta(DCT + "creator")),
        _row("License", f'<a href="{escape(license_iri.value)}">{escape(license_iri.value)}</a>' if license_iri is not None else ""),
        _row("Note", meta(RDFS + "comment")),
        "</table>",
    ]
    if files:
        parts += ["<h2 id=\"files\">Files of this release</h2>", "<table>"]
        parts += [f'<tr><th><a href="{escape(f.name)}">{escape(f.name)}</a></th><td>{escape(f.description)}</td></tr>' for f in files]
        parts += ["</table>"]
    parts += ["<nav><h2>Contents</h2><ul>"]
    groups = {kind: sorted((iri for iri, kinds in onto.kinds.items() if kind in kinds and not iri.startswith((OWL, RDFS, RDF))), key=lambda i: (not i.startswith(PEACEKG), _name(onto, i).lower(), i)) for _, _, kind in _SECTIONS}
    parts += [f'<li><a href="#{anchor}">{title_} ({len(groups[kind])})</a></li>' for anchor, title_, kind in _SECTIONS]
    parts += ['<li><a href="#diagrams">Diagrams</a></li><li><a href="#hierarchy">Class hierarchy</a></li></ul></nav>']
    parts += [
        '<h2 id="diagrams">Diagrams</h2>',
        '<figure><figcaption>Relations: an arrow from the domain of each object property to its range.</figcaption>',
        relations_diagram(onto),
        "</figure>",
        '<figure><figcaption>Class hierarchy: hollow arrows point to the super-class.</figcaption>',
        class_diagram(onto),
        "</figure>",
        '<h2 id="hierarchy">Class hierarchy</h2>',
        _tree_html(onto),
    ]
    for anchor, title_, kind in _SECTIONS:
        parts.append(f'<h2 id="{anchor}">{title_}</h2>')
        parts += [_entry(onto, iri, kind, inverse) for iri in groups[kind]]
    parts += [
        f"<footer><p>Generated by peacekg from the ontology of release {escape(version)}. Prefixes: "
        + ", ".join(f"<code>{escape(p)}:</code>" for p in sorted(PREFIXES) if p in ("peacekg", "skos", "dct", "prov", "org", "owl", "rdfs", "xsd"))
        + ".</p></footer>",
        "</body></html>",
        "",
    ]
    return "\n".join(p for p in parts if p)
