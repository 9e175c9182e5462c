"""Every stored query in queries/ follows the header format of
docs/stored-queries.md: the header first, only the documented keys, a slug
name, and a catalogue with no malformed file."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from peacekg.catalog import PARAM_TYPES, Catalog

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "queries").glob("*.rq"))
KEYS = {"title", "description", "tags", "param", "graphs"}


def test_the_catalogue_has_no_malformed_file():
    catalog = Catalog.from_folder(ROOT / "queries")
    assert catalog.errors == {}
    assert sorted(catalog) == sorted(path.stem for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_header_comes_first_with_the_documented_keys(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#+")]
    assert lines[: len(header)] == header, "the #+ lines come first, before any SPARQL"
    keys = [re.match(r"#\+ (\w+): \S", line).group(1) for line in header]
    assert set(keys) <= KEYS
    assert keys.count("title") == 1 and keys.count("description") >= 1
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", path.stem)
    for line in header:
        if line.startswith("#+ param:"):
            spec = re.fullmatch(r"#\+ param: (\w+): ([\w-]+)(?: = (\S+))?(?: \| (.+))?", line)
            assert spec, line
            assert spec.group(2) in PARAM_TYPES
            assert spec.group(4), f"parameter {spec.group(1)} has no description"
