"""The w3id redirect rules (``w3id/.htaccess``): each rule's documented
examples match it (and no earlier rule), and the address it redirects to is a
route that ``peacekg serve`` answers."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTACCESS = ROOT / "w3id" / ".htaccess"
W3ID = "https://w3id.org/peacekg/"
TARGET = "https://peacekg.example.org"


@dataclass
class Rule:
    pattern: str
    substitution: str
    flags: str
    examples: list[str] = field(default_factory=list)

    def target(self, path: str) -> str | None:
        """Where Apache sends ``path`` (relative to peacekg/), or None."""
        match = re.match(self.pattern, path)
        if not match:
            return None
        return re.sub(r"\$(\d)", lambda m: match.group(int(m.group(1))) or "", self.substitution)


def parse_rules(text: str) -> list[Rule]:
    """The RewriteRules in order, each with the ``# e.g.`` lines above it."""
    rules, examples = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("# e.g. "):
            examples.append(line[len("# e.g. "):])
        elif line.startswith("RewriteRule "):
            pattern, substitution, flags = line.split()[1:4]
            rules.append(Rule(pattern, substitution, flags, examples))
            examples = []
        elif line.startswith(("RewriteCond", "Redirect")):
            raise AssertionError(f"a directive the test does not model: {line}")
    return rules


RULES = parse_rules(HTACCESS.read_text())


def test_the_rules_are_those_the_w3id_registry_expects():
    text = HTACCESS.read_text()
    assert "RewriteEngine on" in text and "Options +FollowSymLinks" in text
    assert len(RULES) == 7
    for rule in RULES:
        assert rule.examples, f"rule {rule.pattern} has no '# e.g.' example"
        assert rule.substitution.startswith(TARGET + "/"), rule.substitution
        assert re.fullmatch(r"\[R=30[237],L\]", rule.flags), rule.flags


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.pattern)
def test_each_example_is_handled_by_its_own_rule(rule):
    for example in rule.examples:
        assert example.startswith(W3ID)
        path = example[len(W3ID):]
        first = next(r for r in RULES if r.target(path) is not None)
        assert first is rule, f"{example} is taken by {first.pattern}, not {rule.pattern}"


def test_a_path_no_rule_knows_is_not_redirected():
    assert [r for r in RULES if r.target("release/0.1.0/peacekg.owl") or r.target("id/") or r.target("ontology/0.1.0/full")] == []


@pytest.fixture(scope="module")
def client(kg):
    from starlette.testclient import TestClient

    from peacekg.server import Settings, create_app

    app = create_app(kg, Settings(base_url="http://testserver", workers=1, query_timeout=10))
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("example", [e for r in RULES for e in r.examples])
def test_the_server_answers_where_each_rule_redirects(client, example):
    path = example[len(W3ID):]
    target = next(r.target(path) for r in RULES if r.target(path) is not None)
    local = target[len(TARGET):]
    for accept in ("text/html,application/xhtml+xml,*/*;q=0.8", "*/*"):  # a browser, a program
        response = client.get(local, headers={"Accept": accept}, follow_redirects=False)
        assert response.status_code == 200, (example, local, accept, response.text[:200])


def test_the_version_iri_answers_the_served_version_only(client, kg):
    from peacekg.server.linked_data import served_version

    version = served_version(kg)
    response = client.get(f"/ontology/{version}", headers={"Accept": "application/rdf+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rdf+xml")
    assert f"https://w3id.org/peacekg/ontology/{version}".encode() in response.content
    assert client.get(f"/ontology/{version}.ttl").headers["content-type"].startswith("text/turtle")
    missing = client.get("/ontology/0.0.0-none", headers={"Accept": "text/plain"})
    assert missing.status_code == 404
    assert f"this server holds version {version} of the ontology, not 0.0.0-none" in missing.text
