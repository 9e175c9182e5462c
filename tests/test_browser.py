"""The site in a real browser: Debian's headless Chromium driven by Playwright
(never a downloaded browser). Skips with the reason when Chromium or Playwright
is missing; ``make test-deps`` installs Chromium.

Set ``PEACEKG_SCREENSHOTS=docs/screenshots`` to save the pages it visits as
PNG files (that is how the documentation's screenshots are made).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_server import start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed (run `make test-deps` or `apt-get install chromium`)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, request):
    running = start_server(tmp_path_factory.mktemp("browser-server"), "--workers", "2")
    request.addfinalizer(running.stop)
    return running


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.problems = problems  # a test that provokes an error clears it
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url) if not req.url.startswith((server.base, "data:")) else None)
    yield page
    context.close()
    assert problems == []
    assert outside == [], "the site must work offline"


def screenshot(page, name: str) -> None:
    folder = os.environ.get("PEACEKG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=name in ("home", "mission", "timeline"))


def test_home_page(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "peacekg"
    figures = page.locator(".figure").all_inner_texts()
    assert any("triples" in f for f in figures)
    assert any("peace operation" in f for f in figures)
    for entry in ("Peace operations", "Norms", "Legal instruments", "Actors", "Timeline"):
        assert page.locator(".card strong", has_text=entry).count() >= 1
    screenshot(page, "home")
    page.locator(".card", has_text="Peace operations").click()
    page.wait_for_url("**/browse/missions")
    row = page.locator("tr", has=page.locator("a", has_text="United Nations Mission in Liberia"))
    assert row.locator("td").first.inner_text() == "UNMIL"
    assert "2003-10-01" in row.inner_text()


def test_mission_page(page):
    page.goto("/id/mission/unmil")
    assert page.locator("h1").inner_text() == "United Nations Mission in Liberia"
    properties = page.locator("table.properties").first
    assert "UNMIL" in properties.inner_text()
    established = properties.locator("tr", has=page.locator("th", has_text="established by"))
    assert established.locator("td a").first.inner_text() == "Security Council resolution 1509 (2003)"
    assert "2003-10-01" in properties.inner_text()
    assert "S/RES/1509 (2003)" in page.locator("ul.sources").inner_text()
    screenshot(page, "mission")
    page.locator("table.properties").get_by_role("link", name="Liberia", exact=True).click()
    page.wait_for_url("**/id/state/lbr")
    assert page.locator("h1").inner_text() == "Liberia"
    assert page.locator("table.inbound a", has_text="United Nations Mission in Liberia").count() >= 1


def test_query_page_runs_a_stored_query(page):
    page.goto("/query")
    page.select_option("#examples", "missions")
    assert "peacekg:PeaceOperation" in page.locator("#query").input_value()
    page.locator("#run").click()
    page.wait_for_selector("table.results tbody tr")
    row = page.locator("table.results tbody tr", has=page.locator("td", has_text="UNMIL"))
    cells = row.first.locator("td").all_inner_texts()
    assert "UNMIL" in cells and "2003-10-01" in cells
    assert any("S/RES/1509 (2003)" in c for c in cells)
    assert "rows in" in page.locator("#status").inner_text()
    screenshot(page, "query")
    # A query returning IRIs: its links lead to the resource pages.
    page.select_option("#examples", "search")
    page.locator("#run").click()
    page.locator("table.results a", has_text="mission:unmil").click()
    page.wait_for_url("**/id/mission/unmil")
    assert page.locator("h1").inner_text() == "United Nations Mission in Liberia"


def test_query_page_shows_values_as_text_and_errors(page):
    page.goto("/query")
    page.fill("#query", 'SELECT ?x WHERE { BIND ("<b id=\\"injected\\">bold</b>" AS ?x) }')
    page.locator("#run").click()
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("#injected").count() == 0
    assert page.locator("table.results td").first.inner_text() == '<b id="injected">bold</b>'
    page.fill("#query", "SELECT ?x WHERE { ?x }")
    page.locator("#run").click()
    page.wait_for_selector("#error")
    assert page.locator("#error").inner_text().startswith("400: malformed query")
    assert all("400 (Bad Request)" in p for p in page.problems)  # the browser logs the failed fetch
    page.problems.clear()


def test_timeline_and_ontology_pages(page):
    page.goto("/timeline")
    svg = page.locator(".timeline svg")
    assert svg.count() == 1
    assert svg.locator('a[href="/id/mission/unmil"]').count() == 1
    screenshot(page, "timeline")
    page.goto("/ontology#PeaceOperation")
    assert page.locator("#PeaceOperation h3").inner_text().startswith("peace operation")
    screenshot(page, "ontology")
    page.goto("/search?q=protection")
    page.locator("ul.results").get_by_role("link", name="protection of civilians", exact=True).click()
    page.wait_for_url("**/id/norm/protection-of-civilians")
    screenshot(page, "norm")


def test_mission_page_draws_its_mandate_timeline(page):
    page.goto("/id/mission/monusco")
    chart = page.locator("section.chart svg")
    assert chart.count() == 1
    assert page.locator("section.chart h2").inner_text() == "Mandate timeline"
    # resolutions as ticks linking to their pages, task bands, ceilings as a step line
    assert chart.locator('a[href="/id/instrument/s-res-1925-2010"]').count() == 1
    assert chart.locator("text", has_text="Protection of civilians").count() >= 1
    assert chart.locator("polyline").count() >= 1
    box = chart.bounding_box()
    assert box["width"] > 600 and box["height"] > 150
    chart.locator('a[href="/id/instrument/s-res-2098-2013"]').click()
    page.wait_for_url("**/id/instrument/s-res-2098-2013")
    assert "2098" in page.locator("h1").inner_text()
    if os.environ.get("PEACEKG_SCREENSHOTS"):
        page.goto("/id/mission/monusco")
        page.locator("section.chart").screenshot(path=str(Path(os.environ["PEACEKG_SCREENSHOTS"]) / "mandate-timeline.png"))


def test_norm_page_draws_its_diffusion_into_mandates(page):
    page.goto("/id/norm/protection-of-civilians")
    chart = page.locator("section.chart svg")
    assert page.locator("section.chart h2").inner_text() == "Diffusion into mandates"
    bars = chart.locator("rect title")
    assert bars.count() >= 25  # one bar per year since 1994
    titles = bars.all_text_contents()
    assert any(t.startswith("1999:") and "UNAMSIL" in t for t in titles)
    if os.environ.get("PEACEKG_SCREENSHOTS"):
        page.locator("section.chart").screenshot(path=str(Path(os.environ["PEACEKG_SCREENSHOTS"]) / "norm-diffusion.png"))
