"""Links out: UN document symbols resolve to undocs.org, states carry identifiers
from well-kept libraries (GeoNames, UN M49, COW, G-W), and every source is a
resource, not a string."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from peacekg.citations import (
    CITATIONS,
    PEACEKEEPING_PAGES,
    SOURCE,
    UnresolvedCitation,
    add_document_pages,
    resolve,
    rewrite_sources,
)
from peacekg.links import EXCLUDED, iso3_codes, lookup_links, state_links_turtle, un_document_url

ROOT = Path(__file__).resolve().parent.parent


# --- UN document symbols ------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "url"),
    [
        ("S/RES/1509 (2003)", "https://undocs.org/S/RES/1509(2003)"),
        ("A/RES/377(V)", "https://undocs.org/A/RES/377(V)"),
        ("A/RES/1000 (ES-I)", "https://undocs.org/A/RES/1000(ES-I)"),
        ("A/RES/72/262 C", "https://undocs.org/A/RES/72/262C"),
        ("ST/SGB/1999/13", "https://undocs.org/ST/SGB/1999/13"),
        ("A/55/305-S/2000/809", "https://undocs.org/A/55/305"),
        ("PSC/PR/COMM.1068(2022)", None),
        ("CP/RES. 859 (1397/04)", None),
        ("2004/570/CFSP", None),
    ],
)
def test_un_document_url(symbol, url):
    assert un_document_url(symbol) == url


def test_every_instrument_with_a_un_symbol_links_its_document(kg):
    rows = kg.sparql("""
        SELECT ?symbol ?page WHERE {
          ?i peacekg:documentSymbol ?symbol OPTIONAL { ?i foaf:page ?page } }""").to_dicts()
    un = [r for r in rows if un_document_url(r["symbol"])]
    assert len(un) >= 900
    wrong = [r for r in un if r.get("page") != un_document_url(r["symbol"])]
    assert wrong == []
    others = sorted(r["symbol"] for r in rows if not un_document_url(r["symbol"]))
    assert others == ["2004/570/CFSP", "CP/RES. 859 (1397/04)", "Central Organ/MEC/AMB/Comm. (XCI)", "PSC/PR/COMM.1068(2022)"]


def test_add_document_pages_adds_one_link_per_block_once():
    text = (
        "@prefix peacekg: <https://w3id.org/peacekg/ontology#> .\n\n"
        'instrument:a a peacekg:Report ;\n    peacekg:documentSymbol "A/54/549" ;\n    peacekg:issuedBy actor:x .\n\n'
        'instrument:b a peacekg:Report ;\n    peacekg:documentSymbol "PSC/PR/COMM.1068(2022)" ;\n    peacekg:issuedBy actor:x .\n'
    )
    once, added = add_document_pages(text)
    assert added == 1
    assert '    peacekg:documentSymbol "A/54/549" ;\n    foaf:page <https://undocs.org/A/54/549> ;\n' in once
    assert once.startswith("@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n")
    assert add_document_pages(once) == (once, 0)


# --- states --------------------------------------------------------------------


def test_state_links_regenerate_to_the_committed_file():
    states = (ROOT / "data" / "states.ttl").read_text(encoding="utf-8")
    table = lookup_links(iso3_codes(states))
    assert state_links_turtle(table) == (ROOT / "data" / "state-links.ttl").read_text(encoding="utf-8")


#: (state, GeoNames id, UN M49, COW, G-W): checked against the libraries and
#: against the code lists (Liberia 430/450, Germany COW 255 but G-W 260 since
#: G-W continue West Germany's code, Russia 365, DR Congo 180/490).
KNOWN = [
    ("lbr", 2275384, "430", 450, 450),
    ("deu", 2921044, "276", 255, 260),
    ("rus", 2017370, "643", 365, 365),
    ("cod", 203312, "180", 490, 490),
    ("afg", 1149361, "004", 700, 700),
    ("usa", 6252001, "840", 2, 2),
]


@pytest.mark.parametrize(("state", "geonames", "m49", "cow", "gw"), KNOWN, ids=[k[0] for k in KNOWN])
def test_known_state_codes(kg, state, geonames, m49, cow, gw):
    rows = kg.sparql(f"""
        SELECT ?geo ?m49 ?cow ?gw WHERE {{
          state:{state} skos:exactMatch ?geo ; peacekg:unM49Code ?m49 ;
                       peacekg:correlatesOfWarCode ?cow ; peacekg:gleditschWardCode ?gw }}""").to_dicts()
    assert rows == [{"geo": f"https://sws.geonames.org/{geonames}/", "m49": m49, "cow": str(cow), "gw": str(gw)}]


def test_codes_a_library_lacks_or_gets_wrong_are_left_out(kg):
    """Kosovo has no M49 code; Vietnam's G-W code and the Vatican's COW and G-W
    codes are excluded (EXCLUDED); microstates have no G-W code."""
    rows = kg.sparql("""
        SELECT ?s ?p WHERE { VALUES ?s { state:xkx state:vnm state:vat state:lie }
          VALUES ?p { peacekg:unM49Code peacekg:correlatesOfWarCode peacekg:gleditschWardCode } ?s ?p ?o }""").to_dicts()
    got = {(r["s"].rsplit("/", 1)[1], r["p"].rsplit("#", 1)[1]) for r in rows}
    assert got == {
        ("vnm", "unM49Code"),
        ("vnm", "correlatesOfWarCode"),
        ("vat", "unM49Code"),
        ("lie", "unM49Code"),
        ("lie", "correlatesOfWarCode"),
    }
    assert set(EXCLUDED) == {("VNM", "gw"), ("VAT", "cow"), ("VAT", "gw")}


def test_states_missing_a_code_are_listed_in_the_data_notes():
    notes = (ROOT / "docs" / "data-notes.md").read_text(encoding="utf-8")
    table = lookup_links(iso3_codes((ROOT / "data" / "states.ttl").read_text(encoding="utf-8")))
    for scheme, codes in table.missing.items():
        if codes:
            assert f"{scheme}: " + " ".join(codes) in notes, scheme


# --- sources as resources -------------------------------------------------------


def test_no_source_is_a_string(kg):
    rows = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?x dct:source ?s FILTER isLiteral(?s) }")
    assert rows.column("n") == ["0"]


def test_every_described_source_has_a_title_and_a_reference(kg):
    rows = kg.sparql("""
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?x dct:source ?s FILTER (STRSTARTS(STR(?s), "https://undocs.org/") || STRSTARTS(STR(?s), "https://w3id.org/peacekg/id/source/"))
          FILTER NOT EXISTS { ?s a dct:BibliographicResource ; dct:title ?t ; dct:identifier|dct:bibliographicCitation ?r } }""")
    assert rows.column("n") == ["0"]


def test_variants_of_one_work_share_one_resource(kg):
    rows = kg.sparql("""
        SELECT ?title (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x dct:source source:iciss-2001 . source:iciss-2001 dct:title ?title } GROUP BY ?title""").to_dicts()
    assert rows == [{"title": "The Responsibility to Protect", "n": "4"}]


def test_a_cited_chapter_is_part_of_its_work(kg):
    rows = kg.sparql("""
        SELECT ?whole ?cite WHERE { source:un-charter-chapter-vii dct:isPartOf ?whole ;
                                    dct:bibliographicCitation ?cite }""").to_dicts()
    assert rows == [{"whole": SOURCE + "un-charter", "cite": "Charter of the United Nations (1945), Chapter VII"}]


def test_vague_peacekeeping_citations_point_to_the_page(kg):
    """UNYOM cited "United Nations Peacekeeping, UNYOM mandate"; it now cites the
    page its resolution and mandate act already cited."""
    rows = kg.sparql("""
        SELECT ?x WHERE { ?x dct:source <https://peacekeeping.un.org/mission/past/unyommandate.html> } ORDER BY ?x""")
    assert rows.column("x") == [
        "https://w3id.org/peacekg/id/instrument/s-res-179-1963",
        "https://w3id.org/peacekg/id/mandate/unyom-179",
        "https://w3id.org/peacekg/id/mission/unyom",
    ]


@pytest.mark.parametrize(
    ("text", "iris"),
    [
        ("S/RES/1509 (2003)", ["https://undocs.org/S/RES/1509(2003)"]),
        ("S/RES/1509 (2003), paragraph 7", [SOURCE + "s-res-1509-2003-paragraph-7", "https://undocs.org/S/RES/1509(2003)"]),
        ("A/RES/60/1, paragraphs 138-139", [SOURCE + "a-res-60-1-paragraphs-138-139", "https://undocs.org/A/RES/60/1"]),
        ("ICISS, The Responsibility to Protect (2001)", [SOURCE + "iciss-2001"]),
        ("Constitutive Act of the African Union (Lomé, 2000), Article 4(h)",
         [SOURCE + "au-constitutive-act-article-4-h", SOURCE + "au-constitutive-act"]),
        ("United Nations Peacekeeping, UNTAC mandate", ["https://peacekeeping.un.org/sites/default/files/past/untacmandate.html"]),
    ],
)
def test_resolve(text, iris):
    assert [s.iri for s in resolve(text)] == iris


def test_an_unknown_citation_is_refused():
    with pytest.raises(UnresolvedCitation):
        resolve("Somebody, Some Book (1999)")


def test_every_known_citation_resolves():
    for text in (*CITATIONS, *PEACEKEEPING_PAGES):
        assert resolve(text)[0].iri.startswith(("https://", "http://"))


def test_rewrite_sources_replaces_strings_keeps_layout_and_drops_duplicates():
    text = (
        'x:a dct:source "S/RES/743 (1992)" , <https://undocs.org/S/RES/743(1992)> ,\n'
        '        <https://example.org/p> ; rdfs:comment "dct:source \\"x\\"" .\n'
        'x:b dct:source <https://example.org/q> .\n'
    )
    out, replaced = rewrite_sources(text, lambda t: resolve(t)[0].iri)
    assert replaced == ["S/RES/743 (1992)"]
    assert out == (
        "x:a dct:source <https://undocs.org/S/RES/743(1992)> ,\n"
        '        <https://example.org/p> ; rdfs:comment "dct:source \\"x\\"" .\n'
        "x:b dct:source <https://example.org/q> .\n"
    )


def test_the_sources_tool_is_idempotent_on_the_committed_data(tmp_path):
    """Running tools/sources_to_resources.py on the committed data changes nothing."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "sources_to_resources.py"), str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    assert re.search(r"^0 foaf:page links added, 0 string sources replaced", result.stdout, re.M)
    for path in (ROOT / "data").rglob("*.ttl"):
        assert (tmp_path / path.relative_to(ROOT)).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path


# --- operations ---------------------------------------------------------------------


def test_every_ongoing_un_operation_links_its_official_site(kg):
    rows = kg.sparql("""
        SELECT ?acronym ?site WHERE { ?m a peacekg:UNPeacekeepingOperation ; peacekg:ongoing true ; peacekg:acronym ?acronym
          OPTIONAL { ?m foaf:homepage ?site } } ORDER BY ?acronym""").to_dicts()
    assert {r["acronym"]: r.get("site") for r in rows} == {
        "MINURSO": "https://minurso.unmissions.org/",
        "MINUSCA": "https://minusca.unmissions.org/",
        "MONUSCO": "https://monusco.unmissions.org/",
        "UNDOF": "https://undof.unmissions.org/",
        "UNFICYP": "http://unficyp.unmissions.org/",
        "UNIFIL": "https://unifil.unmissions.org/",
        "UNISFA": "http://www.un.org/en/peacekeeping/missions/unisfa/index.shtml",
        "UNMIK": "https://unmik.unmissions.org/",
        "UNMISS": "https://unmiss.unmissions.org/",
        "UNMOGIP": "https://unmogip.unmissions.org/",
        "UNTSO": "https://peacekeeping.un.org/en/mission/untso",
    }


def test_each_site_on_unmissions_org_is_named_by_its_operations_acronym(kg):
    """A site at <x>.unmissions.org belongs to the operation whose slug is x: the
    link is read off the host of a confirmed page, not guessed."""
    rows = kg.sparql("""
        SELECT ?m ?site WHERE { ?m a peacekg:PeaceOperation ; foaf:homepage ?site
          FILTER (CONTAINS(STR(?site), ".unmissions.org")) }""").to_dicts()
    assert len(rows) == 13
    for row in rows:
        slug = row["m"].rsplit("/", 1)[1]
        assert re.fullmatch(rf"https?://{slug}\.unmissions\.org/", row["site"]), row
