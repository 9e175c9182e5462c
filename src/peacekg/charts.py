"""Mandate pictures drawn as standalone SVG (no library, no CDN):

- an operation's **mandate timeline**: its resolutions as ticks, the tasks in force
  as bands over time, Chapter VII as a band, and the authorised ceilings as step
  lines;
- a norm's **diffusion chart**: how many active operations carried a task that
  implements the norm, year by year.

Data comes from the graph through a ``run(sparql) -> rows`` callable, so the same
code serves the web pages and ``peacekg report``. Every text is XML-escaped and
every mark has a ``<title>`` tooltip and links to its resource.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape, quoteattr

Rows = Iterable  # rows indexable by variable name, values with a ``.value``
Runner = Callable[[str], Rows]
Linker = Callable[[str], str]

_PREFIXES = """PREFIX peacekg: <https://w3id.org/peacekg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

#: Tick colours per act kind (colour-blind safe palette), in order of precedence.
KIND_COLOURS: dict[str, str] = {
    "Establishment": "#009E73",
    "Termination": "#D55E00",
    "Transfer": "#CC79A7",
    "Authorisation": "#56B4E9",
    "Expansion": "#0072B2",
    "Reduction": "#E69F00",
    "Modification": "#7F3C8D",
    "FinalExtension": "#B8860B",
    "Extension": "#888888",
}
CEILING_COLOURS = {"troops": "#0072B2", "observers": "#009E73", "police": "#D55E00"}
TASK_COLOUR, CHAPTER_VII_COLOUR = "#56B4E9", "#D55E00"
WIDTH, LEFT, RIGHT = 1000, 250, 20


@dataclass(frozen=True)
class Act:
    """One resolution acting on the operation."""

    resolution: str  # IRI
    symbol: str
    day: date
    kinds: tuple[str, ...]
    chapter_vii: bool
    tasks: tuple[tuple[str, str], ...]  # (task IRI, label) assigned
    ended: tuple[tuple[str, str], ...]  # (task IRI, label) ended
    ceilings: dict[str, int] = field(default_factory=dict)

    @property
    def main_kind(self) -> str:
        return next((k for k in KIND_COLOURS if k in self.kinds), "Extension")


@dataclass(frozen=True)
class Band:
    """A stretch of time during which something was in force."""

    iri: str
    label: str
    start: date
    end: date | None
    since: str  # the symbol of the resolution that began it


@dataclass
class MandateTimeline:
    """Everything the mandate picture of one operation shows."""

    iri: str
    label: str
    start: date | None
    end: date | None
    acts: list[Act]

    def task_bands(self) -> list[Band]:
        """Each task from the act that assigned it until an act ended it or the operation ended."""
        bands: list[Band] = []
        open_: dict[str, tuple[str, date, str]] = {}
        for act in self.acts:
            for iri, label in act.ended:
                if iri in open_:
                    lbl, start, since = open_.pop(iri)
                    bands.append(Band(iri, lbl, start, act.day, since))
            for iri, label in act.tasks:
                open_.setdefault(iri, (label, act.day, act.symbol))
        bands += [Band(iri, lbl, start, self.end, since) for iri, (lbl, start, since) in open_.items()]
        return sorted(bands, key=lambda b: (b.start, b.label))

    def chapter_vii_band(self) -> Band | None:
        first = next((a for a in self.acts if a.chapter_vii), None)
        return Band("", "Chapter VII", first.day, self.end, first.symbol) if first else None

    def ceiling_steps(self) -> dict[str, list[tuple[date, int, str]]]:
        steps: dict[str, list[tuple[date, int, str]]] = {}
        for act in self.acts:
            for name, value in act.ceilings.items():
                steps.setdefault(name, []).append((act.day, value, act.symbol))
        return steps


def _day(term) -> date | None:
    try:
        return date.fromisoformat(term.value[:10])
    except (AttributeError, ValueError):
        return None


def _iri_literal(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ '):
        raise ValueError(f"not an IRI: {iri!r}")
    return f"<{iri}>"


def mandate_timeline(run: Runner, mission: str) -> MandateTimeline:
    """The mandate history of ``mission`` (an IRI) read from the graph."""
    m = _iri_literal(mission)
    head = list(run(_PREFIXES + f"""SELECT ?label ?acronym ?start ?end WHERE {{
        OPTIONAL {{ {m} rdfs:label ?label }} OPTIONAL {{ {m} peacekg:acronym ?acronym }}
        OPTIONAL {{ {m} peacekg:startDate ?start }} OPTIONAL {{ {m} peacekg:endDate ?end }} }} LIMIT 1"""))
    row = head[0] if head else None

    def get(name: str):
        return row[name] if row is not None else None

    label = get("acronym") or get("label")
    acts: dict[str, dict] = {}
    for r in run(_PREFIXES + f"""SELECT ?act ?r ?symbol ?d ?kind ?ch7 ?task ?taskLabel ?ended ?endedLabel ?troops ?observers ?police WHERE {{
        ?act peacekg:actOn {m} ; peacekg:byResolution ?r . ?r peacekg:documentSymbol ?symbol ; peacekg:adoptionDate ?d .
        OPTIONAL {{ ?act peacekg:actKind ?kind }} OPTIONAL {{ ?act peacekg:underChapterVII ?ch7 }}
        OPTIONAL {{ ?act peacekg:mandatesTask ?task . ?task skos:prefLabel ?taskLabel }}
        OPTIONAL {{ ?act peacekg:endsTask ?ended . ?ended skos:prefLabel ?endedLabel }}
        OPTIONAL {{ ?act peacekg:troopCeiling ?troops }} OPTIONAL {{ ?act peacekg:militaryObserverCeiling ?observers }}
        OPTIONAL {{ ?act peacekg:policeCeiling ?police }} }}"""):
        day = _day(r["d"])
        if day is None:
            continue
        a = acts.setdefault(r["act"].value, {"r": r["r"].value, "symbol": r["symbol"].value, "day": day, "kinds": set(),
                                             "ch7": False, "tasks": {}, "ended": {}, "ceilings": {}})
        if r["kind"] is not None:
            a["kinds"].add(r["kind"].value.rsplit("#", 1)[-1])
        if r["ch7"] is not None and r["ch7"].value == "true":
            a["ch7"] = True
        if r["task"] is not None:
            a["tasks"][r["task"].value] = r["taskLabel"].value
        if r["ended"] is not None:
            a["ended"][r["ended"].value] = r["endedLabel"].value
        for name in ("troops", "observers", "police"):
            if r[name] is not None:
                a["ceilings"][name] = int(r[name].value)
    ordered = sorted(acts.values(), key=lambda a: (a["day"], a["symbol"]))
    return MandateTimeline(
        mission, label.value if label else mission, _day(get("start")), _day(get("end")),
        [Act(a["r"], a["symbol"], a["day"], tuple(sorted(a["kinds"])), a["ch7"], tuple(sorted(a["tasks"].items(), key=lambda t: t[1])),
             tuple(sorted(a["ended"].items(), key=lambda t: t[1])), a["ceilings"]) for a in ordered],
    )


def _link(linker: Linker | None, iri: str, body: str) -> str:
    if not iri:
        return body
    href = linker(iri) if linker else iri
    return f"<a href={quoteattr(href)}>{body}</a>"


def render_mandate_svg(tl: MandateTimeline, linker: Linker | None = None, today: date | None = None) -> str:
    """The mandate timeline of one operation as a standalone SVG document."""
    today = today or date.today()
    title = f"Mandate timeline of {tl.label}"
    if not tl.acts:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 40" width="{WIDTH}" height="40" role="img" '
                f'font-family="sans-serif" font-size="12"><title>{escape(title)}</title>'
                f'<text x="10" y="24" fill="#666666">No mandate resolutions recorded for {escape(tl.label)}.</text></svg>')
    first = min([a.day for a in tl.acts] + ([tl.start] if tl.start else []))
    last = max([a.day for a in tl.acts] + [tl.end or today])
    lo, hi = date(first.year, 1, 1), date(last.year + 1, 1, 1)
    span = (hi - lo).days
    plot = WIDTH - LEFT - RIGHT

    def x(day: date) -> float:
        return round(LEFT + plot * (day - lo).days / span, 1)

    bands = tl.task_bands()
    ch7 = tl.chapter_vii_band()
    steps = tl.ceiling_steps()
    row, top = 16, 44
    ticks_y = top
    bands_top = ticks_y + 34
    band_rows = ([ch7] if ch7 else []) + bands
    ceil_top = bands_top + len(band_rows) * row + 36
    ceil_height = 130 if steps else 0
    height = ceil_top + ceil_height + (40 if steps else 10)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="mandate-title" font-family="sans-serif" font-size="11">',
        f'<title id="mandate-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="18" font-weight="bold" fill="#222222">{escape(title)}: {len(tl.acts)} resolution(s)</text>',
    ]
    step_years = max(1, (hi.year - lo.year) // 12)
    for year in range(lo.year, hi.year + 1, step_years):
        gx = x(date(year, 1, 1))
        out.append(f'<line x1="{gx}" y1="{top - 10}" x2="{gx}" y2="{height - 24}" stroke="#eeeeee"/>')
        out.append(f'<text x="{gx}" y="{height - 10}" text-anchor="middle" fill="#444444">{year}</text>')
    out.append(f'<text x="{LEFT - 8}" y="{ticks_y + 14}" text-anchor="end" fill="#222222">Resolutions</text>')
    for act in tl.acts:
        tx = x(act.day)
        kinds = ", ".join(k.lower() for k in act.kinds) or "act"
        extra = "; Chapter VII" if act.chapter_vii else ""
        tasks = f"; tasks: {', '.join(label for _, label in act.tasks)}" if act.tasks else ""
        tip = f"{act.symbol}, {act.day.isoformat()}: {kinds}{extra}{tasks}"
        tick = (f'<rect x="{round(tx - 1.5, 1)}" y="{ticks_y}" width="3" height="20" fill="{KIND_COLOURS[act.main_kind]}">'
                f"<title>{escape(tip)}</title></rect>")
        out.append(_link(linker, act.resolution, tick))
    legend_x = LEFT
    for kind in sorted({a.main_kind for a in tl.acts}, key=list(KIND_COLOURS).index):
        out.append(f'<rect x="{legend_x}" y="{ticks_y - 16}" width="8" height="8" fill="{KIND_COLOURS[kind]}"/>')
        name = "final extension" if kind == "FinalExtension" else kind.lower()
        out.append(f'<text x="{legend_x + 11}" y="{ticks_y - 8}" font-size="10" fill="#333333">{escape(name)}</text>')
        legend_x += 14 + 6.2 * len(name)
    for i, band in enumerate(band_rows):
        y = bands_top + i * row
        colour = CHAPTER_VII_COLOUR if band is ch7 else TASK_COLOUR
        short = band.label if len(band.label) <= 40 else band.label[:39] + "…"
        label = f'<text x="{LEFT - 8}" y="{y + 11}" text-anchor="end" fill="#222222"><title>{escape(band.label)}</title>{escape(short)}</text>'
        out.append(_link(linker, band.iri, label))
        x0, x1 = x(band.start), x(band.end or today)
        until = band.end.isoformat() if band.end else "today"
        tip = f"{band.label}: {band.start.isoformat()} ({band.since}) to {until}"
        out.append(f'<rect x="{x0}" y="{y + 2}" width="{max(2.0, round(x1 - x0, 1))}" height="{row - 5}" rx="2" fill="{colour}"'
                   + (' fill-opacity="0.6"' if band.end is None else "") + f"><title>{escape(tip)}</title></rect>")
    if steps:
        peak = max(v for series in steps.values() for _, v, _ in series)
        base = ceil_top + ceil_height

        def y(value: int) -> float:
            return round(base - ceil_height * value / peak, 1)

        out.append(f'<text x="{LEFT - 8}" y="{ceil_top + 10}" text-anchor="end" fill="#222222">Authorised ceilings</text>')
        out.append(f'<text x="{LEFT - 8}" y="{ceil_top + 24}" text-anchor="end" font-size="10" fill="#666666">max {peak:,}</text>')
        out.append(f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999999"/>')
        for i, (name, series) in enumerate(sorted(steps.items())):
            colour = CEILING_COLOURS[name]
            end_x = x(tl.end or today)
            points: list[str] = []
            for j, (day, value, symbol) in enumerate(series):
                nxt = x(series[j + 1][0]) if j + 1 < len(series) else end_x
                points += [f"{x(day)},{y(value)}", f"{nxt},{y(value)}"]
            out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            for day, value, symbol in series:
                out.append(f'<circle cx="{x(day)}" cy="{y(value)}" r="3" fill="{colour}"><title>{escape(f"{name}: {value:,} ({symbol}, {day.isoformat()})")}</title></circle>')
            out.append(f'<rect x="{LEFT - 90}" y="{ceil_top + 36 + i * 14}" width="8" height="8" fill="{colour}"/>'
                       f'<text x="{LEFT - 78}" y="{ceil_top + 44 + i * 14}" font-size="10" fill="#333333">{name}</text>')
    out.append("</svg>")
    return "\n".join(out)


@dataclass(frozen=True)
class DiffusionYear:
    year: int
    operations: int
    acronyms: str


def diffusion_from_rows(rows: Rows) -> list[DiffusionYear]:
    """DiffusionYear records from the rows of the ``norm-diffusion`` or ``task-diffusion`` query."""
    years = []
    for r in rows:
        years.append(DiffusionYear(int(r["year"].value), int(r["operations"].value), r["acronyms"].value if r["acronyms"] else ""))
    return sorted(years, key=lambda d: d.year)


def render_diffusion_svg(label: str, years: list[DiffusionYear], today: date | None = None) -> str:
    """Bars per year: how many active operations carried the norm's tasks."""
    today = today or date.today()
    title = f"Operations mandated with tasks that implement {label}, per year"
    height, top, bottom = 220, 36, 30
    if not years:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 40" width="{WIDTH}" height="40" role="img" '
                f'font-family="sans-serif" font-size="12"><title>{escape(title)}</title>'
                f'<text x="10" y="24" fill="#666666">No mandate task implementing {escape(label)} is recorded yet.</text></svg>')
    first, last = years[0].year, max(years[-1].year, min(today.year, years[-1].year))
    count = last - first + 1
    left = 60
    plot = WIDTH - left - RIGHT
    slot = plot / count
    peak = max(d.operations for d in years)
    chart = height - top - bottom
    by_year = {d.year: d for d in years}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="diffusion-title" font-family="sans-serif" font-size="11">',
        f'<title id="diffusion-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="18" font-weight="bold" fill="#222222">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + chart}" x2="{WIDTH - RIGHT}" y2="{top + chart}" stroke="#999999"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="#444444">{peak}</text>',
        f'<text x="{left - 6}" y="{top + chart}" text-anchor="end" fill="#444444">0</text>',
    ]
    label_every = max(1, count // 14)
    for i, year in enumerate(range(first, last + 1)):
        bx = round(left + i * slot + slot * 0.1, 1)
        if (year - first) % label_every == 0:
            out.append(f'<text x="{round(bx + slot * 0.4, 1)}" y="{height - 10}" text-anchor="middle" fill="#444444">{year}</text>')
        d = by_year.get(year)
        if not d or not d.operations:
            continue
        h = round(chart * d.operations / peak, 1)
        tip = f"{year}: {d.operations} operation(s): {d.acronyms}"
        out.append(f'<rect x="{bx}" y="{round(top + chart - h, 1)}" width="{round(slot * 0.8, 1)}" height="{h}" fill="{TASK_COLOUR}">'
                   f"<title>{escape(tip)}</title></rect>")
    out.append("</svg>")
    return "\n".join(out)


_CHART_SUBJECTS = _PREFIXES + """SELECT DISTINCT ?x ?label ?kind WHERE {
  { ?act peacekg:actOn ?x . ?x peacekg:acronym ?label . BIND ("mandate" AS ?kind) }
  UNION
  { ?task peacekg:implementsNorm ?x . ?x rdfs:label ?label . BIND ("diffusion" AS ?kind) }
} ORDER BY ?kind ?label"""


def chart_files(kg, today: date | None = None) -> dict[str, bytes]:
    """Every mandate timeline and norm diffusion chart as SVG files, with an
    ``index.html`` that lists them: what ``peacekg report --charts`` writes."""
    from .namespaces import ID

    files: dict[str, bytes] = {}
    entries: list[tuple[str, str, str]] = []
    for row in kg.sparql_raw(_CHART_SUBJECTS):
        iri, label, kind = row["x"].value, row["label"].value, row["kind"].value
        slug = iri.removeprefix(ID).replace("/", "-")
        if kind == "mandate":
            svg = render_mandate_svg(mandate_timeline(kg.sparql_raw, iri), today=today)
        else:
            svg = render_diffusion_svg(label, diffusion_from_rows(kg.run("norm-diffusion", {"norm": iri})), today=today)
        name = f"{kind}-{slug}.svg"
        files[name] = svg.encode()
        entries.append((kind, label, name))
    items = {
        kind: "\n".join(f'<li><a href="{escape(name)}">{escape(label)}</a></li>' for k, label, name in entries if k == kind)
        for kind in ("mandate", "diffusion")
    }
    files["index.html"] = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>peacekg mandate charts</title></head><body>\n'
        "<h1>peacekg mandate charts</h1>\n<h2>Mandate timelines of operations</h2>\n<ul>\n" + items["mandate"] + "\n</ul>\n"
        "<h2>Diffusion of norms into mandates</h2>\n<ul>\n" + items["diffusion"] + "\n</ul>\n</body></html>\n"
    ).encode()
    return files
