"""SHACL validation of the data against ``shapes/shapes.ttl`` with pySHACL,
returned as a plain report that people and programs can read."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import asdict, astuple, dataclass, field

import pyoxigraph as ox

from .namespaces import PREFIXES, SH
from .terms import quads_to_rdflib_graph

#: Exit codes of ``peacekg validate``, as pySHACL uses them.
EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result."""

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None
    shape: str | None = None
    component: str | None = None


@dataclass
class ValidationReport:
    """The outcome of validating a graph: conforms or not, and why not."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    checked_triples: int = 0
    seconds: float = 0.0
    results_turtle: str = ""

    @property
    def exit_code(self) -> int:
        return EXIT_CONFORMS if self.conforms else EXIT_VIOLATIONS

    def by_focus(self) -> dict[str, list[Violation]]:
        groups: dict[str, list[Violation]] = {}
        for violation in self.violations:
            groups.setdefault(violation.focus, []).append(violation)
        return groups

    def to_dict(self) -> dict:
        return {
            "conforms": self.conforms,
            "checked_triples": self.checked_triples,
            "violation_count": len(self.violations),
            "violations": [asdict(v) for v in self.violations],
        }

    @classmethod
    def from_dict(cls, data: dict, results_turtle: str = "") -> ValidationReport:
        return cls(
            conforms=data["conforms"],
            violations=[Violation(**v) for v in data["violations"]],
            checked_triples=data["checked_triples"],
            results_turtle=results_turtle,
        )

    def to_text(self) -> str:
        """A report grouped by focus node, for people."""
        if self.conforms and not self.violations:
            return f"Conforms: {self.checked_triples} triples checked, no violations."
        if self.conforms:
            lines = [f"Conforms: {self.checked_triples} triples checked, no violations; "
                     f"{len(self.violations)} warning(s) on {len(self.by_focus())} resource(s)."]
        else:
            lines = [f"Does not conform: {len(self.violations)} violation(s) on {len(self.by_focus())} resource(s)."]
        for focus, violations in self.by_focus().items():
            lines.append("")
            lines.append(compact(focus))
            for v in violations:
                where = f"{compact(v.path)}: " if v.path else ""
                value = f" (value: {compact(v.value)})" if v.value is not None else ""
                lines.append(f"  - [{v.severity}] {where}{v.message}{value}")
        return "\n".join(lines)


def compact(iri: str | None) -> str:
    """Shorten an IRI with peacekg's prefixes, for display."""
    if iri is None:
        return ""
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(base) and "/" not in iri[len(base):] and "#" not in iri[len(base):]:
            return f"{prefix}:{iri[len(base):]}"
    return iri


def validate(
    data: Iterable[ox.Quad | ox.Triple],
    ontology: Iterable[ox.Quad | ox.Triple],
    shapes: Iterable[ox.Quad | ox.Triple],
) -> ValidationReport:
    """Validate ``data`` (with the class and property hierarchy of ``ontology``)
    against ``shapes``."""
    import pyshacl
    from rdflib import RDF, BNode, Namespace

    started = time.perf_counter()
    # rdflib logs a traceback for each ill-formed literal (a date such as
    # 2003-13-45); the shapes report those values as violations, so the log is noise.
    term_log = logging.getLogger("rdflib.term")
    level, term_log.level = term_log.level, logging.CRITICAL
    try:
        data_graph = quads_to_rdflib_graph(data)
        checked = len(data_graph)
        ontology_graph = quads_to_rdflib_graph(ontology)
        shapes_graph = quads_to_rdflib_graph(shapes)
        conforms, results, _ = pyshacl.validate(
            data_graph,
            shacl_graph=shapes_graph,
            ont_graph=ontology_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
    finally:
        term_log.level = level
    sh = Namespace(SH)
    violations = []
    for result in results.subjects(RDF.type, sh.ValidationResult):

        def text(predicate, node=result):
            """The object of ``predicate`` as a string; blank nodes (complex paths,
            anonymous shapes) as None."""
            value = results.value(node, predicate)
            return None if value is None or isinstance(value, BNode) else str(value)

        violations.append(
            Violation(
                focus=text(sh.focusNode) or "",
                path=text(sh.resultPath),
                message=text(sh.resultMessage) or "(no message)",
                severity=(text(sh.resultSeverity) or SH + "Violation").removeprefix(SH),
                value=text(sh.value),
                shape=text(sh.sourceShape),
                component=(text(sh.sourceConstraintComponent) or "").removeprefix(SH) or None,
            )
        )
    violations.sort(key=lambda v: tuple(x or "" for x in astuple(v)))
    return ValidationReport(
        conforms=bool(conforms),
        violations=violations,
        checked_triples=checked,
        seconds=time.perf_counter() - started,
        results_turtle=results.serialize(format="turtle"),
    )
