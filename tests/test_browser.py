"""The served app in a real Chromium: every page draws its charts on the demo and on a
status-page-only database, the overview opens an incident, and at 1440 × 900 the answers are on
screen without scrolling.

Starts `aftermath serve` on a free loopback port and drives the system's /usr/bin/chromium (never
a downloaded browser) through Playwright. Screenshots go to tests/artifacts/ (git-ignored) for a
person to look at.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from aftermath.pipeline.load import load
from tests import served
from tests.helpers import PROJECT_DIR, write_exports
from tests.served import CHROMIUM, CHROMIUM_ARGS, DEMO_PAGES, WAIT_MS, need_chromium, settle

pytestmark = pytest.mark.browser

ARTIFACTS = PROJECT_DIR / "tests" / "artifacts"
# The demo's pages, with the Incident page as it opens (no id given) and on the ongoing INC-312.
PAGES = {**DEMO_PAGES, "incident": 1, "incident?incident=INC-312": 1}
# A status-page history alone: incidents and their public updates, a tickets file with no rows.
STATUS_PAGE_EXPORTS = {
    "incidents.csv": "incident_id,title,severity,services,started_at,resolved_at\n"
    "S-1,Checkout errors,SEV2,billing,2026-03-02T10:00:00Z,2026-03-02T11:30:00Z\n"
    "S-2,Login slow,SEV4,auth,2026-03-09T08:00:00Z,2026-03-09T08:20:00Z\n",
    "status_updates.csv": "incident_id,posted_at,status,body\n"
    "S-1,2026-03-02T10:10:00Z,investigating,Looking into it\n"
    "S-1,2026-03-02T10:40:00Z,identified,A bad deploy\n"
    "S-1,2026-03-02T11:30:00Z,resolved,Fixed\n"
    "S-2,2026-03-09T08:05:00Z,investigating,Slow logins\n",
    "tickets.csv": "ticket_id,created_at\n",
}
# url path → charts the page draws on the status-page-only database.
STATUS_PAGE_PAGES = {
    "": 1,
    "incident?incident=S-1": 1,
    "quiet_accounts": 0,
    "follow_ups": 0,
    "process": 0,
    "data": 0,
}
# st.dataframe draws its header on a canvas, so a header cut at its column's edge is nowhere in
# the DOM: this records, before any page script runs, each text drawn on a grid's canvas with
# where it starts and how wide it is.
RECORD_GRID_TEXT = """
window.gridText = [];
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
  const grid = this.canvas.isConnected && this.canvas.closest('[data-testid="stDataFrame"]');
  if (grid) {
    grid.dataset.gridNo ??= String(document.querySelectorAll("[data-grid-no]").length);
    const at = this.getTransform();
    window.gridText.push({
      grid: grid.dataset.gridNo, cells: this.canvas.dataset.testid === "data-grid-canvas",
      text: String(text), x: x * at.a + at.e, y: y * at.d + at.f,
      width: this.measureText(text).width, align: this.textAlign,
    });
  }
  return fillText.call(this, text, x, y, ...rest);
};
"""
# Header texts drawn past their column's edge (where the grid clips them), on the grids on
# screen: a header starts 8 px into its column (glide's padding), so its column ends 8 px before
# the next header starts, or at the grid's right edge.
CUT_HEADERS = """() => {
  const cut = [];
  for (const grid of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!grid.checkVisibility() || grid.dataset.gridNo === undefined) continue;
    const latest = new Map();
    for (const t of window.gridText)
      if (t.grid === grid.dataset.gridNo && !t.cells && t.y < 35 && t.text) latest.set(t.text, t);
    const headers = [...latest.values()].sort((a, b) => a.x - b.x);
    const edge = grid.getBoundingClientRect().width;
    headers.forEach((h, i) => {
      const end = i + 1 < headers.length ? headers[i + 1].x - 8 : edge;
      if (h.x + h.width > end + 0.5) cut.push(h.text);
    });
  }
  return cut;
}"""
# The tick values of every drawn axis that counts things (tickets, surges, action items), by its
# title, off each chart's full layout.
COUNT_AXIS_TICKS = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
  const layout = plot._fullLayout;
  return Object.keys(layout)
    .filter(k => /^[xy]axis\\d*$/.test(k))
    .map(k => layout[k])
    .filter(axis => axis.showticklabels !== false && axis._vals)
    .map(axis => [axis.title?.text ?? "", axis._vals.map(v => v.x)])
    .filter(([title]) => /tickets|surges|action items/.test(title) && !title.includes("%"));
})"""
# Card values that the browser ends in "…" (their box is narrower than their text).
CUT_CARDS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
  .filter(v => v.checkVisibility())
  .filter(v => [v, ...v.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
  .map(v => v.textContent)"""

ROW_PX = 35  # st.dataframe's default row height, the header row included


def _serve(db: Path, log_path: Path) -> Iterator[str]:
    """`aftermath serve` over `db` on a free port, until the caller is done with its url."""
    need_chromium()
    yield from served.serve(db, log_path)


@pytest.fixture(scope="module")
def base_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(demo_db, tmp_path_factory.mktemp("serve") / "serve.log")


@pytest.fixture(scope="module")
def status_page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = write_exports(tmp_path_factory.mktemp("status_page"), STATUS_PAGE_EXPORTS)
    load(folder, folder / "status.duckdb")
    yield from _serve(folder / "status.duckdb", folder / "serve.log")


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url):
    # Tall enough that every element of a page is rendered and in the screenshot.
    context = browser.new_context(viewport={"width": 1440, "height": 4200}, base_url=base_url)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def screen(browser, base_url):
    """A tab the size of a laptop screen, 1440 × 900."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=base_url)
    context.add_init_script(RECORD_GRID_TEXT)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_draws_its_charts(page, path):
    page.goto(f"/{path}")
    settle(page, PAGES[path])
    name = path.split("?")[0] or "overview"
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    assert page.locator(".js-plotly-plot").count() == PAGES[path]
    assert page.locator('[data-testid="stException"]').count() == 0
    # A local tool: Streamlit's "Deploy" button is not offered.
    assert page.locator('[data-testid="stAppDeployButton"]').count() == 0


@pytest.mark.parametrize("path", list(STATUS_PAGE_PAGES))
def test_every_page_draws_from_a_status_page_history_alone(browser, status_page_url, path):
    context = browser.new_context(
        viewport={"width": 1440, "height": 4200}, base_url=status_page_url
    )
    tab = context.new_page()
    tab.goto(f"/{path}")
    settle(tab, STATUS_PAGE_PAGES[path])
    name = path.split("?")[0] or "overview"
    tab.screenshot(path=ARTIFACTS / f"status_page_{name}.png", full_page=True)
    assert tab.locator(".js-plotly-plot").count() == STATUS_PAGE_PAGES[path]
    assert tab.locator('[data-testid="stException"]').count() == 0
    if path.startswith("incident"):
        # No ticket at all: the chart still draws the outage and the three status updates.
        traces = tab.evaluate(
            "() => document.querySelector('.js-plotly-plot').data.map(t => [t.name, t.x.length])"
        )
        assert traces == [["status page updates (★ resolved; hover for the text)", 3]]
    if path == "":
        # Both incidents are on the scatter though neither has a customer-impact figure.
        points = tab.locator(".js-plotly-plot .scatterlayer .points path").count()
        assert points == 2
    context.close()


def test_a_cs_lead_sees_whom_to_call_without_scrolling(screen):
    screen.goto("/incident?incident=INC-305")
    settle(screen, 1)
    screen.screenshot(path=ARTIFACTS / "incident_1440x900.png")
    contacts = screen.locator('[data-testid="stDataFrame"]').first.bounding_box()
    # The header and the first four accounts, with their "why", inside the first 900 px.
    assert contacts["y"] + ROW_PX * 5 <= 900, contacts
    assert "Whom to call first" in screen.locator("h3").first.inner_text()


def test_the_overview_table_fits_1440_px(screen):
    screen.goto("/")
    settle(screen, 1)
    screen.screenshot(path=ARTIFACTS / "overview_1440x900.png")
    # The grid scrolls sideways only when its columns are wider than its box.
    widths = screen.evaluate(
        """() => {
            const scroller = document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
            return [scroller.scrollWidth, scroller.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1], widths


def test_overview_row_opens_the_incident_timeline(page):
    page.goto("/")
    settle(page, 1)
    # The grid is a canvas; its accessible cells say which row holds INC-305.
    cell = page.locator('[data-testid^="glide-cell-"]', has_text="INC-305").first
    row = int(cell.get_attribute("data-testid").rsplit("-", 1)[1])
    grid = page.locator('[data-testid="stDataFrame"]').bounding_box()
    # Rows as tall as a wrapped title needs: the box holds the header row and every row (12, the
    # box's 3 px border aside), so one row is the rest divided by the rows.
    rows = page.locator('[data-testid^="glide-cell-1-"]').count()
    row_px = (grid["height"] - ROW_PX - 3) / rows
    # The row's selection box, in the first column: below the header row and `row` rows.
    page.mouse.click(grid["x"] + 15, grid["y"] + ROW_PX + row_px * row + row_px / 2)
    page.wait_for_url("**/incident?incident=INC-305", timeout=WAIT_MS)
    settle(page, 1)
    assert page.locator("h1").first.inner_text() == "INC-305 · Payment gateway timeouts in billing"
    shapes = page.evaluate(
        "() => document.querySelector('.js-plotly-plot')._fullLayout.shapes.map(s => s.name)"
    )
    assert shapes == ["customer impact window", "outage (started → resolved)", "resolved"]
    # Both windows are drawn: one shaded path each behind the bars.
    assert page.locator(".js-plotly-plot .layer-below .shapelayer path").count() == 2
    page.screenshot(path=ARTIFACTS / "overview_to_incident.png", full_page=True)


@pytest.mark.parametrize("path", list(PAGES))
def test_no_card_value_or_table_header_is_cut_off(screen, path):
    # At 1440 × 900, on every page and behind every tab: the ongoing INC-312's long states
    # ("15 h 57 min", 'no "resolved" status update') included.
    screen.goto(f"/{path}")
    settle(screen, PAGES[path])
    tabs = screen.locator('[data-testid="stTab"]')
    views = [None, *range(tabs.count())]
    cut = {}
    for tab in views:
        if tab is not None:
            tabs.nth(tab).click()
            screen.wait_for_timeout(500)
        screen.evaluate("() => window.scrollTo(0, 0)")
        # Scrolled through, so that every grid on the page draws its header.
        for grid in screen.locator('[data-testid="stDataFrame"]').all():
            if grid.is_visible():
                grid.scroll_into_view_if_needed()
        screen.wait_for_timeout(300)
        cut[tab] = (screen.evaluate(CUT_CARDS), screen.evaluate(CUT_HEADERS))
    name = path.replace("?", "_").replace("=", "_") or "overview"
    screen.screenshot(path=ARTIFACTS / f"cut_{name}.png")
    assert all(cards == [] and headers == [] for cards, headers in cut.values()), cut


def test_the_incident_page_opens_on_a_finished_incident(screen):
    screen.goto("/incident")
    settle(screen, 1)
    # The newest incident, INC-312, is ongoing; the page opens on the billing outage, the
    # finished incident of the data's last 90 days that reached the most customers.
    assert screen.locator("h1").first.inner_text().startswith("INC-305 ")
    caption = screen.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]')
    caption = caption.first.inner_text()
    assert "resolved 2026-07-14 11:00" in caption and "ongoing" not in caption


def test_count_axes_carry_whole_numbers(page):
    # Plotly's own ticks split a small count into fractions (0.213 surges, 2.5 tickets).
    ticks = {}
    for path in ("incident?incident=INC-305", "trends", "follow_ups", "process"):
        page.goto(f"/{path}")
        settle(page, PAGES[path])
        for title, values in page.evaluate(COUNT_AXIS_TICKS):
            ticks[title] = values
    assert set(ticks) == {
        "tickets per hour",
        "undeclared surges",
        "action items (count)",
        "related tickets (count)",
    }
    assert all(v == int(v) for values in ticks.values() for v in values), ticks
    assert all(len(values) >= 2 for values in ticks.values()), ticks
