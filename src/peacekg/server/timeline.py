"""The timeline picture: peace operations as bars and the norms' milestones and
instruments as marks over the decades, drawn here as SVG (no library, no CDN).

Every mark links to its resource's page and has a ``<title>`` tooltip; every
text is XML-escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from .linked_data import local_href

#: Colours of the bars by kind of operation, and of the marks by kind of link (one palette, colour-blind safe).
COLOURS: dict[str, str] = {
    "UN peacekeeping": "#0072B2",
    "regional": "#009E73",
    "multinational": "#E69F00",
    "other": "#777777",
    "codifies": "#0072B2",
    "affirms": "#009E73",
    "develops": "#CC79A7",
    "milestone": "#D55E00",
}

WIDTH, LEFT, RIGHT, BAR, GAP, ROW = 1100, 230, 20, 11, 3, 18


@dataclass(frozen=True)
class Span:
    iri: str
    label: str
    title: str
    start: date
    end: date | None
    kind: str


@dataclass(frozen=True)
class Mark:
    iri: str
    row: str  # the norm's label
    row_iri: str
    title: str
    day: date
    kind: str  # codifies / affirms / develops / milestone


MISSIONS = """
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?m ?acronym ?label ?start ?end ?un ?regional ?multinational WHERE {
  ?m a peacekg:PeaceOperation ; peacekg:startDate ?start .
  OPTIONAL { ?m peacekg:acronym ?acronym } OPTIONAL { ?m rdfs:label ?label } OPTIONAL { ?m peacekg:endDate ?end }
  BIND (EXISTS { ?m a peacekg:UNPeacekeepingOperation } AS ?un)
  BIND (EXISTS { ?m a peacekg:RegionalPeaceOperation } AS ?regional)
  BIND (EXISTS { ?m a peacekg:MultinationalForce } AS ?multinational)
}"""

NORM_MARKS = """
PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?n ?norm ?x ?label ?day ?kind WHERE {
  {
    VALUES (?link ?kind) { (peacekg:codifies "codifies") (peacekg:affirms "affirms") (peacekg:develops "develops") }
    ?x ?link ?n ; peacekg:adoptionDate ?day .
    OPTIONAL { ?x peacekg:documentSymbol ?symbol } OPTIONAL { ?x rdfs:label ?l }
    BIND (COALESCE(?symbol, ?l, STR(?x)) AS ?label)
  } UNION {
    ?x peacekg:milestoneOf ?n ; peacekg:date ?day .
    OPTIONAL { ?x rdfs:label ?l }
    BIND (COALESCE(?l, STR(?x)) AS ?label)
    BIND ("milestone" AS ?kind)
  }
  ?n rdfs:label ?norm .
}"""


def _day(literal) -> date | None:
    try:
        return date.fromisoformat(literal.value[:10])
    except (AttributeError, ValueError):
        return None


def timeline_data(kg) -> tuple[list[Span], list[Mark]]:
    spans = []
    for row in kg.sparql_raw(MISSIONS):
        start = _day(row["start"])
        if start is None:
            continue
        kind = "UN peacekeeping" if row["un"].value == "true" else "regional" if row["regional"].value == "true" else (
            "multinational" if row["multinational"].value == "true" else "other"
        )
        acronym = row["acronym"].value if row["acronym"] else ""
        label = row["label"].value if row["label"] else row["m"].value
        end = _day(row["end"]) if row["end"] else None
        when = f"{start.isoformat()} – {end.isoformat() if end else 'ongoing'}"
        spans.append(Span(row["m"].value, acronym or label, f"{acronym} — {label} ({when})" if acronym else f"{label} ({when})", start, end, kind))
    marks = []
    for row in kg.sparql_raw(NORM_MARKS):
        day = _day(row["day"])
        if day is not None:
            kind = row["kind"].value
            marks.append(Mark(row["x"].value, row["norm"].value, row["n"].value, f"{row['label'].value} ({day.isoformat()}, {kind})", day, kind))
    spans.sort(key=lambda s: (s.start, s.label))
    marks.sort(key=lambda m: (m.row.lower(), m.day))
    return spans, marks


def _lanes(spans: list[Span], today: date, min_days: float) -> list[int]:
    """Greedy interval packing: the lowest lane whose last bar ended before this one starts."""
    ends: list[date] = []
    lanes = []
    for span in spans:
        end = span.end or today
        for lane, last in enumerate(ends):
            if (span.start - last).days > min_days:
                ends[lane] = max(end, date.fromordinal(span.start.toordinal() + int(min_days)))
                lanes.append(lane)
                break
        else:
            ends.append(max(end, date.fromordinal(span.start.toordinal() + int(min_days))))
            lanes.append(len(ends) - 1)
    return lanes


def render_svg(spans: list[Span], marks: list[Mark], prefix: str = "", today: date | None = None) -> str:
    """The whole picture as one standalone SVG document (no external resources)."""
    today = today or date.today()
    years = [s.start.year for s in spans] + [m.day.year for m in marks] or [1945]
    first = min(years) // 10 * 10
    last = (max(years + [today.year]) // 10 + 1) * 10
    span_days = (date(last, 1, 1) - date(first, 1, 1)).days
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + plot * (day - date(first, 1, 1)).days / span_days, 1)

    days_per_px = span_days / plot
    lanes = _lanes(spans, today, days_per_px * 46)  # room for an acronym label
    lane_count = max(lanes, default=-1) + 1
    norms = sorted({(m.row, m.row_iri) for m in marks}, key=lambda r: r[0].lower())
    top = 40
    missions_height = lane_count * (BAR + GAP) + 30
    norms_top = top + missions_height + 40
    height = norms_top + max(1, len(norms)) * ROW + 50

    def link(iri: str, body: str) -> str:
        href = local_href(iri, prefix) or iri
        return f"<a href={quoteattr(href)}>{body}</a>"

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="timeline-title" font-family="sans-serif" font-size="11">',
        '<title id="timeline-title">Peace operations and norm milestones over the decades</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for year in range(first, last + 1, 10):
        gx = x(date(year, 1, 1))
        out.append(f'<line x1="{gx}" y1="{top - 12}" x2="{gx}" y2="{height - 30}" stroke="#dddddd"/>')
        out.append(f'<text x="{gx}" y="{top - 16}" text-anchor="middle" fill="#444444">{year}</text>')
        out.append(f'<text x="{gx}" y="{height - 16}" text-anchor="middle" fill="#444444">{year}</text>')
    tx = x(today)
    out.append(f'<line x1="{tx}" y1="{top - 12}" x2="{tx}" y2="{height - 30}" stroke="#bb0000" stroke-dasharray="3 3"><title>today</title></line>')
    out.append(f'<text x="10" y="{top + 10}" font-weight="bold" fill="#222222">Peace operations ({len(spans)})</text>')
    legend_y = top + 28
    for i, kind in enumerate(("UN peacekeeping", "regional", "multinational")):
        out.append(f'<rect x="10" y="{legend_y + i * 16}" width="12" height="10" fill="{COLOURS[kind]}"/>')
        out.append(f'<text x="28" y="{legend_y + i * 16 + 9}" fill="#222222">{escape(kind)}</text>')
    for span, lane in zip(spans, lanes):
        y = top + lane * (BAR + GAP)
        x0, x1 = x(span.start), x(span.end or today)
        width = max(2.0, round(x1 - x0, 1))
        bar = f'<rect x="{x0}" y="{y}" width="{width}" height="{BAR}" rx="2" fill="{COLOURS[span.kind]}"' + (
            ' fill-opacity="0.6"' if span.end is None else ""
        ) + f"><title>{escape(span.title)}</title></rect>"
        text = f'<text x="{round(x0 + 2, 1)}" y="{y + BAR - 2}" font-size="9" fill="#111111">{escape(span.label)}</text>' if width > 36 else ""
        label_outside = (
            f'<text x="{round(x0 + width + 2, 1)}" y="{y + BAR - 2}" font-size="9" fill="#111111">{escape(span.label)}</text>' if width <= 36 else ""
        )
        out.append(link(span.iri, bar + text + label_outside))
    out.append(f'<text x="10" y="{norms_top - 14}" font-weight="bold" fill="#222222">Norms: instruments and milestones</text>')
    legend_x = 300
    for i, kind in enumerate(("codifies", "affirms", "develops", "milestone")):
        cx = legend_x + i * 110
        shape = (
            f'<rect x="{cx - 4}" y="{norms_top - 22}" width="8" height="8" transform="rotate(45 {cx} {norms_top - 18})" fill="{COLOURS[kind]}"/>'
            if kind == "milestone"
            else f'<circle cx="{cx}" cy="{norms_top - 18}" r="4" fill="{COLOURS[kind]}"/>'
        )
        out.append(shape + f'<text x="{cx + 8}" y="{norms_top - 14}" fill="#222222">{escape(kind)}</text>')
    rows = {iri: i for i, (_, iri) in enumerate(norms)}
    for i, (label, iri) in enumerate(norms):
        y = norms_top + i * ROW + ROW / 2
        short = label if len(label) <= 36 else label[:35] + "…"
        out.append(link(iri, f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" fill="#222222"><title>{escape(label)}</title>{escape(short)}</text>'))
        out.append(f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="#eeeeee"/>')
    if not norms:
        out.append(f'<text x="{LEFT}" y="{norms_top + 12}" fill="#666666">No dated instruments or milestones yet.</text>')
    for mark in marks:
        y = norms_top + rows[mark.row_iri] * ROW + ROW / 2
        cx = x(mark.day)
        if mark.kind == "milestone":
            shape = f'<rect x="{cx - 4}" y="{y - 4}" width="8" height="8" transform="rotate(45 {cx} {y})" fill="{COLOURS["milestone"]}">'
            out.append(link(mark.iri, shape + f"<title>{escape(mark.row)}: {escape(mark.title)}</title></rect>"))
        else:
            shape = f'<circle cx="{cx}" cy="{y}" r="4" fill="{COLOURS.get(mark.kind, "#777777")}" fill-opacity="0.85">'
            out.append(link(mark.iri, shape + f"<title>{escape(mark.row)}: {escape(mark.title)}</title></circle>"))
    out.append("</svg>")
    return "\n".join(out)
