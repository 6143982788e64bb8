"""The lineage explorer at /ui/ in a real headless Chromium, on the real app and Neo4j.

Every test fails on a console error in the page and on any request to a host other than
loopback (tests/browser.py aborts and records them). Screenshots of each step are saved
under tests/artifacts/ui/<test name>/.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
from prov.model import ProvDocument

from benchmarks.generate import stacked_diamonds
from service.settings import Settings
from tests import prov_documents
from tests.browser import NoChromium, WatchedPage, launch
from tests.calls import register
from tests.conftest import ServedApp
from tests.payloads import model_run

TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        try:
            browser = launch(playwright)
        except NoChromium as error:
            pytest.fail(str(error), pytrace=False)
        yield browser
        browser.close()


class UI:
    """The page and the API side by side, so what is drawn can be checked against answers."""

    def __init__(self, watched: WatchedPage, base_url: str) -> None:
        self.watched = watched
        self.page = watched.page
        self.base_url = base_url
        self.api = httpx.Client(base_url=base_url, timeout=120)

    def open(self, fragment: str = "") -> None:
        self.page.goto(f"{self.base_url}/ui/{fragment}")
        self.page.wait_for_selector("body[data-state=ready]", timeout=TIMEOUT_MS)

    def wait_drawn(self, root: str) -> None:
        self.page.wait_for_function(
            "root => window.provgraph.state.root === root "
            "&& document.body.dataset.state === 'ready'",
            arg=root,
            timeout=TIMEOUT_MS,
        )

    def search_and_open(self, text: str, node_id: str) -> None:
        self.page.fill("#q", text)
        self.page.press("#q", "Enter")
        result = self.page.locator("#result-list li", has_text=node_id).first
        result.locator("button").click()
        self.wait_drawn(node_id)

    def drawn(self) -> dict[str, Any]:
        return dict(
            self.page.evaluate(
                """() => ({
                    nodes: provgraph.cy.nodes().map(n => n.id()).sort(),
                    edges: provgraph.cy.edges().map(e =>
                        [e.data('source'), e.data('type'), e.data('target')].join(' ')).sort(),
                    classes: Object.fromEntries(provgraph.cy.nodes().map(n =>
                        [n.id(), ['entity', 'activity', 'agent'].find(c => n.hasClass(c))])),
                })"""
            )
        )

    def click_node(self, node_id: str) -> None:
        x, y = self.page.evaluate(
            """id => {
                const node = provgraph.cy.getElementById(id);
                const box = provgraph.cy.container().getBoundingClientRect();
                const at = node.renderedPosition();
                return [box.left + at.x, box.top + at.y];
            }""",
            node_id,
        )
        self.page.mouse.click(x, y)
        self.page.wait_for_function(
            "id => document.querySelector('#details dd')?.textContent === id",
            arg=node_id,
            timeout=TIMEOUT_MS,
        )

    def download(self, selector: str) -> Path:
        with self.page.expect_download(timeout=TIMEOUT_MS) as info:
            self.page.click(selector)
        return Path(info.value.path())


def expected(lineage: dict[str, Any]) -> dict[str, Any]:
    return {
        "nodes": sorted(node["id"] for node in lineage["nodes"]),
        "edges": sorted(f"{e['source']} {e['type']} {e['target']}" for e in lineage["edges"]),
    }


def open_page(chromium: Browser, name: str, base_url: str) -> tuple[Any, UI]:
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
    watched = WatchedPage(context, name)
    return context, UI(watched, base_url)


@pytest.fixture()
def ui(
    chromium: Browser, served_app: ServedApp, clean_graph: None, request: pytest.FixtureRequest
) -> Iterator[UI]:
    context, page = open_page(chromium, request.node.name, served_app.url)
    yield page
    context.close()
    page.api.close()
    assert page.watched.errors == [], "console errors in the page"
    assert page.watched.external == [], "the page asked for something beyond loopback"


def chain(api: httpx.Client) -> dict[str, str]:
    """run-1 makes output-1; run-2 and run-3 each use it; what they made is downstream."""
    runs = {"run-1": register(api, model_run(1))}
    for n in (2, 3):
        body = model_run(n)
        body["inputs"][0]["dataset_id"] = "10378.1/output-1"
        runs[f"run-{n}"] = register(api, body)
    return runs


def test_search_open_upstream_details_expand_and_download(ui: UI) -> None:
    runs = chain(ui.api)
    ui.open()
    ui.watched.screenshot("1-landing-recent-runs")

    ui.search_and_open("output-2", "10378.1/output-2")
    answer = ui.api.get(
        "/lineage",
        params={"id": "10378.1/output-2", "direction": "upstream", "depth": 10, "limit": 500},
    ).json()
    drawn = ui.drawn()
    assert {k: drawn[k] for k in ("nodes", "edges")} == expected(answer)
    assert len(drawn["nodes"]) == 13  # two runs, their data, templates, studies, agents
    assert drawn["classes"][runs["run-2"]] == "activity"
    assert drawn["classes"]["10378.1/modeller-2"] == "agent"
    assert drawn["classes"]["10378.1/output-1"] == "entity"
    assert runs["run-3"] not in drawn["nodes"]  # a sibling, not upstream
    summary = ui.page.text_content("#summary") or ""
    assert f"{len(answer['nodes'])} nodes and {len(answer['edges'])} relations" in summary
    assert ui.page.is_hidden("#truncated")
    ui.watched.screenshot("2-upstream-of-output-2")

    ui.click_node(runs["run-1"])
    details = ui.page.text_content("#details") or ""
    assert "ModelRun" in details
    assert "3 relations from 10378.1/output-2" in details
    assert f"{runs['run-1']} — model_run, registered by anonymous" in details
    assert model_run(1)["description"] in details
    ui.watched.screenshot("3-details-of-run-1")

    ui.click_node("10378.1/output-1")
    ui.page.get_by_role("button", name="Expand neighbours").click()
    ui.page.wait_for_selector("#message:has-text('Expanded 10378.1/output-1')")
    around = ui.api.get(
        "/lineage", params={"id": "10378.1/output-1", "direction": "both", "depth": 1}
    ).json()
    after = ui.drawn()
    assert set(after["nodes"]) == set(drawn["nodes"]) | {n["id"] for n in around["nodes"]}
    assert runs["run-3"] in after["nodes"] and "10378.1/modeller-3" in after["nodes"]
    assert set(expected(around)["edges"]) <= set(after["edges"])
    ui.watched.screenshot("4-expanded-output-1")

    provn = ui.download("[data-download=provn]")
    document = ProvDocument.deserialize(content=provn.read_text(), format="provn")
    exported = prov_documents.element_uris(document)
    assert len(exported) == len(answer["nodes"])
    assert "https://hdl.handle.net/10378.1/output-2" in exported
    prov_json = ui.download("[data-download=json]")
    assert ProvDocument.deserialize(content=prov_json.read_text(), format="json") == document


def test_a_model_run_with_its_agents_and_template_and_picture_downloads(ui: UI) -> None:
    runs = chain(ui.api)
    ui.open()
    ui.search_and_open(runs["run-1"], runs["run-1"])
    ui.page.select_option("select[name=direction]", "both")
    ui.page.click("#lineage-form button[type=submit]")
    ui.page.wait_for_function(
        "() => location.hash.includes('direction=both') && document.body.dataset.state === 'ready'"
    )
    ui.wait_drawn(runs["run-1"])
    answer = ui.api.get(
        "/lineage", params={"id": runs["run-1"], "direction": "both", "depth": 10, "limit": 500}
    ).json()
    drawn = ui.drawn()
    assert {k: drawn[k] for k in ("nodes", "edges")} == expected(answer)
    classes = drawn["classes"]
    assert classes["10378.1/modeller-1"] == classes["10378.1/org-1"] == "agent"
    assert classes["10378.1/template-1"] == "entity"
    assert classes["10378.1/study-1"] == classes[runs["run-2"]] == "activity"
    assert f"{runs['run-1']} used 10378.1/template-1" in drawn["edges"]
    assert f"{runs['run-1']} wasAssociatedWith 10378.1/modeller-1" in drawn["edges"]
    ui.watched.screenshot("model-run-both-directions")

    svg = ui.download("[data-download=svg]")
    root = ElementTree.parse(svg).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "modeller-1" in texts and "wasAssociatedWith" in texts
    png = ui.download("[data-download=png]")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_stacked_diamonds_drawn_and_the_path_between_two_nodes(ui: UI) -> None:
    records, top, bottom = stacked_diamonds(4)
    for record in records:
        register(ui.api, record)
    ui.open()
    ui.search_and_open(top, top)
    ui.page.fill("input[name=depth]", "20")  # 4 levels of 4 relations: d0 is 16 away
    ui.page.click("#lineage-form button[type=submit]")
    ui.page.wait_for_function(
        "() => location.hash.includes('depth=20') && document.body.dataset.state === 'ready'"
    )
    params: dict[str, str | int] = {"id": top, "direction": "upstream", "depth": 20, "limit": 500}
    everything = ui.api.get("/lineage", params=params).json()
    assert {k: ui.drawn()[k] for k in ("nodes", "edges")} == expected(everything)
    ui.watched.screenshot("1-four-stacked-diamonds-with-agents-template-study")

    ui.page.fill("input[name=kinds]", "Dataset,ModelRun")
    ui.page.click("#lineage-form button[type=submit]")
    ui.page.wait_for_function(
        "() => location.hash.includes('ModelRun') && document.body.dataset.state === 'ready'"
    )
    answer = ui.api.get("/lineage", params={**params, "types": "Dataset,ModelRun"}).json()
    assert {k: ui.drawn()[k] for k in ("nodes", "edges")} == expected(answer)
    assert len(answer["nodes"]) == 4 * 5 + 1
    ui.watched.screenshot("2-four-stacked-diamonds-datasets-and-runs")
    ui.page.evaluate(
        "id => provgraph.cy.zoom({level: 1, position: provgraph.cy.getElementById(id).position()})",
        top,
    )
    ui.watched.screenshot("2b-close-up-at-zoom-1")

    ui.page.get_by_role("button", name="Path from here").click()
    ui.page.click("#node-list-box summary")
    ui.page.locator("#node-list button", has_text=bottom.rsplit("/", 1)[1] + " — ").click()
    ui.page.wait_for_function(
        "id => document.querySelector('#details dd')?.textContent === id", arg=bottom
    )
    ui.page.get_by_role("button", name="Path to here").click()
    ui.page.wait_for_selector("#message:has-text('shortest path')")
    paths = ui.api.get("/lineage/path", params={"from": top, "to": bottom}).json()["paths"]
    on_path = ui.page.evaluate("() => provgraph.cy.nodes('.on-path').map(n => n.id()).sort()")
    assert on_path == sorted({node for path in paths for node in path["nodes"]})
    assert len(paths[0]["nodes"]) == 4 * 4 + 1
    ui.watched.screenshot("3-paths-top-to-bottom")


def test_a_node_limit_says_what_it_cut(ui: UI) -> None:
    records, top, _ = stacked_diamonds(3)
    for record in records:
        register(ui.api, record)
    ui.open(f"#node={top}&direction=upstream&depth=10&limit=5")
    ui.wait_drawn(top)
    answer = ui.api.get(
        "/lineage", params={"id": top, "direction": "upstream", "depth": 10, "limit": 5}
    ).json()
    assert answer["truncated"]
    assert {k: ui.drawn()[k] for k in ("nodes", "edges")} == expected(answer)
    warning = ui.page.text_content("#truncated") or ""
    assert ui.page.is_visible("#truncated") and "node limit (5)" in warning
    ui.watched.screenshot("truncated")


def test_recent_runs_with_time_agent_and_dataset_filters(ui: UI) -> None:
    ids = {}
    for n in range(4):
        body = model_run(
            n, start_time=1_700_000_000 + n * 86_400, end_time=1_700_000_100 + n * 86_400
        )
        if n % 2:
            body["associations"]["modeller_id"] = "10378.1/alice"
        ids[n] = register(ui.api, body)
    ui.open()

    def listed() -> list[str]:
        cells: list[str] = ui.page.eval_on_selector_all(
            "#run-table td.id", "cells => cells.map(c => c.textContent)"
        )
        return cells

    assert listed() == [ids[3], ids[2], ids[1], ids[0]]
    ui.page.fill("input[name=agent]", "10378.1/alice")
    ui.page.click("#runs-form button")
    ui.page.wait_for_function("() => document.querySelectorAll('#run-table td.id').length === 2")
    assert listed() == [ids[3], ids[1]]
    ui.page.fill("input[name=agent]", "")
    ui.page.fill("input[name=dataset]", "10378.1/output-2")
    ui.page.click("#runs-form button")
    ui.page.wait_for_function("() => document.querySelectorAll('#run-table td.id').length === 1")
    assert listed() == [ids[2]]
    ui.page.fill("input[name=dataset]", "")
    # 2023-11-16 00:00 in the page's own zone: runs 2 and 3 started after it, whatever the zone.
    ui.page.fill("input[name=since]", "2023-11-16T12:00")
    ui.page.click("#runs-form button")
    ui.page.wait_for_function("() => document.querySelectorAll('#run-table td.id').length === 2")
    assert listed() == [ids[3], ids[2]]
    ui.watched.screenshot("runs-since-filter")
    ui.page.locator("#run-table button").first.click()
    ui.wait_drawn(ids[3])


def test_keyboard_labels_and_contrast(ui: UI) -> None:
    chain(ui.api)
    ui.open()
    unlabelled = ui.page.evaluate(
        """() => [...document.querySelectorAll('input, select, button')]
            .filter(c => c.offsetParent !== null || c.closest('dialog'))
            .filter(c => !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
                         && !(c.textContent || '').trim())
            .map(c => c.outerHTML)"""
    )
    assert unlabelled == []
    # Keyboard only: tab to the search box, type, Enter, tab to the first result, Enter.
    for _ in range(10):
        ui.page.keyboard.press("Tab")
        if ui.page.evaluate("() => document.activeElement.id") == "q":
            break
    assert ui.page.evaluate("() => document.activeElement.id") == "q"
    ui.page.keyboard.type("output-2")
    ui.page.keyboard.press("Enter")
    ui.page.wait_for_selector("#result-list button")
    ui.page.focus("#result-list button")
    ui.page.keyboard.press("Enter")
    ui.wait_drawn("10378.1/output-2")
    details = ui.page.locator("#details")
    assert details.get_attribute("aria-live") == "polite"
    assert "10378.1/output-2" in (details.text_content() or "")
    # Contrast (WCAG AA, 4.5:1) of text against its background, for the page's text styles.
    ratios = ui.page.evaluate(
        """() => {
            const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
            const lum = c => {
                const [r, g, b] = rgb(c).map(v => v / 255).map(v =>
                    v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
            };
            const background = el => {
                for (let e = el; e; e = e.parentElement) {
                    const c = getComputedStyle(e).backgroundColor;
                    if (!c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c;
                }
                return 'rgb(255, 255, 255)';
            };
            const selectors = ['body', 'header h1 span', '.auth', 'button', 'label',
                               '#summary', '#details dt', '#details dd', 'td', '.legend'];
            return Object.fromEntries(selectors.map(s => {
                const el = document.querySelector(s);
                const [a, b] = [lum(getComputedStyle(el).color), lum(background(el))];
                return [s, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
            }));
        }"""
    )
    assert {s: r for s, r in ratios.items() if r < 4.5} == {}
    ui.watched.screenshot("keyboard-opened-lineage")


TOKENS = "reader:read:ui-read-token,boss:admin:ui-admin-token"


@pytest.fixture(scope="module")
def secured_app(test_settings: Settings) -> Iterator[ServedApp]:
    with ServedApp(test_settings.model_copy(update={"tokens": TOKENS})) as app:
        yield app


def test_with_tokens_the_page_asks_for_one_and_explains_401(
    chromium: Browser, secured_app: ServedApp, clean_graph: None
) -> None:
    context, ui = open_page(chromium, "test_tokens", secured_app.url)
    try:
        ui.open()
        assert ui.page.is_visible("#token-dialog")
        assert "needs a token" in (ui.page.text_content("#message") or "")
        ui.watched.screenshot("1-asked-for-a-token")

        ui.page.fill("#token", "not-the-token")
        ui.page.click("#token-dialog button[value=save]")
        ui.page.wait_for_selector("#message:has-text('401')")
        message = ui.page.text_content("#message") or ""
        assert "token you entered was refused" in message and "The token is not valid" in message
        ui.watched.screenshot("2-wrong-token-explained")

        ui.page.fill("#token", "ui-read-token")
        ui.page.click("#token-dialog button[value=save]")
        ui.page.wait_for_selector("#message", state="hidden")
        assert ui.page.evaluate("() => sessionStorage.getItem('provgraph.token')") == (
            "ui-read-token"
        )
        assert ui.page.text_content("#auth-state") == "token entered"
        assert ui.page.is_visible("#run-table")
        ui.watched.screenshot("3-token-accepted")
    finally:
        context.close()
    # The browser logs the refused request itself; nothing else may be an error.
    assert [e for e in ui.watched.errors if "401" not in e] == []
    assert ui.watched.external == []


def enter_token(ui: UI, token: str) -> None:
    if not ui.page.is_visible("#token-dialog"):
        ui.page.click("#token-button")
    ui.page.fill("#token", token)
    ui.page.click("#token-dialog button[value=save]")
    ui.page.wait_for_function(
        "() => document.body.dataset.state === 'ready' "
        "&& !document.querySelector('#token-dialog').open"
    )


def test_a_read_token_refused_the_whole_graph_sees_403_explained_not_a_blank_page(
    chromium: Browser, secured_app: ServedApp, clean_graph: None
) -> None:
    admin = {"Authorization": "Bearer ui-admin-token"}
    with httpx.Client(base_url=secured_app.url, headers=admin, timeout=120) as api:
        runs = chain(api)
    context, ui = open_page(chromium, "test_403", secured_app.url)
    try:
        ui.open()
        enter_token(ui, "ui-read-token")
        ui.page.wait_for_function(
            "() => document.querySelectorAll('#run-table td.id').length === 3"
        )

        # The reader may read every run and lineage, but the whole graph is the admin's:
        # the server itself answers 403 to the page's request.
        with ui.page.expect_response(lambda r: "scope=all" in r.url) as answered:
            ui.page.click("#download-all")
        assert answered.value.status == 403
        ui.page.wait_for_selector("#message:has-text('403')")
        message = ui.page.text_content("#message") or ""
        assert "Downloading the whole graph is not allowed for your token (403)" in message
        assert "role is not enough" in message
        assert "'reader' has the read role; scope=all needs admin." in message
        assert ui.page.is_visible("#message") and ui.page.is_hidden("#token-dialog")
        # Not a blank page: what was shown stays, with the explanation above it.
        assert ui.page.is_visible("header") and ui.page.is_visible("#run-table")
        listed = ui.page.eval_on_selector_all(
            "#run-table td.id", "cells => cells.map(c => c.textContent)"
        )
        assert sorted(listed) == sorted(runs.values())
        assert ui.page.text_content("#auth-state") == "token entered"
        ui.watched.screenshot("1-read-token-whole-graph-403-explained")

        # Everything else the token allows still works from the same page.
        ui.page.locator("#run-table button").first.click()
        ui.page.wait_for_function(
            "() => window.provgraph.state.root && document.body.dataset.state === 'ready'"
        )
        assert ui.page.is_hidden("#message") and len(ui.drawn()["nodes"]) > 1
        ui.watched.screenshot("2-read-token-still-reads-lineage")

        # The opened run's "Asserted by" link reads its record with the token (a plain
        # link would go without it and show the server's raw 401).
        page_url, record_link = ui.page.url, ui.page.locator("#details li a").first
        record_id = record_link.text_content()
        with ui.page.expect_response(lambda r: "/records/" in r.url) as answered:
            record_link.click()
        assert answered.value.status == 200
        ui.page.wait_for_selector("#details pre.record")
        shown = json.loads(ui.page.text_content("#details pre.record") or "")
        assert shown["id"] == record_id and ui.page.is_hidden("#message")
        assert ui.page.url == page_url  # shown in the page, not followed as a link

        # The same button with an admin's token gives the whole graph.
        ui.page.click("#home")
        enter_token(ui, "ui-admin-token")
        provn = ui.download("#download-all")
        document = ProvDocument.deserialize(content=provn.read_text(), format="provn")
        exported = {
            r.identifier.uri
            for r in document.get_records()
            if r.is_element() and r.identifier is not None
        }
        outputs = {f"https://hdl.handle.net/10378.1/output-{n}" for n in (1, 2, 3)}
        assert outputs <= exported
        assert ui.page.is_hidden("#message")
    finally:
        context.close()
    # The browser logs the refused request itself; nothing else may be an error.
    assert [e for e in ui.watched.errors if "403" not in e] == []
    assert ui.watched.external == []


def test_the_page_and_its_scripts_are_served_and_linked_from_root(client: httpx.Client) -> None:
    assert "/ui/" in client.get("/").json()["message"]
    redirect = client.get("/ui", follow_redirects=False)
    assert redirect.status_code in (301, 307) and redirect.headers["location"].endswith("/ui/")
    page = client.get("/ui/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    local = [s for s in sources if not s.startswith(("data:", "#"))]
    assert "vendor/cytoscape.min.js" in local and "app.js" in local
    for source in local:
        assert not source.startswith(("http:", "https:", "//")), source
        assert client.get(f"/ui/{source}").status_code == 200, source
    assert client.get("/ui/vendor/svgcanvas.esm.js").status_code == 200
