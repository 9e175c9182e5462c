"""The setting of an operation (issue 13): peace agreements and their signatories,
the parties of a conflict, host-state consent events, dated contestation of a norm
and successor chains that cross into special political missions. Every test runs a
stored query (or a check) on the real graph and asserts the answer it must give."""
from __future__ import annotations


def rows(kg, name, **params):
    return kg.query(name, **params).to_dicts()


def split(value):
    return set(value.split("; ")) if value else set()


def test_operation_agreements(kg):
    """Which agreement UNAMSIL was sent to support, and who signed it."""
    unamsil = rows(kg, "operation-agreements", mission="unamsil")
    assert [(r["agreement"], r["signed"]) for r in unamsil] == [
        ("Lomé Peace Agreement (Sierra Leone)", "1999-07-07"),
        ("Abuja Ceasefire Agreement (Sierra Leone)", "2000-11-10"),
    ]
    lome = unamsil[0]
    assert (lome["agreement"], lome["signed"], lome["signed_in"], lome["pax_id"]) == (
        "Lomé Peace Agreement (Sierra Leone)", "1999-07-07", "Lomé, Togo", "478")
    assert lome["stage"] == "comprehensive framework or substantive agreement"
    assert lome["conflict"] == "Sierra Leone civil war (1991-2002)"
    assert split(lome["parties"]) == {"Sierra Leone", "RUF"}
    assert split(lome["third_parties"]) == {
        "Togo", "Burkina Faso", "Liberia", "Nigeria", "Côte d'Ivoire", "Ghana", "ECOWAS", "OAU", "UN"}
    minusma = rows(kg, "operation-agreements", mission="minusma")
    assert [(r["agreement"], r["signed"]) for r in minusma] == [
        ("Ouagadougou Preliminary Agreement (Mali)", "2013-06-18"),
        ("Agreement on Peace and Reconciliation in Mali", "2015-05-15"),
    ]
    assert split(minusma[1]["parties"]) == {"Mali", "Plateforme coalition of armed groups", "CMA"}
    lusaka = rows(kg, "operation-agreements", mission="monuc")[0]
    assert split(lusaka["parties"]) == {
        "Angola", "Congo, The Democratic Republic of the", "Namibia", "Rwanda", "Uganda", "Zimbabwe", "MLC", "RCD"}
    assert lusaka["stage"] == "ceasefire or related agreement"
    assert rows(kg, "operation-agreements", mission="untso") == []


def test_conflict_parties(kg):
    """The parties of the conflict in northern Mali and the agreements and operations around them."""
    result = {r["party"]: r for r in rows(kg, "conflict-parties", conflict="mali-conflict")}
    assert {r["acronym"] for r in result.values() if r["kind"] == "armed group"} == {
        "MNLA", "HCUA", "CMA", "MAA", "CM-FPR", None}
    mnla = result["National Movement for the Liberation of Azawad"]
    assert (mnla["agreements"], mnla["operations"]) == ("Ouagadougou Preliminary Agreement (Mali) (2013-06-18)", "MINUSMA")
    assert result["Mali"]["kind"] == "government"
    assert split(result["Mali"]["agreements"]) == {
        "Ouagadougou Preliminary Agreement (Mali) (2013-06-18)",
        "Agreement on Peace and Reconciliation in Mali (2015-05-15)",
        "Conclusions of the preparatory consultations on implementing the Agreement on Peace and Reconciliation in Mali (2015-06-05)",
    }
    assert [r["kind"] for r in result.values()] == sorted(r["kind"] for r in result.values())


def test_consent_events(kg):
    """Every consent event, by operation and date, with the instruments that acted on it."""
    result = [(r["operation"], r["date"], r["action"], r["host_state"], r["instruments"])
              for r in rows(kg, "consent-events")]
    assert result == [
        ("MINURCAT", "2010-04-23", "consent withdrawn", "Chad", "S/RES/1923 (2010)"),
        ("MINUSMA", "2023-06-16", "consent withdrawn", "Mali", "S/RES/2690 (2023)"),
        ("MONUSCO", "2023-09-01", "consent withdrawn", "Congo, The Democratic Republic of the", "S/RES/2717 (2023)"),
        ("UNAMID", "2008-02-09", "consent given", "Sudan", None),
        ("UNAMIR", "1995-12-12", "consent restricted", "Rwanda", "S/RES/1029 (1995)"),
        ("UNEF I", "1967-05-16", "consent restricted", "Egypt", None),
        ("UNEF I", "1967-05-18", "consent withdrawn", "Egypt", None),
        ("UNITAMS", "2023-11-16", "consent withdrawn", "Sudan", "S/RES/2715 (2023)"),
        ("UNMEE", "2005-10-04", "consent restricted", "Eritrea", "S/RES/1640 (2005)"),
        ("UNMEE", "2007-12-01", "consent restricted", "Eritrea", "S/RES/1827 (2008)"),
        ("UNPROFOR", "1995-01-12", "consent withdrawn", "Croatia", "S/RES/981 (1995)"),
    ]
    withdrawn = {(op, state) for op, _, action, state, _ in result if action == "consent withdrawn"}
    assert withdrawn == {("MINURCAT", "Chad"), ("MINUSMA", "Mali"), ("MONUSCO", "Congo, The Democratic Republic of the"),
                         ("UNEF I", "Egypt"), ("UNITAMS", "Sudan"), ("UNPROFOR", "Croatia")}


def test_withdrawals_of_consent_join_the_consent_timeline(kg):
    timeline = {r["date"]: r["stage"] for r in rows(kg, "norm-timeline", norm="consent")}
    assert timeline["1967-05-18"] == "contestation"
    assert timeline["2023-06-16"] == "contestation"
    assert timeline["2007-12-01"] == "contestation"


def test_norm_contestation(kg):
    """Which states contested the responsibility to protect after Libya (and over Syria), when and where."""
    result = [(r["date"], r["actor"], r["forum"], r["situation"]) for r in rows(kg, "norm-contestation", norm="responsibility-to-protect")]
    assert result == [
        ("2011-03-17", "Brazil", "UNSC", "Libya"),
        ("2011-03-17", "India", "UNSC", "Libya"),
        ("2011-04-14", "Russian Federation", None, "Libya"),
        ("2011-05-04", "China", "UNSC", "Libya"),
        ("2011-05-04", "Russian Federation", "UNSC", "Libya"),
        ("2011-06-14", "South Africa", None, "Libya"),
        ("2011-10-04", "China", "UNSC", "Syria"),
        ("2011-10-04", "Russian Federation", "UNSC", "Syria"),
        ("2011-11-09", "Brazil", "Secretary-General of the United Nations", "Libya"),
    ]
    assert rows(kg, "norm-contestation", norm="protection-of-civilians") == []
    contesting = set(kg.sparql("""
        SELECT ?code WHERE { ?s peacekg:contestsNorm norm:responsibility-to-protect ; peacekg:iso3166Alpha3 ?code }""").column("code"))
    assert contesting == {"BRA", "CHN", "IND", "RUS", "ZAF"}


def test_successor_chains_cross_into_special_political_missions(kg):
    assert [r["acronym"] for r in rows(kg, "mission-chain", mission="uniosil")] == ["UNOMSIL", "UNAMSIL", "UNIOSIL", "UNIPSIL"]
    assert [r["acronym"] for r in rows(kg, "mission-chain", mission="unmit")] == ["UNTAET", "UNMISET", "UNOTIL", "UNMIT"]
    assert [r["acronym"] for r in rows(kg, "mission-chain", mission="onub")] == ["AMIB", "ONUB", "BINUB", "BNUB"]
    assert [r["acronym"] for r in rows(kg, "mission-chain", mission="binuh")][-2:] == ["MINUJUSTH", "BINUH"]


def test_the_context_reaches_the_issues_targets(kg):
    counts = {r["c"]: int(r["n"]) for r in kg.sparql("""
        SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {
          VALUES ?c { peacekg:PeaceAgreement peacekg:NonStateArmedGroup peacekg:ArmedConflict peacekg:ConsentEvent peacekg:SpecialPoliticalMission }
          ?x a ?c } GROUP BY ?c""").to_dicts()}
    assert counts["https://w3id.org/peacekg/ontology#PeaceAgreement"] >= 40
    assert counts["https://w3id.org/peacekg/ontology#NonStateArmedGroup"] >= 40
    assert counts["https://w3id.org/peacekg/ontology#SpecialPoliticalMission"] == 8


def test_every_pax_identifier_is_shown_by_a_cited_pax_page(kg):
    """A PA-X number is recorded only where a stored PA-X page shows it: one of the
    agreement's sources is that page."""
    unbacked = kg.sparql("""
        SELECT ?a ?id WHERE {
          ?a peacekg:paxIdentifier ?id .
          FILTER NOT EXISTS {
            ?a dct:source ?s .
            FILTER (CONTAINS(STR(?s), "peaceagreements.org") && REGEX(STR(?s), CONCAT("/", ?id, "(/|$)")))
          }
        }""").to_dicts()
    assert unbacked == []


def test_every_supported_agreement_cites_a_page(kg):
    unsourced = kg.sparql("""
        SELECT ?a WHERE { ?m peacekg:supportsAgreement ?a . FILTER NOT EXISTS { ?a dct:source ?s . FILTER isIRI(?s) } }""").column("a")
    assert unsourced == []
