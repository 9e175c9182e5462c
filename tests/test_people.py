"""People, appointments and the deeper assessments (issue 13): the stored queries
give the answers the sourced data must give, and the records keep their shape."""
from __future__ import annotations

import re

PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def rows(kg, name, **params):
    return kg.query(name, **params).to_dicts()


def test_operation_leaders_in_year(kg):
    """Who commanded MINUSMA's force, and who headed the mission, in 2016."""
    result = [(r["post"], r["person"], r["nationality"], r["from"], r["until"]) for r in rows(kg, "operation-leaders-in-year", mission="minusma", year="2016")]
    assert result == [
        ("force commander", "Michael Lollesgaard", "Denmark", "2015", "2016"),
        ("head of mission", "Mongi Hamdi", "Tunisia", "2015", "2016"),
        ("head of mission", "Mahamat Saleh Annadif", "Chad", "2016", "2021"),
    ]
    kosovo = [(r["person"], r["from"], r["until"]) for r in rows(kg, "operation-leaders-in-year", mission="unmik", year="2003")]
    assert kosovo == [
        ("Michael Steiner", "2002-02-14", "2003-07-08"),
        ("Charles H. Brayshaw", "2003-07-08", "2003-08-25"),
        ("Harri Holkeri", "2003-08-25", "2004-06-11"),
    ]
    assert rows(kg, "operation-leaders-in-year", mission="minusma", year="2012") == []


def test_operation_leaders(kg):
    """MINUSMA's force commanders in order; an end the source does not give is
    the start of the next appointment to the post, and is marked so."""
    commanders = [
        (r["person"], r["from"], r["until"], r["until_by"])
        for r in rows(kg, "operation-leaders", mission="minusma")
        if r["post"] == "force commander"
    ]
    assert commanders == [
        ("Jean Bosco Kazura", "2013-06", "2014-12", "source"),
        ("Michael Lollesgaard", "2015", "2016", "source"),
        ("Jean-Paul Deconinck", "2017-04-11", "2018-10-02", "source"),
        ("Dennis Gyllensporre", "2018-10-02", "2022-01-14", "next"),
        ("Cornelis Johannes Matthijssen", "2022-01-14", None, ""),
    ]
    minusca = {(r["person"], r["from"], r["acting"]) for r in rows(kg, "operation-leaders", mission="minusca") if r["post"] == "force commander"}
    assert minusca == {("Balla Keïta", "2015-11-07", "acting"), ("Balla Keïta", "2016", "")}
    swing = next(r for r in rows(kg, "operation-leaders", mission="monuc") if r["person"] == "William Lacy Swing")
    assert (swing["from"], swing["until"], swing["announced"]) == ("2003-07-01", "2008-01", "2003-05-22")
    assert "http://unis.unvienna.org/unis/en/pressrels/2003/sga836.html" in swing["source"].split()


def test_operation_assessments(kg):
    """How the studies of UNMISS judged it, by dimension and period."""
    result = [(r["period_from"], r["period_to"], r["assessment"], r["year"], r["dimension"], r["verdict"]) for r in rows(kg, "operation-assessments", mission="unmiss")]
    epon = "UNMISS in South Sudan, assessed by EPON (2019)"
    civic = "UNMISS and the Juba violence of July 2016 (CIVIC)"
    juba = "UNMISS and the Juba violence of July 2016 (Independent Special Investigation)"
    assert result == [
        ("2014", "2018", epon, "2019", "overall", "mixed result"),
        ("2014", "2018", epon, "2019", "civilian protection", "success"),
        ("2016-07", "", civic, "2016", "overall", "failure"),
        ("2016-07", "", civic, "2016", "civilian protection", "failure"),
        ("2016-07-08", "2016-07-11", juba, "2016", "overall", "failure"),
        ("2016-07-08", "2016-07-11", juba, "2016", "civilian protection", "failure"),
    ]
    authors = {r["assessment"]: r["authors"] for r in rows(kg, "operation-assessments", mission="unmiss")}
    assert authors[epon] == "Adam Day, Charles T. Hunt, He Yin, Liezelle Kumalo"
    unmil = {(r["dimension"], r["verdict"], r["cited_page"]) for r in rows(kg, "operation-assessments", mission="unmil")}
    assert unmil == {
        ("overall", "success", "306"),
        ("reduction and containment of violence", "success", ""),
        ("political settlement", "success", ""),
        ("state authority and institutions", "mixed result", ""),
    }


def test_norm_findings(kg):
    """Who the studies hold to account: the mission, the UN, the Council."""
    result = [(r["acronym"], r["period_from"], r["finding"], r["party"]) for r in rows(kg, "norm-findings", norm="accountability")]
    assert result == [
        ("MINUSTAH", "2010-10", "breached", "UN"),
        ("MINUSCA", "2014", "breached", "MINUSCA"),
        ("MINUSCA", "2014", "breached", "UN"),
    ]
    poc = {(r["acronym"], r["finding"], r["party"]) for r in rows(kg, "norm-findings", norm="protection-of-civilians")}
    assert ("UNAMIR", "breached", "UNSC") in poc
    assert ("UNMISS", "upheld", "UNMISS") in poc and ("UNMISS", "breached", "UNMISS") in poc
    host = [(r["acronym"], r["period_from"], r["finding"], r["party"]) for r in rows(kg, "norm-findings", norm="safety-security-personnel")]
    assert ("UNMISS", "2016-07-08", "breached", "South Sudan") in host  # the host state, by the Juba investigation


def test_thirty_assessments_each_with_authors_publication_and_period(kg):
    result = kg.sparql("""
        SELECT ?a ?year (COUNT(DISTINCT ?author) AS ?authors) ?from WHERE {
          ?a a peacekg:Assessment ; peacekg:publishedIn ?p ; peacekg:beginsOn ?from .
          ?p peacekg:publicationYear ?year ; peacekg:author ?author .
          ?author a peacekg:Person .
        } GROUP BY ?a ?year ?from""").to_dicts()
    everything = kg.sparql("SELECT (COUNT(?a) AS ?n) WHERE { ?a a peacekg:Assessment }").to_dicts()
    assert len(result) == int(everything[0]["n"]) >= 30
    assert all(int(r["authors"]) >= 1 and PARTIAL_DATE.match(r["from"]) for r in result)
    assert all(int(r["from"][:4]) <= int(r["year"]) for r in result)  # no study judges a period after it was published


def test_every_finding_is_mirrored_by_the_direct_link(kg):
    """The qualified findings and the direct norm links tell the same story, so the
    inferred peacekg:upholds and peacekg:breaches of each operation stay right."""
    missing = kg.sparql("""
        SELECT ?a ?norm WHERE {
          ?a peacekg:hasNormFinding ?f . ?f peacekg:findingNorm ?norm ; peacekg:findingKind ?kind .
          FILTER NOT EXISTS { ?a ?link ?norm . FILTER (?link = IF(?kind = peacekg:Upheld, peacekg:normUpheld, peacekg:normBreached)) }
        }""").to_dicts()
    assert missing == []


def test_appointments_are_sourced_dated_and_successions_run_forward(kg):
    result = kg.sparql("""
        SELECT ?a ?start ?src WHERE {
          ?a a peacekg:Appointment ; dct:source ?src .
          OPTIONAL { ?a peacekg:beginsOn ?b } OPTIONAL { ?a peacekg:announcedOn ?n }
          BIND (COALESCE(?b, ?n) AS ?start)
        }""").to_dicts()
    assert len({r["a"] for r in result}) >= 50
    assert all(r["start"] and PARTIAL_DATE.match(r["start"]) and r["src"].startswith("http") for r in result)
    backwards = kg.sparql("""
        SELECT ?a ?earlier WHERE {
          ?a peacekg:succeeds ?earlier .
          OPTIONAL { ?a peacekg:beginsOn ?b } OPTIONAL { ?a peacekg:announcedOn ?n }
          OPTIONAL { ?earlier peacekg:beginsOn ?eb } OPTIONAL { ?earlier peacekg:announcedOn ?en }
          FILTER (COALESCE(?b, ?n) < COALESCE(?eb, ?en))
        }""").to_dicts()
    assert backwards == []
