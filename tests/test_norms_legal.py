"""Norms as international lawyers model them (issue 14): normative force,
provisions, exceptions and conditions, validity in time, breaches and
contestation with their actors. Each stored query's exact answer on the real data."""
from __future__ import annotations

import pyoxigraph as ox

from peacekg.derive import derive_normative_force
from peacekg.namespaces import DATA_GRAPH, ID, PEACEKG

FORCE = ID + "force/"


def rows(kg, name, **params):
    return kg.query(name, **params).to_dicts()


def test_norm_statements(kg):
    """Protection of civilians: three statements, strongest force first, each with its text."""
    result = rows(kg, "norm-statements", norm="protection-of-civilians")
    assert [(r["statement"], r["modality"], r["force"], r["binding"], r["stated_in"]) for r in result] == [
        ("protection-of-civilians-2", "obligation", "binding treaty or Charter obligation", "yes", "Security Council resolution 1894 (2009)"),
        ("protection-of-civilians-1", "obligation", "binding Security Council decision", "yes", "Security Council resolution 1270 (1999)"),
        ("protection-of-civilians-3", "permission", "binding decision or rule of an organisation on its own affairs", "yes",
         "Security Council resolution 1701 (2006), paragraph 12"),
    ]
    assert {r["beneficiaries"] for r in result} == {"civilians under threat of physical violence"}


def test_consent_is_doctrine_and_chapter_vii_sets_it_aside(kg):
    """The consent principle binds the Council only as doctrine, with an exception."""
    consent = rows(kg, "norm-statements", norm="consent")
    assert {(r["statement"], r["force"], r["binding"]) for r in consent} == {
        ("consent-1", "doctrine or guidance", "no"), ("consent-2", "doctrine or guidance", "no"),
    }
    exceptions = rows(kg, "norm-exceptions", norm="consent")
    assert [(r["statement"], r["exception"], r["written_in"]) for r in exceptions] == [
        (statement, "enforcement under Chapter VII (exception to the consent principle)",
         "Article 2(7) of the Charter of the United Nations; Article 42 of the Charter of the United Nations")
        for statement in ("consent-1", "consent-2")
    ]


def test_norm_exceptions(kg):
    result = rows(kg, "norm-exceptions", norm="prohibition-of-force")
    assert [(r["exception"], r["written_in"]) for r in result] == [
        ("enforcement action decided or authorised by the Security Council (exception to the prohibition of force)",
         "Article 42 of the Charter of the United Nations"),
        ("individual or collective self-defence against an armed attack (exception to the prohibition of force)",
         "Article 51 of the Charter of the United Nations"),
    ]
    non_use = {r["exception"].split(" (")[0] for r in rows(kg, "norm-exceptions", norm="non-use-of-force")}
    assert non_use == {"self-defence", "defence of the mandate", "authorisation of all necessary action by the Security Council"}


def test_norm_provisions(kg):
    """The provisions stating R2P, in order, with their work and force."""
    result = rows(kg, "norm-provisions", norm="responsibility-to-protect")
    assert [(r["date"], r["instrument"], r["number"], r["force"], r["states"]) for r in result] == [
        ("2005-09-16", "A/RES/60/1", "138", "political commitment", "statement responsibility-to-protect-1"),
        ("2005-09-16", "A/RES/60/1", "139", "political commitment",
         "statement responsibility-to-protect-2; condition of responsibility-to-protect-2"),
    ]
    charter = rows(kg, "norm-provisions", norm="collective-security")
    assert [r["number"] for r in charter] == ["25", "39", "41", "42"]
    assert {r["instrument"] for r in charter} == {"Charter of the United Nations"}


def test_norms_binding_actor(kg):
    """Binding obligations on the Security Council, reached directly and as a UN organ."""
    result = rows(kg, "norms-binding-actor", actor="unsc")
    binding = [(r["statement"], r["force"], r["addressed_as"]) for r in result if r["binding"] == "yes" and r["modality"] == "obligation"]
    assert binding == [
        ("collective-security-2", "binding treaty or Charter obligation", "United Nations Security Council"),
        ("protection-of-civilians-1", "binding Security Council decision", "United Nations"),
        ("human-rights-2", "binding Security Council decision", "United Nations"),
        ("accountability-2", "binding decision or rule of an organisation on its own affairs", "United Nations"),
        ("international-humanitarian-law", "binding decision or rule of an organisation on its own affairs", "United Nations"),
    ]
    assert ("responsibility-to-protect-2", "political commitment", "no") in {(r["statement"], r["force"], r["binding"]) for r in result}


def test_norms_in_force_on(kg):
    """On the day Srebrenica fell the protection-of-civilians statements were not yet in force;
    the safety convention rests only on the Assembly's recommendation until 1999."""
    before = {r["statement"]: r for r in rows(kg, "norms-in-force-on", date="1995-07-11")}
    assert set(before) == {
        "collective-security-1", "collective-security-2", "prohibition-of-force", "regional-arrangements-1",
        "regional-arrangements-2", "safety-security-personnel-1", "sovereignty-non-intervention-1", "sovereignty-non-intervention-2",
    }
    assert before["collective-security-1"]["in_force_since"] == "1945-10-24"
    assert before["safety-security-personnel-1"]["resting_on"] == "General Assembly resolution 49/59 (recommendation, from 1994-12-09)"
    after = {r["statement"]: r for r in rows(kg, "norms-in-force-on", date="2010-01-01")}
    assert "Article 7 of the Convention on the Safety of United Nations and Associated Personnel (binding treaty or Charter obligation, from 1999-01-15)" in (
        after["safety-security-personnel-1"]["resting_on"])
    assert {"protection-of-civilians-1", "responsibility-to-protect-1", "international-humanitarian-law"} <= set(after)
    assert after["protection-of-civilians-3"]["in_force_since"] == "2006-08-11"  # S/RES/1701 (2006), paragraph 12
    assert "protection-of-civilians-3" not in {r["statement"] for r in rows(kg, "norms-in-force-on", date="2006-08-10")}


def test_breaches_by_actor(kg):
    result = [(r["breached_by"], r["norm"], r["operation"], r["date"], r["duty_holders"]) for r in rows(kg, "breaches-by-actor")]
    assert ("UNSC", "collective security", "UNAMIR", "1994-04-21", "United Nations Security Council") in result
    assert ("UNSC", "collective security", "UNPROFOR", "", "United Nations Security Council") in result
    assert not [r for r in result if r[0] == "UNAMIR" and r[1] == "collective security"]
    assert len(result) == 8


def test_norm_contestation(kg):
    result = rows(kg, "norm-contestation-timeline", norm="responsibility-to-protect")
    assert [(r["date"], r["contested_by"], r["record"]) for r in result] == [
        ("2011-03-17", "Brazil", "stance"),
        ("2011-03-17", "India", "stance"),
        ("2011-03-19", "", "milestone"),
        ("2011-04-14", "Russian Federation", "stance"),
        ("2011-05-04", "China", "stance"),
        ("2011-05-04", "Russian Federation", "stance"),
        ("2011-06-14", "South Africa", "stance"),
        ("2011-10-04", "", "milestone"),
        ("2011-10-04", "China", "stance"),
        ("2011-10-04", "Russian Federation", "stance"),
        ("2011-11-09", "", "milestone"),
        ("2011-11-09", "Brazil", "stance"),
    ]


def test_every_instrument_has_exactly_one_normative_force(kg):
    missing = kg.sparql("SELECT ?i WHERE { ?i a peacekg:LegalInstrument FILTER NOT EXISTS { ?i peacekg:normativeForce ?f } }")
    assert len(missing) == 0
    several = kg.sparql("SELECT ?i WHERE { ?i a peacekg:LegalInstrument ; peacekg:normativeForce ?a , ?b FILTER (?a != ?b) }")
    assert len(several) == 0
    statements = kg.sparql("SELECT ?s WHERE { ?s a peacekg:DeonticStatement FILTER NOT EXISTS { ?s peacekg:normativeForce ?f } }")
    assert len(statements) == 0


def _force(kg, slug):
    return kg.sparql(f"SELECT ?f WHERE {{ <{ID}instrument/{slug}> peacekg:normativeForce ?f }}").column("f")


def test_the_force_of_instruments_follows_their_kind(kg):
    """Derived at build time (docs/modelling.md), asserted values win."""
    assert _force(kg, "un-charter-article-2-4") == [FORCE + "treaty-obligation"]
    assert _force(kg, "s-res-1270-1999") == [FORCE + "council-decision"]  # invokes Chapter VII
    assert _force(kg, "s-res-1325-2000") == [FORCE + "council-resolution-outside-chapter-vii"]
    assert _force(kg, "a-res-2131-xx") == [FORCE + "recommendation"]
    assert _force(kg, "a-res-1000-es-i") == [FORCE + "institutional-decision"]  # created UNEF I
    assert _force(kg, "capstone-doctrine") == [FORCE + "doctrine-guidance"]
    assert _force(kg, "a-55-305-s-2000-809") == [FORCE + "advisory-report"]
    assert _force(kg, "a4p-declaration-shared-commitments") == [FORCE + "political-commitment"]
    assert _force(kg, "kigali-principles") == [FORCE + "voluntary-pledge"]  # asserted over its kind
    assert _force(kg, "a-45-594") == [FORCE + "doctrine-guidance"]  # the model SOFA, asserted
    assert _force(kg, "a-res-2131-xx-para-2") == [FORCE + "recommendation"]  # from its instrument
    assert _force(kg, "a-res-60-1-para-138") == [FORCE + "political-commitment"]  # from its parent provision


def test_derivation_prefers_asserted_force_and_walks_up_parts():
    data = ox.NamedNode(DATA_GRAPH)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    store = ox.Store()
    i, p, q = (ox.NamedNode(ID + "instrument/" + s) for s in ("x", "x-para-1", "x-para-1-a"))
    store.bulk_extend([
        ox.Quad(i, rdf_type, ox.NamedNode(PEACEKG + "GeneralAssemblyResolution"), data),
        ox.Quad(p, ox.NamedNode(PEACEKG + "partOfInstrument"), i, data),
        ox.Quad(q, ox.NamedNode(PEACEKG + "partOfInstrument"), p, data),
    ])
    derived = {(t.subject.value, t.object.value) for t in derive_normative_force(store)}
    assert derived == {(i.value, FORCE + "recommendation"), (p.value, FORCE + "recommendation"), (q.value, FORCE + "recommendation")}
    store.add(ox.Quad(p, ox.NamedNode(PEACEKG + "normativeForce"), ox.NamedNode(FORCE + "political-commitment"), data))
    derived = {(t.subject.value, t.object.value) for t in derive_normative_force(store)}
    assert derived == {(i.value, FORCE + "recommendation"), (q.value, FORCE + "political-commitment")}


def test_peace_agreements_bind_as_treaties_only_between_states():
    """An agreement whose parties are all states is a treaty between them; one
    with an armed group among its parties is a political commitment."""
    store = ox.Store()
    data = ox.NamedNode(DATA_GRAPH)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    issued_by = ox.NamedNode(PEACEKG + "issuedBy")
    between_states, with_a_group = ox.NamedNode(ID + "agreement/a"), ox.NamedNode(ID + "agreement/b")
    eri, eth, ruf = (ox.NamedNode(ID + s) for s in ("state/eri", "state/eth", "actor/ruf"))
    store.bulk_extend([
        ox.Quad(between_states, rdf_type, ox.NamedNode(PEACEKG + "PeaceAgreement"), data),
        ox.Quad(with_a_group, rdf_type, ox.NamedNode(PEACEKG + "PeaceAgreement"), data),
        ox.Quad(eri, rdf_type, ox.NamedNode(PEACEKG + "State"), data),
        ox.Quad(eth, rdf_type, ox.NamedNode(PEACEKG + "State"), data),
        ox.Quad(ruf, rdf_type, ox.NamedNode(PEACEKG + "NonStateArmedGroup"), data),
        ox.Quad(between_states, issued_by, eri, data), ox.Quad(between_states, issued_by, eth, data),
        ox.Quad(with_a_group, issued_by, eth, data), ox.Quad(with_a_group, issued_by, ruf, data),
    ])
    derived = {(t.subject.value, t.object.value) for t in derive_normative_force(store)}
    assert derived == {(between_states.value, FORCE + "treaty-obligation"), (with_a_group.value, FORCE + "political-commitment")}


def test_statements_still_waiting_for_a_provision(kg):
    """The warnings the shapes give: statements stated only in whole instruments (or none).
    Shrinks as paragraphs are confirmed (docs/data-notes.md, issue 14)."""
    report = kg.validate()
    waiting = sorted(v.focus.removeprefix(ID + "deontic/") for v in report.violations if v.severity == "Warning")
    assert waiting == [
        "accountability-1", "accountability-2", "consent-1", "consent-2", "human-rights-1", "human-rights-2",
        "impartiality", "local-ownership", "non-use-of-force", "proportionality", "protection-of-civilians-1",
        "protection-of-civilians-2", "robust-peacekeeping", "safety-security-personnel-2",
        "women-peace-security-1", "zero-tolerance-sea-2", "zero-tolerance-sea-3",
    ]


def test_a_renewal_points_to_what_it_renews(kg):
    renewed = kg.sparql(f"SELECT ?p ?task WHERE {{ <{ID}instrument/s-res-2425-2018-para-2> peacekg:renews ?p . ?p peacekg:assignsTask ?task }}")
    assert [(r["p"], r["task"]) for r in renewed.to_dicts()] == [
        (ID + "instrument/s-res-1769-2007-para-15", ID + "task/protection-of-civilians")
    ]
    assert _force(kg, "s-res-1769-2007-para-15") == [FORCE + "council-decision"]  # from S/RES/1769, under Chapter VII


def test_norms_by_normative_force(kg):
    """Which norms a political commitment rather than a binding text carries."""
    result = rows(kg, "norms-by-normative-force")
    commitments = [(r["norm"], r["statements"]) for r in result if r["force"] == "political commitment"]
    assert [norm for norm, _ in commitments] == ["responsibility to protect"]
    assert set(commitments[0][1].split("; ")) == {"responsibility-to-protect-1", "responsibility-to-protect-2"}
    assert [r["binding"] for r in result] == sorted((r["binding"] for r in result), key=lambda b: b != "yes")
    assert ("binding treaty or Charter obligation", "collective security") in {(r["force"], r["norm"]) for r in result}
