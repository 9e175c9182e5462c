"""A seeded, reproducible generator of synthetic peacekg data.

The data follows ``ontology/peacekg.ttl`` and conforms to ``shapes/shapes.ttl``,
uses the IRI and literal conventions of ``docs/data-conventions.md``, and keeps
the proportions of the curated graph: most triples describe Security Council
resolutions (an operation is established, then renewed many times), then
operations, milestones, assessments, events; norms, actors and states stay few.

The first entities reuse real slugs (``unmil``, ``miponuh``, ``lbr``,
``protection-of-civilians``, ``responsibility-to-protect``) so that every stored
query's default parameters find something at every scale.

Run ``python -m bench.generate 100000`` to write ``bench/data/synthetic-100k.nt``.
"""
from __future__ import annotations

import argparse
import itertools
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

#: Scales the benchmark runs at (target number of data triples).
SCALES: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
#: Where generated files go (git-ignored).
DATA_DIR = Path(__file__).resolve().parent / "data"
#: Bump when the output for the same seed and size changes.
GENERATOR_VERSION = "2"
SEED = 20240611

ID = "https://w3id.org/peacekg/id/"
PEACEKG = "https://w3id.org/peacekg/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DEFINITION = "<http://www.w3.org/2004/02/skos/core#definition>"
ALT_LABEL = "<http://www.w3.org/2004/02/skos/core#altLabel>"
IN_SCHEME = "<http://www.w3.org/2004/02/skos/core#inScheme>"
TOP_CONCEPT_OF = "<http://www.w3.org/2004/02/skos/core#topConceptOf>"
HAS_TOP_CONCEPT = "<http://www.w3.org/2004/02/skos/core#hasTopConcept>"
CONCEPT_SCHEME = "<http://www.w3.org/2004/02/skos/core#ConceptScheme>"
SOURCE = "<http://purl.org/dc/terms/source>"
PAGE = "<http://xmlns.com/foaf/0.1/page>"
PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
TASK_SCHEME = f"<{ID}task/scheme>"
SYNTHETIC_SOURCE = "<https://example.org/peacekg-synthetic-source>"
SYNTHETIC_PUBLICATION = "<https://w3id.org/peacekg/id/publication/synthetic-reviews>"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEME = f"<{ID}scheme/norms>"

#: A few real host states first (code, alpha-2, English name); the rest are synthetic.
REAL_STATES = [
    ("LBR", "LR", "Liberia"), ("HTI", "HT", "Haiti"), ("COD", "CD", "Democratic Republic of the Congo"),
    ("BIH", "BA", "Bosnia and Herzegovina"), ("SSD", "SS", "South Sudan"), ("MLI", "ML", "Mali"),
    ("CAF", "CF", "Central African Republic"), ("LBN", "LB", "Lebanon"), ("CYP", "CY", "Cyprus"),
    ("SDN", "SD", "Sudan"), ("SOM", "SO", "Somalia"), ("RWA", "RW", "Rwanda"), ("SLE", "SL", "Sierra Leone"),
    ("CIV", "CI", "Côte d'Ivoire".replace("ô", "o")), ("TLS", "TL", "Timor-Leste"), ("KHM", "KH", "Cambodia"),
]
REAL_NORMS = [
    ("protection-of-civilians", "protection of civilians", "protection"),
    ("responsibility-to-protect", "responsibility to protect", "protection"),
    ("consent", "consent of the parties", "core-principles"),
    ("impartiality", "impartiality", "core-principles"),
    ("non-use-of-force", "non-use of force except in self-defence", "core-principles"),
    ("state-sovereignty", "state sovereignty", "international-order"),
    ("human-rights", "international human rights law", "legal-framework"),
    ("zero-tolerance-sea", "zero tolerance of sexual exploitation and abuse", "conduct"),
    ("women-peace-security", "women, peace and security", "partnership"),
    ("regional-partnership", "regional partnership", "partnership"),
]
CATEGORIES = ["core-principles", "international-order", "protection", "legal-framework", "conduct", "partnership"]
KINDS = [
    "ObserverMission", "TraditionalPeacekeeping", "MultidimensionalPeacekeeping", "StabilisationOperation",
    "HybridOperation", "TransitionalAdministration", "PeaceEnforcement", "PreventiveDeployment", "PoliceMission",
]
MILESTONE_TYPES = ["Emergence", "Codification", "Cascade", "Operationalisation", "Reaffirmation", "Contestation", "Breach", "Reform"]
VERDICTS = ["Success", "Mixed", "Failure"]
MODALITIES = ["Obligation", "Permission", "Prohibition"]


def iri(kind: str, slug: str) -> str:
    return f"<{ID}{kind}/{slug}>"


def peacekg(name: str) -> str:
    return f"<{PEACEKG}{name}>"


def en(text: str) -> str:
    return f'"{text}"@en'


def plain(text: str) -> str:
    return f'"{text}"'


def dt(day: date) -> str:
    return f'"{day.isoformat()}T00:00:00"^^<{XSD}dateTime>'


def integer(n: int) -> str:
    return f'"{n}"^^<{XSD}integer>'


TRUE = f'"true"^^<{XSD}boolean>'
FALSE = f'"false"^^<{XSD}boolean>'


@dataclass(frozen=True)
class Scenario:
    """Parameters for the stored queries that hit the generated data."""

    mission: str = "unmil"
    chain_mission: str = "miponuh"
    norm: str = "protection-of-civilians"
    timeline_norm: str = "responsibility-to-protect"
    country: str = "LBR"
    date: str = "1995-07-11"
    text: str = "Liberia"

    def params(self) -> dict[str, dict[str, str]]:
        """Parameters per stored query (queries without parameters are absent)."""
        return {
            "mission": {"mission": self.mission},
            "mission-chain": {"mission": self.chain_mission},
            "operation-assessments": {"mission": self.mission},
            "missions-active-on": {"date": self.date},
            "missions-in-country": {"country": self.country},
            "norm-instruments": {"norm": self.norm},
            "norm-missions": {"norm": self.norm},
            "norm-timeline": {"norm": self.timeline_norm},
            "search": {"text": self.text},
        }


class Generator:
    """Writes N-Triples lines for a graph of about ``target`` triples."""

    def __init__(self, target: int, seed: int = SEED):
        self.target = target
        self.rng = random.Random(f"{seed}/{target}")
        self.count = 0
        self.states: list[tuple[str, str]] = []  # (slug, name)
        self.norms: list[str] = []
        self.regional: list[str] = []
        self.challenges: list[str] = []
        self.missions: list[str] = []
        self.resolutions_per_year: dict[int, int] = {}
        self.adopted: dict[str, date] = {}
        self.ga_counter = itertools.count(1)
        self.report_counter = itertools.count(1)
        self.publication_written = False

    # -- helpers ----------------------------------------------------------

    def t(self, s: str, p: str, o: str) -> str:
        self.count += 1
        return f"{s} {p} {o} .\n"

    def random_date(self, first: int, last: int) -> date:
        start = date(first, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(last, 12, 31) - start).days + 1))

    # -- the fixed skeleton ---------------------------------------------

    def skeleton(self) -> Iterator[str]:
        t = self.t
        un, unsc, unga, unsg = (iri("actor", a) for a in ("un", "unsc", "unga", "unsg"))
        yield t(un, RDF_TYPE, peacekg("InternationalOrganization"))
        yield t(un, LABEL, en("United Nations"))
        yield t(un, peacekg("acronym"), plain("UN"))
        for actor, name, acronym in ((unsc, "Security Council", "UNSC"), (unga, "General Assembly", "UNGA"), (unsg, "Secretary-General", "UNSG")):
            yield t(actor, RDF_TYPE, peacekg("Organ"))
            yield t(actor, LABEL, en(f"United Nations {name}"))
            yield t(actor, peacekg("acronym"), plain(acronym))
            yield t(actor, "<http://www.w3.org/ns/org#unitOf>", un)
        for n in range(8 + self.target // 250_000):
            slug = f"ro-{n + 1}"
            actor = iri("actor", slug)
            self.regional.append(actor)
            yield t(actor, RDF_TYPE, peacekg("RegionalOrganization"))
            yield t(actor, LABEL, en(f"Regional Organisation {n + 1}"))
            yield t(actor, peacekg("acronym"), plain(f"RO-{n + 1}"))
        # States: real host states first, then synthetic codes.
        codes = {code for code, _, _ in REAL_STATES}
        synthetic = ("Q" + "".join(p) for p in itertools.product(string.ascii_uppercase, repeat=2))
        states = list(REAL_STATES)
        while len(states) < 250:
            code = next(synthetic)
            if code not in codes:
                states.append((code, None, f"Synthetic State {code}"))
        for code, alpha2, name in states:
            state = iri("state", code.lower())
            self.states.append((state, name))
            yield t(state, RDF_TYPE, peacekg("State"))
            yield t(state, LABEL, en(name))
            yield t(state, peacekg("iso3166Alpha3"), plain(code))
            if alpha2:
                yield t(state, peacekg("iso3166Alpha2"), plain(alpha2))
        # The Charter and Chapter VII, which Chapter VII resolutions invoke.
        charter, chapter = iri("instrument", "un-charter"), iri("instrument", "un-charter-chapter-vii")
        yield t(charter, RDF_TYPE, peacekg("Charter"))
        yield t(charter, LABEL, en("Charter of the United Nations"))
        yield t(charter, peacekg("issuedBy"), un)
        yield t(charter, peacekg("adoptionDate"), dt(date(1945, 6, 26)))
        yield t(charter, SOURCE, SYNTHETIC_SOURCE)
        yield t(chapter, RDF_TYPE, peacekg("CharterChapter"))
        yield t(chapter, LABEL, en("Charter of the United Nations, Chapter VII"))
        yield t(chapter, peacekg("issuedBy"), un)
        yield t(chapter, peacekg("partOfInstrument"), charter)
        yield t(chapter, peacekg("articleNumber"), plain("VII"))
        yield t(chapter, SOURCE, SYNTHETIC_SOURCE)
        # The norm taxonomy.
        yield t(SCHEME, RDF_TYPE, CONCEPT_SCHEME)
        yield t(SCHEME, LABEL, en("peacekeeping norm taxonomy"))
        for category in CATEGORIES:
            node = iri("norm", category)
            yield t(node, RDF_TYPE, peacekg("NormCategory"))
            yield t(node, IN_SCHEME, SCHEME)
            yield t(node, TOP_CONCEPT_OF, SCHEME)
            yield t(SCHEME, HAS_TOP_CONCEPT, node)
            yield t(node, LABEL, en(f"{category.replace('-', ' ')} norms"))
            yield t(node, DEFINITION, en(f"A heading of the taxonomy grouping the {category.replace('-', ' ')} norms."))
        # The normative force of deontic statements (issue 14): one value of the scheme.
        force_scheme, commitment = iri("force", "scheme"), iri("force", "political-commitment")
        yield t(force_scheme, RDF_TYPE, CONCEPT_SCHEME)
        yield t(force_scheme, LABEL, en("normative force"))
        yield t(commitment, RDF_TYPE, peacekg("NormativeForce"))
        yield t(commitment, IN_SCHEME, force_scheme)
        yield t(commitment, LABEL, en("political commitment"))
        yield t(commitment, DEFINITION, en("An undertaking that engages states politically rather than legally."))
        norms = list(REAL_NORMS)
        for n in range(2 + self.target // 50_000):
            norms.append((f"norm-{n + 1}", f"synthetic norm {n + 1}", self.rng.choice(CATEGORIES)))
        for index, (slug, label, category) in enumerate(norms):
            yield from self.norm(index, slug, label, category, un, unga)
        yield from self.tasks()
        for n in range(6 + self.target // 500_000):
            challenge = iri("challenge", f"challenge-{n + 1}")
            self.challenges.append(challenge)
            yield t(challenge, RDF_TYPE, peacekg("Challenge"))
            yield t(challenge, LABEL, en(f"challenge {n + 1}"))
            yield t(challenge, DEFINITION, en(f"A recurring obstacle number {n + 1} to upholding peacekeeping norms."))
            for norm in self.rng.sample(self.norms, 2):
                yield t(challenge, peacekg("challengesNorm"), norm)
        for n in range(3):
            concept = iri("concept", f"concept-{n + 1}")
            yield t(concept, RDF_TYPE, peacekg("Concept"))
            yield t(concept, LABEL, en(f"peacekeeping concept {n + 1}"))
            yield t(concept, DEFINITION, en(f"A notion used in describing peacekeeping, number {n + 1}."))

    def norm(self, index: int, slug: str, label: str, category: str, un: str, unga: str) -> Iterator[str]:
        t, rng = self.t, self.rng
        node = iri("norm", slug)
        kind = "CorePrinciple" if category == "core-principles" else rng.choice(["Norm", "Norm", "Principle"])
        yield t(node, RDF_TYPE, peacekg(kind))
        yield t(node, IN_SCHEME, SCHEME)
        yield t(node, peacekg("broaderNorm"), iri("norm", category))
        yield t(node, LABEL, en(label))
        yield t(node, ALT_LABEL, en(label.split()[0]))
        yield t(node, DEFINITION, en(f"The standard of appropriate behaviour known as {label}, as peace operations apply it."))
        if self.norms and rng.random() < 0.3:
            yield t(node, peacekg("inTensionWith"), rng.choice(self.norms))
        if self.norms and rng.random() < 0.3:
            yield t(node, peacekg("refines"), rng.choice(self.norms))
        # The declaration that codifies it (every norm has an instrument).
        declaration = iri("instrument", f"declaration-{slug}")
        year = 1950 + index % 70
        yield t(declaration, RDF_TYPE, peacekg("Declaration"))
        yield t(declaration, LABEL, en(f"Declaration on {label}"))
        yield t(declaration, peacekg("issuedBy"), unga)
        yield t(declaration, peacekg("adoptionDate"), dt(self.random_date(year, year)))
        yield t(declaration, peacekg("codifies"), node)
        yield t(declaration, SOURCE, SYNTHETIC_SOURCE)
        # Its deontic content.
        deontic = iri("deontic", f"{slug}-duty")
        yield t(node, peacekg("hasDeonticContent"), deontic)
        yield t(deontic, RDF_TYPE, peacekg("DeonticStatement"))
        yield t(deontic, peacekg("modality"), peacekg(rng.choice(MODALITIES)))
        yield t(deontic, peacekg("binds"), un)
        yield t(deontic, peacekg("prescribedConduct"), plain(f"act in keeping with {label}"))
        paragraph = iri("instrument", f"declaration-{slug}-para-1")
        yield t(paragraph, RDF_TYPE, peacekg("Provision"))
        yield t(paragraph, LABEL, en(f"Declaration on {label}, paragraph 1"))
        yield t(paragraph, peacekg("provisionNumber"), plain("1"))
        yield t(paragraph, peacekg("partOfInstrument"), declaration)
        yield t(paragraph, peacekg("issuedBy"), unga)
        yield t(paragraph, SOURCE, SYNTHETIC_SOURCE)
        yield t(deontic, peacekg("statedIn"), paragraph)
        yield t(deontic, peacekg("normativeForce"), iri("force", "political-commitment"))
        yield t(deontic, SOURCE, SYNTHETIC_SOURCE)
        # Who adopts and contests it, each link with its sourced stance.
        yield from self.stance(un, "adoptsNorm", node, declaration)
        for actor in rng.sample(self.regional, 2):
            yield from self.stance(actor, "appliesNorm", node, declaration)
        if rng.random() < 0.4:
            yield from self.stance(rng.choice(self.states)[0], "contestsNorm", node, declaration)
        self.norms.append(node)

    def stance(self, actor: str, link: str, norm: str, instrument: str) -> Iterator[str]:
        """An actor-norm link and the peacekg:NormStance that sources it."""
        t = self.t
        kind = {"adoptsNorm": "AdoptionStance", "appliesNorm": "ApplicationStance", "contestsNorm": "ContestationStance"}[link]
        node = iri("stance", f"{actor[1:-1].rsplit('/', 1)[1]}-{link}-{norm[1:-1].rsplit('/', 1)[1]}")
        yield t(actor, peacekg(link), norm)
        yield t(node, RDF_TYPE, peacekg("NormStance"))
        yield t(node, LABEL, en(f"{kind.removesuffix('Stance').lower()} of a norm"))
        yield t(node, peacekg("stanceOf"), actor)
        yield t(node, peacekg("towardsNorm"), norm)
        yield t(node, peacekg("stanceKind"), peacekg(kind))
        yield t(node, peacekg("statedIn"), instrument)
        if link == "contestsNorm":  # a contestation stance is dated (pks:DatedStanceShape); a fixed day keeps the random stream unchanged
            yield t(node, peacekg("statedOn"), dt(date(2011, 5, 4)))
        yield t(node, SOURCE, SYNTHETIC_SOURCE)

    def tasks(self) -> Iterator[str]:
        """A small mandate-task scheme, each task tied to a norm."""
        t = self.t
        yield t(TASK_SCHEME, RDF_TYPE, CONCEPT_SCHEME)
        yield t(TASK_SCHEME, LABEL, en("mandate tasks"))
        for slug, label, norm in (("protection-of-civilians", "Protection of civilians", "protection-of-civilians"),
                                  ("ceasefire-monitoring", "Ceasefire monitoring", "impartiality")):
            node = iri("task", slug)
            yield t(node, RDF_TYPE, peacekg("MandateTask"))
            yield t(node, IN_SCHEME, TASK_SCHEME)
            yield t(node, PREF_LABEL, en(label))
            yield t(node, DEFINITION, en(f"The mandate task of {label.lower()}, as resolutions assign it."))
            yield t(node, peacekg("implementsNorm"), iri("norm", norm))

    def act(self, mission: str, slug: str, resolution: str, kinds: list[str], start: date, end: date | None,
            chapter_vii: bool = False, tasks: tuple[str, ...] = ()) -> Iterator[str]:
        """A mandate act, when the resolution falls within the operation's life."""
        adopted = self.adopted[resolution]
        if adopted < start or (end is not None and adopted > end):
            return
        t = self.t
        node = iri("mandate", f"{slug}-{resolution[1:-1].removeprefix(ID + 'instrument/s-res-')}")
        yield t(node, RDF_TYPE, peacekg("MandateAct"))
        yield t(node, peacekg("actOn"), mission)
        yield t(node, peacekg("byResolution"), resolution)
        for kind in kinds:
            yield t(node, peacekg("actKind"), peacekg(kind))
        if chapter_vii:
            yield t(node, peacekg("underChapterVII"), TRUE)
        for task in tasks:
            yield t(node, peacekg("mandatesTask"), iri("task", task))
        yield t(node, SOURCE, SYNTHETIC_SOURCE)

    # -- resolutions ------------------------------------------------------

    def sc_resolution(self, year: int, norm: str | None = None, chapter_vii: bool = False) -> tuple[str, str, list[str]]:
        """A Security Council resolution adopted in ``year`` (or the next year
        with a free number): its node, symbol and lines."""
        while self.resolutions_per_year.get(year, 0) >= 9999:
            year += 1
        number = self.resolutions_per_year[year] = self.resolutions_per_year.get(year, 0) + 1
        symbol = f"S/RES/{number} ({year})"
        node = iri("instrument", f"s-res-{number}-{year}")
        adopted = self.random_date(year, year)
        t = self.t
        lines = [
            t(node, RDF_TYPE, peacekg("SecurityCouncilResolution")),
            t(node, LABEL, en(f"Security Council resolution {number} ({year})")),
            t(node, peacekg("documentSymbol"), plain(symbol)),
            t(node, peacekg("resolutionNumber"), integer(number)),
            t(node, peacekg("adoptionDate"), dt(adopted)),
            t(node, peacekg("issuedBy"), iri("actor", "unsc")),
            t(node, PAGE, f"<https://undocs.org/S/RES/{number}({year})>"),
            t(node, SOURCE, SYNTHETIC_SOURCE),
        ]
        self.adopted[node] = adopted
        if norm:
            lines.append(t(node, peacekg(self.rng.choice(["affirms", "develops", "develops"])), norm))
        if chapter_vii:
            lines.append(t(node, peacekg("invokes"), iri("instrument", "un-charter-chapter-vii")))
        return node, symbol, lines

    # -- one operation and everything around it ---------------------------

    def operation(self, index: int) -> Iterator[str]:
        t, rng = self.t, self.rng
        if index == 0:
            acronym, state_index = "UNMIL", 0
        elif index == 1:
            acronym, state_index = "MIPONUH", 1
        else:
            acronym, state_index = f"UNSM-{index}", rng.randrange(len(self.states))
        slug = acronym.lower()
        mission = iri("mission", slug)
        host, host_name = self.states[state_index]
        roll = rng.random()
        kind = "UNPeacekeepingOperation" if index < 2 or roll < 0.8 else ("RegionalPeaceOperation" if roll < 0.92 else "MultinationalForce")
        start = self.random_date(1948, 2023)
        ongoing = rng.random() < 0.15
        end = None if ongoing else min(start + timedelta(days=rng.randrange(180, 15 * 365)), date(2025, 12, 31))
        last_year = (end or date(2025, 12, 31)).year
        chapter_vii = rng.random() < 0.4
        poc = rng.random() < 0.3
        norm = rng.choice(self.norms)

        if kind == "UNPeacekeepingOperation" and rng.random() < 0.05:
            session = max(1, start.year - 1945)
            n = next(self.ga_counter)
            symbol = f"A/RES/{session}/{n}"
            founding = iri("instrument", f"a-res-{session}-{n}")
            yield t(founding, RDF_TYPE, peacekg("GeneralAssemblyResolution"))
            yield t(founding, LABEL, en(f"General Assembly resolution {session}/{n}"))
            yield t(founding, peacekg("documentSymbol"), plain(symbol))
            yield t(founding, peacekg("adoptionDate"), dt(start))
            yield t(founding, peacekg("issuedBy"), iri("actor", "unga"))
            yield t(founding, SOURCE, SYNTHETIC_SOURCE)
            authorising, auth_symbol, lines = self.sc_resolution(start.year, norm, chapter_vii)
            yield from lines
        else:
            founding, symbol, lines = self.sc_resolution(start.year, norm, chapter_vii)
            yield from lines
            authorising = founding
        renewals = []
        for _ in range(rng.randrange(2, 9)):
            node, _, lines = self.sc_resolution(rng.randint(start.year, last_year), rng.choice(self.norms), chapter_vii)
            renewals.append(node)
            yield from lines

        yield t(mission, RDF_TYPE, peacekg(kind))
        if kind == "UNPeacekeepingOperation":
            yield t(mission, LABEL, en(f"United Nations Synthetic Mission {index} in {host_name}"))
            yield t(mission, peacekg("leadOrganization"), iri("actor", "un"))
            yield t(mission, peacekg("establishedBy"), founding)
        else:
            lead = rng.choice(self.regional)
            yield t(mission, LABEL, en(f"{'Regional' if kind == 'RegionalPeaceOperation' else 'Multinational'} Synthetic Mission {index} in {host_name}"))
            yield t(mission, peacekg("leadOrganization"), lead)
            yield t(mission, peacekg("authorizedBy"), authorising)
            if rng.random() < 0.5:
                decision = iri("instrument", f"decision-{slug}")
                yield t(decision, RDF_TYPE, peacekg("RegionalDecision"))
                yield t(decision, LABEL, en(f"Decision establishing {acronym}"))
                yield t(decision, peacekg("issuedBy"), lead)
                yield t(decision, peacekg("adoptionDate"), dt(start))
                yield t(decision, SOURCE, SYNTHETIC_SOURCE)
                yield t(mission, peacekg("establishedBy"), decision)
        yield t(mission, peacekg("acronym"), plain(acronym))
        for kind_name in rng.sample(KINDS, rng.choice([1, 1, 2])):
            yield t(mission, peacekg("operationKind"), peacekg(kind_name))
        yield t(mission, peacekg("hostCountry"), host)
        if rng.random() < 0.1:
            other = rng.choice(self.states)[0]
            if other != host:
                yield t(mission, peacekg("hostCountry"), other)
        yield t(mission, peacekg("startDate"), dt(start))
        if ongoing:
            yield t(mission, peacekg("ongoing"), TRUE)
        else:
            yield t(mission, peacekg("endDate"), dt(end))
        first_kind = "Establishment" if kind == "UNPeacekeepingOperation" else "Authorisation"
        yield from self.act(mission, slug, authorising, [first_kind], start, end, chapter_vii, ("ceasefire-monitoring",))
        poc_at = rng.choice(renewals) if poc else None
        for renewal in renewals:
            yield from self.act(mission, slug, renewal, ["Extension"], start, end, chapter_vii,
                                ("protection-of-civilians",) if renewal == poc_at else ())
        if index == 1 or (self.missions and rng.random() < 0.15):
            yield t(mission, peacekg("predecessor"), self.missions[-1] if index == 1 else rng.choice(self.missions))
        yield t(mission, SOURCE, SYNTHETIC_SOURCE)
        self.missions.append(mission)

        if rng.random() < 0.5:
            assessment = iri("assessment", f"{slug}-review")
            yield t(assessment, RDF_TYPE, peacekg("Assessment"))
            yield t(assessment, LABEL, en(f"Review of {acronym}"))
            yield t(assessment, peacekg("assesses"), mission)
            yield t(assessment, peacekg("verdict"), peacekg(rng.choice(VERDICTS)))
            yield t(assessment, peacekg("rationale"), plain(f"The operation {acronym} met part of its mandate in {host_name}; the review weighs its record against the norms it was meant to uphold."))
            for upheld in rng.sample(self.norms, rng.choice([1, 1, 2])):
                yield t(assessment, peacekg("normUpheld"), upheld)
            if rng.random() < 0.5:
                yield t(assessment, peacekg("normBreached"), norm)
            if rng.random() < 0.3:
                yield t(assessment, peacekg("facesChallenge"), rng.choice(self.challenges))
            yield t(assessment, peacekg("basedOn"), authorising)
            yield t(assessment, SOURCE, SYNTHETIC_SOURCE)
            yield t(assessment, peacekg("beginsOn"), plain(str(start.year)))
            yield t(assessment, peacekg("publishedIn"), SYNTHETIC_PUBLICATION)
            if not self.publication_written:  # one synthetic study, by one synthetic author
                self.publication_written = True
                author = iri("person", "synthetic-author")
                yield t(author, RDF_TYPE, peacekg("Person"))
                yield t(author, LABEL, en("Synthetic Author"))
                yield t(author, SOURCE, SYNTHETIC_SOURCE)
                yield t(SYNTHETIC_PUBLICATION, RDF_TYPE, peacekg("Publication"))
                yield t(SYNTHETIC_PUBLICATION, LABEL, en("Synthetic reviews of operations"))
                yield t(SYNTHETIC_PUBLICATION, "<http://purl.org/dc/terms/title>", plain("Synthetic reviews of operations"))
                yield t(SYNTHETIC_PUBLICATION, peacekg("author"), author)
                yield t(SYNTHETIC_PUBLICATION, peacekg("publicationYear"), '"2020"^^<http://www.w3.org/2001/XMLSchema#integer>')
                yield t(SYNTHETIC_PUBLICATION, SOURCE, SYNTHETIC_SOURCE)

        event = None
        if rng.random() < 0.1:
            event = iri("event", f"{slug}-crisis")
            day = self.random_date(start.year, last_year)
            yield t(event, RDF_TYPE, peacekg("Event"))
            yield t(event, LABEL, en(f"Crisis during {acronym}"))
            yield t(event, peacekg("date"), dt(day))
            yield t(event, peacekg("country"), host)
            yield t(event, SOURCE, SYNTHETIC_SOURCE)
        for n in range(rng.choice([1, 1, 2, 2, 3])):
            evidence = event if event is not None and n == 0 else rng.choice(renewals)
            milestone_norm = self.norms[1] if index % 40 == 0 else rng.choice(self.norms)
            milestone = iri("milestone", f"{milestone_norm[len(ID) + 6:-1]}-{start.year}-{slug}-{n + 1}")
            yield t(milestone, RDF_TYPE, peacekg("Milestone"))
            yield t(milestone, LABEL, en(f"Milestone {n + 1} of {acronym} for {milestone_norm[len(ID) + 6:-1].replace('-', ' ')}"))
            yield t(milestone, peacekg("milestoneOf"), milestone_norm)
            yield t(milestone, peacekg("milestoneType"), peacekg(rng.choice(MILESTONE_TYPES)))
            yield t(milestone, peacekg("date"), dt(start))
            yield t(milestone, peacekg("evidencedBy"), evidence)
            yield t(milestone, SOURCE, SYNTHETIC_SOURCE)

    def lines(self) -> Iterator[str]:
        yield from self.skeleton()
        for index in itertools.count():
            if self.count >= self.target:
                return
            yield from self.operation(index)


def generate(target: int, path: Path, seed: int = SEED) -> int:
    """Write about ``target`` triples (never fewer) to ``path``; return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    generator = Generator(target, seed)
    scratch = path.with_suffix(".tmp")
    with scratch.open("w", encoding="utf-8", buffering=1 << 20) as out:
        batch: list[str] = []
        for line in generator.lines():
            batch.append(line)
            if len(batch) >= 50_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    scratch.replace(path)
    return generator.count


def dataset(label: str, target: int | None = None, seed: int = SEED, folder: Path = DATA_DIR) -> Path:
    """The N-Triples file for a scale, generated once and reused (the file name
    carries the size, seed and generator version)."""
    target = target or SCALES[label]
    path = folder / f"synthetic-{label}-s{seed}-v{GENERATOR_VERSION}.nt"
    if not path.is_file():
        generate(target, path, seed)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("triples", type=int)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    out = args.out or DATA_DIR / f"synthetic-{args.triples}.nt"
    print(f"{generate(args.triples, out, args.seed)} triples written to {out}")


if __name__ == "__main__":
    main()
