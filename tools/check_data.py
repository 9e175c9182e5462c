"""Quick data check used while curating: parse every source and run the shapes.

``python tools/check_data.py [--only data/file.ttl]`` prints violations (all, or
only those whose focus node is defined in the given file).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyshacl
import rdflib

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="report only focus nodes that are subjects in this file")
    args = parser.parse_args()
    ontology = rdflib.Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "shapes.ttl":
            ontology.parse(path)
    data = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        try:
            data.parse(path)
        except Exception as exc:  # noqa: BLE001
            print(f"{path}: {exc}")
            return 2
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", advanced=True, allow_warnings=True
    )
    wanted = None
    if args.only:
        wanted = set(rdflib.Graph().parse(args.only).subjects())
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    count = 0
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if wanted is not None and focus not in wanted:
            continue
        count += 1
        print(f"{focus}\n    {report.value(result, SH.resultPath)}: {report.value(result, SH.resultMessage)} (value: {report.value(result, SH.value)})")
    print(f"{len(data)} data triples; {count} violations shown; conforms={conforms}")
    return 0 if count == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
