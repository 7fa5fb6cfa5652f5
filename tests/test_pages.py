"""AppTest over every page: the demo's stories on screen, empty states, filters and deep links.

Expected numbers come from the demo's stories (aftermath/demo/stories.toml and the quiet-account
plans in aftermath/demo/usage.py), worked out by hand in the comments.
"""

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from aftermath.pipeline.load import load
from aftermath.settings import DEFAULTS
from dashboard import overview_charts
from tests import test_quiet_accounts as quiet_fixture
from tests.helpers import PROJECT_DIR, write_exports

APP = PROJECT_DIR / "dashboard" / "app.py"
PAGES = [
    "app_pages/overview.py",
    "app_pages/incident.py",
    "app_pages/undeclared.py",
    "app_pages/trends.py",
    "app_pages/quiet_accounts.py",
    "app_pages/follow_ups.py",
    "app_pages/process.py",
    "app_pages/data.py",
]
# Each page's charts on the demo data.
DEMO_CHARTS = {
    "app_pages/overview.py": 1,
    "app_pages/incident.py": 1,
    "app_pages/undeclared.py": 1,
    "app_pages/trends.py": 3,
    "app_pages/quiet_accounts.py": 1,
    "app_pages/follow_ups.py": 2,
    "app_pages/process.py": 3,
    "app_pages/data.py": 0,
}
HOSTILE = "<script>alert(1)</script> **bold** [click](https://evil.example) =1+1"


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the two required files, headers and no rows."""
    folder = write_exports(
        tmp_path_factory.mktemp("empty"),
        {
            "incidents.csv": "incident_id,title,started_at,resolved_at\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n",
        },
    )
    load(folder, folder / "empty.duckdb")
    return folder / "empty.duckdb"


@pytest.fixture(scope="module")
def status_page_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A status-page-only load: incidents and their updates, a tickets file with no rows."""
    folder = write_exports(
        tmp_path_factory.mktemp("status_page"),
        {
            "incidents.csv": "incident_id,title,severity,services,started_at,resolved_at\n"
            "S-1,Checkout errors,SEV2,billing,2026-03-02T10:00:00Z,2026-03-02T11:30:00Z\n",
            "status_updates.csv": "incident_id,posted_at,status,body\n"
            "S-1,2026-03-02T10:10:00Z,investigating,Looking into it\n"
            "S-1,2026-03-02T11:30:00Z,resolved,Fixed\n",
            "tickets.csv": "ticket_id,created_at\n",
        },
    )
    load(folder, folder / "status.duckdb")
    return folder / "status.duckdb"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One incident whose ticket text is HTML, Markdown and a spreadsheet formula."""
    folder = write_exports(
        tmp_path_factory.mktemp("hostile"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "H-1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,description,incident_id\n"
            f'T-1,2026-03-02T10:20:00Z,A-1,"{HOSTILE}","{HOSTILE}",H-1\n',
        },
    )
    load(folder, folder / "hostile.duckdb")
    return folder / "hostile.duckdb"


@pytest.fixture(scope="module")
def many_quiet_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """501 accounts quiet after one incident: one more than the Quiet accounts page shows.

    Q000..Q500 used billing 10 a day over the 28 days before I1 (2026-03-02), then stopped:
    baseline 10, after 0, quiet and silent. Q<i> pays 1000 + i; the largest, Q500, is named like
    a spreadsheet formula. A steady account carries the usage data to 2026-04-05.
    """
    start = date(2026, 3, 2)
    usage = ["account_id,day,feature,value"]
    usage += [
        f"Q{i:03},{start - timedelta(days=n)},billing,10" for i in range(501) for n in range(1, 29)
    ]
    usage += [f"A_STEADY,{start + timedelta(days=n)},billing,8" for n in range(-56, 35)]
    accounts = ["account_id,name,segment,mrr"]
    accounts += [f"Q{i:03},Quiet {i},smb,{1000 + i}" for i in range(500)]
    accounts += ["Q500,=1+2 Top,enterprise,1500", "A_STEADY,Steady,smb,10"]
    folder = write_exports(
        tmp_path_factory.mktemp("many_quiet"),
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Billing errors,billing,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,account_id,subject,incident_id\n",
            "accounts.csv": "\n".join(accounts) + "\n",
            "usage.csv": "\n".join(usage) + "\n",
        },
    )
    load(folder, folder / "many.duckdb")
    return folder / "many.duckdb"


def quiet_exports(folder: Path) -> Path:
    """tests/test_quiet_accounts.py's hand-made exports: billing incident I1, its quiet accounts."""
    return write_exports(
        folder,
        {
            "incidents.csv": quiet_fixture.MAIN_INCIDENTS,
            "tickets.csv": quiet_fixture.TICKETS,
            "accounts.csv": quiet_fixture.ACCOUNTS,
            "action_items.csv": quiet_fixture.ACTION_ITEMS,
            "usage.csv": quiet_fixture.usage_csv(quiet_fixture.MAIN_USAGE),
        },
    )


@pytest.fixture(scope="module")
def quiet_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = quiet_exports(tmp_path_factory.mktemp("quiet_pages"))
    load(folder, folder / "quiet.duckdb")
    return folder / "quiet.duckdb"


def deferred_downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The callables pages hand to st.download_button, by file name: AppTest never clicks one."""
    found: dict[str, Callable[[], bytes]] = {}
    register = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        found[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return found


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def open_app(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **query: str
) -> AppTest:
    """The app on `db`, switched to `page`, with `query` as the URL's query parameters."""
    monkeypatch.setenv("AFTERMATH_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at: AppTest) -> dict[str, str]:
    return {m.label: m.proto.delta for m in at.metric}


def infos(at: AppTest) -> str:
    return " ".join(i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_the_demo(page, demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, page)
    assert len(at.get("plotly_chart")) == DEMO_CHARTS[page]
    assert not at.info, infos(at)  # the demo has every table: no empty state shows


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_an_empty_database(page, empty_db, monkeypatch):
    at = open_app(empty_db, monkeypatch, page)
    assert not at.get("plotly_chart")
    if page == "app_pages/data.py":
        # The load report lists the two files read, with no rows.
        assert list(at.dataframe[0].value["rows_read"]) == [0, 0]
    else:
        assert "No incidents are loaded" in infos(at)


def test_overview_tells_the_demo_totals(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch)
    shown = metrics(at)
    # INC-312 is ongoing: counted apart, its outage so far (07:45 to the data's end at 23:42)
    # in no sum.
    assert shown["Finished incidents"] == "11"
    assert deltas(at)["Finished incidents"] == "+ 1 ongoing: 15 h 57 min so far"
    # Planted quiet accounts: 25 after the billing outage (INC-305: 5 + 8 + 12 by segment) and
    # 3 after the API incident (INC-304: 1 + 2), all different accounts.
    assert shown["Quiet accounts"] == "28"
    assert len(at.dataframe[0].value) == 12


def test_overview_filters_change_the_numbers(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch)
    # SEV4 (P4, SEV4 and 'low' as exported): INC-302 25 min, INC-308 50 min, INC-309 220 min,
    # INC-311 90 min = 385 min = 6 h 25 min.
    at.multiselect(key="overview_severities").select(4).run()
    assert metrics(at)["Finished incidents"] == "4"
    assert metrics(at)["Outage"] == "6 h 25 min"
    assert set(at.dataframe[0].value["incident_id"]) == {"INC-302", "INC-308", "INC-309", "INC-311"}

    at.multiselect(key="overview_severities").unselect(4).run()
    # Exports: INC-307 and the ongoing INC-312, counted apart.
    at.selectbox(key="overview_service").select("exports").run()
    assert metrics(at)["Finished incidents"] == "1"
    assert deltas(at)["Finished incidents"].startswith("+ 1 ongoing: ")

    at.selectbox(key="overview_service").select(None).run()
    # July holds only the billing outage: 10:20 to 11:00 = 40 min, as on its own page; 25 quiet
    # accounts.
    at.segmented_control(key="overview_preset").set_value("Dates…").run()
    at.date_input[0].set_value((date(2026, 7, 1), date(2026, 7, 31)))
    at.button[0].click().run()  # the form's Apply (Enter in the browser)
    assert metrics(at)["Finished incidents"] == "1"
    assert metrics(at)["Outage"] == "40 min"
    assert metrics(at)["Quiet accounts"] == "25"


def test_overview_row_opens_its_incident(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch)
    table = at.dataframe[0].value
    row = list(table["incident_id"]).index("INC-305")
    at.session_state["overview_table"] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    assert at.query_params == {"incident": "INC-305"}
    assert at.title[0].value == "INC-305 · Payment gateway timeouts in billing"


def test_incident_page_reads_its_query_parameter(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-305")
    assert at.title[0].value == "INC-305 · Payment gateway timeouts in billing"
    shown = metrics(at)
    assert shown["Outage"] == "40 min"  # 10:20 to 11:00
    assert shown["Tickets linked / suggested"].startswith("16 / ")  # 16 tickets marked L
    # 25 planted quiet accounts, of which 1 + 2 + 3 wrote a ticket: 19 silent.
    assert shown["Quiet accounts (silent)"] == "25 (19)"
    # Resolved 07-14 11:00, published 07-26 15:00: 12 days 4 hours = 12.2 days, past the 7.
    assert shown["Postmortem"] == "late"
    assert deltas(at)["Postmortem"] == "12.2 days after resolution"
    assert shown["Tickets: postmortem says / data shows"].startswith("12 / ")
    # Whom to call: the 19 silent quiet accounts of the billing outage among its 56 contacts, the
    # $52.7k enterprise account first; customers who wrote of double charges are there too.
    contacts = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert len(contacts) == 56 and list(contacts["priority"]) == list(range(1, 57))
    silent = contacts["why"].str.startswith("Went quiet without a word")
    assert silent.sum() == 19
    assert contacts["account_id"].iloc[0] == "ACC-2634" and silent.iloc[0]
    assert contacts["reasons"].map(lambda r: "trust_loss" in r).any()
    # Themes read as words in the Tickets and Themes tabs ("trust loss", not trust_loss).
    tickets = next(d.value for d in at.dataframe if "signals" in d.value.columns)
    assert tickets["signals"].str.contains("trust loss").any()
    assert not tickets["signals"].str.contains("_").any()
    themes = next(d.value for d in at.dataframe if "covered" in d.value.columns)
    assert "trust loss" in set(themes["theme"]) and not themes["theme"].str.contains("_").any()

    other = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-302")
    assert metrics(other)["Outage"] == "25 min"  # 02:10 to 02:35


def test_incident_page_opens_on_the_finished_incident_that_reached_most(demo_db, monkeypatch):
    # The data's last 90 days (from 2026-07-02) hold INC-305 to INC-312. INC-312, the newest,
    # is ongoing; of the finished ones the billing outage reached the most customers: 40
    # accounts wrote in and 19 went quiet without a word (INC-306: 16 + 0).
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py")
    assert at.title[0].value.startswith("INC-305 ")
    assert at.query_params == {"incident": "INC-305"}
    unknown = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="NOPE")
    assert "not in this database" in unknown.warning[0].value
    assert unknown.title[0].value.startswith("INC-305 ")
    # The Overview's period carries over: June alone holds INC-303 and INC-304, where the API
    # incident's 37 accounts outnumber the SSO outage's 25.
    june = open_app(demo_db, monkeypatch)
    june.segmented_control(key="overview_preset").set_value("Dates…").run()
    june.date_input[0].set_value((date(2026, 6, 1), date(2026, 6, 30)))
    june.button[0].click().run()
    june.switch_page("app_pages/incident.py").run()
    assert june.title[0].value.startswith("INC-304 ")


def test_picking_an_incident_updates_the_link(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-305")
    at.selectbox(key="incident_pick").select("INC-301").run()
    assert at.query_params == {"incident": "INC-301"}
    assert metrics(at)["Outage"] == "45 min"  # 14:05 to 14:50


def test_times_follow_the_chosen_zone(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-305")
    assert at.caption[0].value.startswith("SEV3 · started 2026-07-14 10:20 ·")
    at.selectbox(key="zone").select("Asia/Tokyo").run()
    # Tokyo is UTC+9 all year: 10:20 UTC is 19:20, 11:00 is 20:00.
    assert at.caption[0].value == (
        "SEV3 · started 2026-07-14 19:20 · resolved 2026-07-14 20:00 (Asia/Tokyo)"
        " · severity the customers' record suggests: SEV1"
    )


def test_contact_filters(demo_db, monkeypatch):
    downloads = deferred_downloads(monkeypatch)
    at = open_app(demo_db, monkeypatch, "app_pages/quiet_accounts.py")
    calls, silent = "Accounts to contact", "Silent quiet accounts"
    # 82 accounts over every incident: the 28 quiet ones (25 after INC-305, 3 after INC-304)
    # and 54 others whose tickets were urgent, showed trust loss or are open.
    assert (metrics(at)[calls], metrics(at)[silent]) == ("82", "19")
    assert "82 of 82 rows shown, first to call first" in [c.value for c in at.caption]
    at.selectbox(key="quiet_reason").select("silent_quiet").run()
    assert metrics(at)[calls] == "19"  # only INC-305 has silent ones
    listed = csv_rows(downloads["contact_list.csv"]())
    assert {r["incident"] for r in listed} == {"INC-305"} and len(listed) == 19
    assert all(r["reasons"].startswith("went quiet without a word") for r in listed)
    at.selectbox(key="quiet_segment").select("enterprise").run()
    assert metrics(at)[calls] == "4"  # INC-305's 5 enterprise quiet accounts, 1 of which wrote
    at.selectbox(key="quiet_reason").select(None).run()
    assert metrics(at)[calls] == "9"
    at.selectbox(key="quiet_segment").select(None).run()
    at.selectbox(key="quiet_incident").select("INC-304").run()
    assert metrics(at)[calls] == "10"  # its 3 quiet accounts and 7 ticket writers


def test_the_reason_filter_and_the_why_read_the_same_rows(demo_db, monkeypatch):
    downloads = deferred_downloads(monkeypatch)
    at = open_app(demo_db, monkeypatch, "app_pages/quiet_accounts.py")
    # contact_reasons' six rows, strongest first: the filter offers their words.
    words = [
        "went quiet without a word",
        "went quiet after writing in",
        "wrote of urgency",
        "wrote of lost trust",
        "ticket open",
        "still quiet",
    ]
    assert at.selectbox(key="quiet_reason").options == ["Any reason", *words]
    # Each of the 82 contacts' why says its reasons in those words, in that order: the CSV's
    # reasons column (the filter's words) is the why without its figures (the usage drop after
    # a quiet reason, the count before "ticket open"). Between them the rows use all six.
    listed = csv_rows(downloads["contact_list.csv"]())
    assert len(listed) == 82
    for row in listed:
        said = row["why"][0].lower() + row["why"][1:].removesuffix(".")
        bare = [re.sub(r"^\d+ | \(usage −\d+ %\)$", "", phrase) for phrase in said.split("; ")]
        assert bare == row["reasons"].split("; "), row["why"]
    assert {word for row in listed for word in row["reasons"].split("; ")} == set(words)


def test_contacts_show_the_top_rows_and_download_them_all(many_quiet_db, monkeypatch):
    downloads = deferred_downloads(monkeypatch)
    at = open_app(many_quiet_db, monkeypatch, "app_pages/quiet_accounts.py")
    calls = "Accounts to contact"
    assert metrics(at)[calls] == "501"
    # MRR 1000 + i for i = 0..499 (500 * 1000 + 499 * 500 / 2 = 624,750) and Q500's 1,500.
    assert metrics(at)["MRR at stake"] == "$626,250"
    assert "500 of 501 rows shown, first to call first; the CSV has them all" in [
        c.value for c in at.caption
    ]
    shown = next(d.value for d in at.dataframe if "why" in d.value.columns)
    # All silent and still quiet (weight 4): by MRR, Q500 (1,500), Q499 (1,499), ...; Q000
    # (1,000) is the one left out.
    assert len(shown) == 500
    assert list(shown["account_id"][:2]) == ["Q500", "Q499"]
    assert "Q000" not in set(shown["account_id"])
    listed = csv_rows(downloads["contact_list.csv"]())
    assert len(listed) == 501 and listed[-1]["account id"] == "Q000"
    assert listed[0]["account"] == "'=1+2 Top"  # a formula in a spreadsheet, kept as text
    # Rounded, the zone in the header, reasons in words.
    assert listed[0]["MRR ($)"] == "1500.0" and listed[0]["usage drop (%)"] == "100.0"
    assert "last ticket (UTC)" in listed[0]
    assert listed[0]["reasons"] == "went quiet without a word; still quiet"


def test_process_counts_postmortems(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/process.py")
    # Late: INC-305 (12.2 days) and INC-309 (9.1 days); missing: INC-303; INC-312 is ongoing.
    shown = metrics(at)
    assert (shown["On time"], shown["Late"], shown["Missing"]) == ("8", "2", "1")


def test_follow_ups_flag_the_billing_outage(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/follow_ups.py")
    coverage = at.dataframe[1].value.set_index("incident_id")
    # INC-305's four action items are all engineering's while its customers wrote of confusion
    # and workarounds; INC-301's went to engineering, product and support.
    assert coverage.loc["INC-305", "is_engineering_only"]
    assert coverage.loc["INC-305", "action_item_teams"] == "engineering"
    assert not coverage.loc["INC-301", "is_engineering_only"]
    uncovered = at.dataframe[0].value.set_index("theme")
    # Themes read as words on the page (the data keeps trust_loss).
    assert "INC-305" in uncovered.loc["trust loss", "incident_ids"]


def test_status_page_only_load_says_there_are_no_tickets(status_page_db, monkeypatch):
    at = open_app(status_page_db, monkeypatch)
    shown, said = metrics(at), deltas(at)
    assert shown["Finished incidents"] == "1"
    # A value not measured is a dash, what it needs in the caption below it.
    assert (shown["Related tickets"], said["Related tickets"]) == ("–", "no tickets loaded")
    assert (shown["Quiet accounts"], said["Quiet accounts"]) == ("–", "needs usage")
    # Not "1 h 30 min" (the outage) nor "+0.0 h vs outage": nothing about customers was measured.
    assert (shown["Customer impact"], said["Customer impact"]) == ("–", "needs tickets")
    at.switch_page("app_pages/incident.py").run()
    shown, said = metrics(at), deltas(at)
    assert shown["Outage"] == "1 h 30 min"
    for card in ("Customer impact", "Comms gap", "Who spoke first"):
        assert (shown[card], said[card]) == ("–", "needs tickets"), card
    assert any(
        "severity the customers' record suggests: needs tickets" in c.value for c in at.caption
    )
    assert "No tickets are loaded" in infos(at)
    at.switch_page("app_pages/quiet_accounts.py").run()
    assert "needs the `usage` table" in infos(at)


def test_the_timeline_stars_the_update_the_sql_reads_as_resolved(status_page_db, monkeypatch):
    at = open_app(status_page_db, monkeypatch, "app_pages/incident.py", incident="S-1")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    (updates,) = [t for t in figure["data"] if t["name"].startswith("status page updates")]
    # S-1 said "investigating" at 10:10, then "resolved" at 11:30: the second is the star.
    assert updates["marker"]["symbol"] == ["triangle-down", "star"]


def test_an_ongoing_outage_band_ends_where_its_minutes_do(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-312")
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    (outage,) = [s for s in figure["layout"]["shapes"] if s.get("name", "").startswith("outage")]
    # INC-312 is ongoing: started 07:45, measured to the data's end at 23:41:59 (its 15 h 57 min
    # so far), not to the last hour of tickets (23:00).
    assert (outage["x0"], outage["x1"]) == (
        "2026-09-30T07:45:00",
        "2026-09-30T23:41:59",
    )


def test_a_new_load_shows_on_the_next_run(tmp_path, monkeypatch):
    def incidents(*ids: str) -> dict[str, str]:
        rows = "".join(f"{i},Outage {i},2026-03-0{n + 1}T10:00:00Z\n" for n, i in enumerate(ids))
        return {
            "incidents.csv": "incident_id,title,started_at\n" + rows,
            "tickets.csv": "ticket_id,created_at\n",
        }

    db = tmp_path / "swap.duckdb"
    load(write_exports(tmp_path / "first", incidents("A-1")), db)
    at = open_app(db, monkeypatch)
    assert len(at.dataframe[0].value) == 1
    # `aftermath load` swaps in a new file: the cached connection and results must not stay.
    load(write_exports(tmp_path / "second", incidents("A-1", "A-2", "A-3")), db)
    at.run()
    assert len(at.dataframe[0].value) == 3


def test_a_database_from_an_older_version_says_so(status_page_db, tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    db.write_bytes(status_page_db.read_bytes())
    con = duckdb.connect(str(db))
    con.execute("drop table incident_impact")
    con.close()
    monkeypatch.setenv("AFTERMATH_DB", str(db))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert "older version of Aftermath" in at.error[0].value


def test_chart_labels_show_export_text_as_text():
    incidents = pd.DataFrame(
        {
            "incident_id": ["X-1"],
            "title": ['<a href="https://evil.example">Pay</a> & <b>more</b>'],
            "severity": [2],
            "is_ongoing": [False],
            "outage_minutes": [30.0],
            "customer_impact_minutes": [90.0],
            "impact_ratio": [3.0],
            "affected_accounts": [4],
        }
    )
    hover = overview_charts.impact_scatter(incidents).data[1].hovertext[0]
    # Plotly reads <a>, <b> and entities in labels: the title arrives escaped, our markup not.
    assert (
        '&lt;a href="https://evil.example"&gt;Pay&lt;/a&gt; &amp; &lt;b&gt;more&lt;/b&gt;' in hover
    )
    assert hover.startswith("<b>X-1</b>")
    assert "customer impact: 1 h 30 min (3.0× the outage)" in hover


def test_customer_text_is_shown_as_text(hostile_db, monkeypatch):
    at = open_app(hostile_db, monkeypatch, "app_pages/incident.py", incident="H-1")
    tickets = next(d.value for d in at.dataframe if "subject" in d.value.columns)
    assert tickets["subject"].tolist() == [HOSTILE]  # verbatim, as a table cell
    rendered = [m.value for m in [*at.markdown, *at.caption, *at.info, *at.warning]]
    # Only the report's preview renders Markdown with it, escaped: no tag, link or emphasis.
    assert not any("<script>" in text or "](" in text or "**bold**" in text for text in rendered)
    assert any(r"\<script\>alert(1)\</script\>" in text for text in rendered)
    assert not any(m.proto.allow_html for m in at.markdown)


def test_undeclared_lists_the_bank_feed_surge_and_its_tickets(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/undeclared.py")
    # The one planted undeclared surge (data/demo/README.md): 47 tickets above normal, 49
    # accounts over 3 hours = 147 customer-hours, MRR 63,945.18.
    assert metrics(at) == {
        "Undeclared surges": "1",
        "Tickets above normal": "47",
        "Customer-hours": "147",
        "MRR of the accounts writing in": "$63,945",
    }
    surges, tickets = at.dataframe[0].value, at.dataframe[1].value
    assert list(surges["surge_id"]) == ["S-20260924-09"]
    assert len(tickets) == 50
    assert "Bank feed stopped updating" in set(tickets["subject"])
    assert at.tabs[0].markdown[0].value.startswith("## Ticket surge S-20260924-09")


def test_overview_points_at_what_nobody_declared(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch)
    [link] = at.get("page_link")
    assert "1 ticket surge with no incident, 49 accounts writing in" in link.proto.label


def test_incident_page_says_how_far_tickets_rose(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch, "app_pages/incident.py", incident="INC-305")
    # 13 tickets from 10:00 against 1 usual for a Tuesday 10:00.
    assert any(
        c.value.startswith("Tickets rose to 13 × normal at 10:00 (13 in the hour; surge S-2026")
        for c in at.caption
    )


def test_trends_carry_the_overview_filters_and_show_response_times(demo_db, monkeypatch):
    at = open_app(demo_db, monkeypatch)
    at.selectbox(key="overview_service").select("exports").run()
    at.switch_page("app_pages/trends.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="overview_service").value == "exports"
    monthly, percentiles, per_incident = (at.dataframe[i].value for i in (0, 1, 2))
    # Exports: INC-307 (August, 105 min) and the ongoing INC-312 (September), counted apart: in
    # no month's sums, so September's outage is 0 h, not its 16 h so far, and its quiet MRR
    # empty (not judged), not $0.
    by_month = monthly.set_index("month")
    assert list(by_month["incidents"]) == [0, 0, 0, 0, 1, 0]
    assert list(by_month["ongoing_incidents"]) == [0, 0, 0, 0, 0, 1]
    assert list(by_month["outage_hours"]) == [0, 0, 0, 0, 1.75, 0]
    assert pd.isna(by_month.loc[pd.Timestamp("2026-09-01"), "quiet_mrr"])
    assert by_month.loc[pd.Timestamp("2026-08-01"), "quiet_mrr"] == 0  # judged: nobody quiet
    assert any(
        "1 ongoing incident (figures so far) in no month's sums" in c.value for c in at.caption
    )
    # The undeclared surge of September is there whatever the service.
    assert list(monthly["undeclared_surges"]) == [0, 0, 0, 0, 0, 1]
    assert sorted(per_incident["incident_id"]) == ["INC-307", "INC-312"]
    times = percentiles.set_index("response_time")
    assert times.loc["time to resolve", "measured_incidents"] == 1  # INC-312 is ongoing
    assert times.loc["time to resolve", "median_minutes"] == 105  # INC-307 15:40 -> 17:25

    at.selectbox(key="overview_service").select(None).run()
    times = at.dataframe[1].value.set_index("response_time")
    # Acknowledged (data/demo/README.md), sorted: 4 9 10 11 12 15 17 18 19 28 58 112 minutes.
    # Median (15 + 17) / 2 = 16; p90 at position 1 + 0.9 x 11 = 10.9: 28 + 0.9 x (58 - 28) = 55.
    assert times.loc["time to acknowledge"].to_dict() == {
        "measured_incidents": 12,
        "median_minutes": 16.0,
        "p90_minutes": pytest.approx(55.0),
    }


SUSPECT_COLUMNS = ["incident_id", "ticket_id", "account_id", "created_at", "subject", "reason"]


def test_suspect_links_are_listed_on_the_incident_and_process_pages(tmp_path, monkeypatch):
    # T_OLD is linked to I1 but created 90 days before it started; T1 came during it.
    folder = write_exports(
        tmp_path / "in",
        {
            "incidents.csv": "incident_id,title,started_at,resolved_at\n"
            "I1,Checkout failures,2026-07-14T10:00:00Z,2026-07-14T11:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,subject,incident_id\n"
            "T1,2026-07-14T10:30:00Z,Checkout broken,I1\n"
            "T_OLD,2026-04-15T10:00:00Z,Old question,I1\n",
        },
    )
    load(folder, tmp_path / "s.duckdb")
    at = open_app(tmp_path / "s.duckdb", monkeypatch, "app_pages/incident.py", incident="I1")
    assert metrics(at)["Customer impact"] == "1 h"  # 10:00-11:00, not from April
    assert metrics(at)["Tickets linked / suggested"] == "1 / 0"
    (suspects,) = [d.value for d in at.dataframe if list(d.value.columns) == SUSPECT_COLUMNS]
    assert list(suspects["ticket_id"]) == ["T_OLD"]
    at.switch_page("app_pages/process.py").run()
    (suspects,) = [d.value for d in at.dataframe if list(d.value.columns) == SUSPECT_COLUMNS]
    assert list(suspects["ticket_id"]) == ["T_OLD"]


AMBIGUOUS_COLUMNS = [
    "incident_id",
    "ticket_id",
    "account_id",
    "created_at",
    "subject",
    "reason",
    "other_reasons",
]


def test_ambiguous_tickets_are_listed_on_the_incident_and_process_pages(tmp_path, monkeypatch):
    # Two overlapping incidents; AMB carries "declined" (I1's title) and "sign" (I2's), words the
    # one ordinary ticket (O1, a week before) does not use: it fits both equally, so it is
    # suggested for neither and listed.
    folder = write_exports(
        tmp_path / "in",
        {
            "incidents.csv": "incident_id,title,services,started_at,resolved_at\n"
            "I1,Card payments declined,billing,2026-03-04T10:00:00Z,2026-03-04T11:00:00Z\n"
            "I2,Single sign-on failing,login,2026-03-04T10:30:00Z,2026-03-04T12:00:00Z\n",
            "tickets.csv": "ticket_id,created_at,subject,incident_id\n"
            "O1,2026-02-25T10:00:00Z,Question about my invoice,\n"
            "P1,2026-03-04T10:10:00Z,Card refused,I1\n"
            "AMB,2026-03-04T10:55:00Z,Checkout declined and sign-in down,\n",
        },
    )
    load(folder, tmp_path / "a.duckdb")
    at = open_app(tmp_path / "a.duckdb", monkeypatch, "app_pages/incident.py", incident="I2")
    assert metrics(at)["Tickets linked / suggested"] == "0 / 0"
    (listed,) = [d.value for d in at.dataframe if list(d.value.columns) == AMBIGUOUS_COLUMNS]
    assert listed[["ticket_id", "reason", "other_reasons"]].values.tolist() == [
        ["AMB", "title words: sign", "I1: title words: declined"]
    ]
    at.switch_page("app_pages/process.py").run()
    (listed,) = [d.value for d in at.dataframe if list(d.value.columns) == AMBIGUOUS_COLUMNS]
    # Newest incident first: I2 started 10:30, I1 10:00.
    assert listed[["incident_id", "ticket_id"]].values.tolist() == [["I2", "AMB"], ["I1", "AMB"]]


def test_incident_page_calls_the_silent_quiet_first(quiet_db, monkeypatch):
    at = open_app(quiet_db, monkeypatch, "app_pages/incident.py", incident="I1")
    contacts = next(d.value for d in at.dataframe if "why" in d.value.columns)
    # Worked out in tests/test_quiet_accounts.py: MRR x reason weight, A_DROP 5000 x 4 = 20,000,
    # A_RECOVER 4000 x 3 = 12,000, A_EDGE 1200 x 3 = 3,600, A_GAPS 300 x 4 = 1,200, A_TICKET
    # (one open ticket, no usage) 50 x 1 = 50. Three silent quiet accounts, $10,550 in all.
    assert list(contacts["account_id"]) == ["A_DROP", "A_RECOVER", "A_EDGE", "A_GAPS", "A_TICKET"]
    assert list(contacts["priority"]) == [1, 2, 3, 4, 5]
    # The score the order follows is beside the rank.
    assert list(contacts["call_score"]) == [20_000, 12_000, 3_600, 1_200, 50]
    assert contacts["why"].iloc[0] == ("Went quiet without a word (usage −80 %); still quiet.")
    assert (
        "5 accounts, $10,550 MRR, 3 of them silent quiet; first to call first "
        "(score: MRR × the strength of the reasons)." in [c.value for c in at.caption]
    )


def test_incident_page_shows_the_check_a_week_later(quiet_db, monkeypatch):
    at = open_app(quiet_db, monkeypatch, "app_pages/incident.py", incident="I1")
    # Worked out in tests/test_quiet_accounts.py (test_week_later_check): I1 checked 2026-03-09
    # 14:00; still quiet A_DROP, A_EDGE, A_GAPS, A_RECOVER; A_EDGE wrote again; T2 still open;
    # AI1 and AI3 overdue.
    shown = metrics(at)
    assert [shown[k] for k in WEEK_LATER] == ["4", "1", "1", "2"]
    # Each figure says as of when: the check, not today.
    assert {deltas(at)[k] for k in WEEK_LATER} == {"as of 2026-03-09 14:00"}
    assert "**A week later** (the check 7 days after resolution, 2026-03-09 14:00, UTC)" in [
        m.value for m in at.markdown
    ]
    ongoing = open_app(quiet_db, monkeypatch, "app_pages/incident.py", incident="I9")
    # I9 is ongoing: no check yet, so neither account count; nothing open, nothing overdue.
    assert [metrics(ongoing)[k] for k in WEEK_LATER] == ["–", "–", "0", "0"]


WEEK_LATER = (
    "Still quiet",
    "Wrote again",
    "Related tickets still open",
    "Action items overdue at the check",
)
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def shown_headers(frame) -> list[str]:
    """The headers a person sees on an st.dataframe: its labels, hidden columns left out."""
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order) or list(frame.value.columns)
    headers = []
    for name in order:
        column = config.get(name, {})
        if not column.get("hidden"):
            headers.append(column.get("label", name))
    return headers


def shown_text(at: AppTest) -> list[str]:
    """Every text of the page a person reads outside tables: cards, captions, notes, titles."""
    texts = [m.label for m in at.metric] + [m.value for m in at.metric]
    texts += [m.proto.delta for m in at.metric]
    for kind in (at.title, at.subheader, at.caption, at.info, at.success, at.warning):
        texts += [e.value for e in kind]
    return texts


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("db_name", ["demo_db", "status_page_db"])
def test_no_page_shows_none_or_a_snake_case_header(page, db_name, request, monkeypatch):
    at = open_app(request.getfixturevalue(db_name), monkeypatch, page, incident="INC-305")
    for frame in at.dataframe:
        # A missing value reads '–' (st.dataframe shows "None" unless told otherwise).
        assert frame.proto.placeholder == "–"
        headers = shown_headers(frame)
        assert not [h for h in headers if SNAKE_CASE.match(h)], headers
        value = frame.value
        config = json.loads(frame.proto.columns or "{}")
        shown = [c for c in frame.proto.column_order or value.columns if c in value.columns]
        for name in shown:
            if value[name].dtype == object and not config.get(name, {}).get("hidden"):
                # A missing value stays missing in the data (a CSV cell stays empty) and the
                # placeholder shows it; no text stands in for it.
                assert not {"None", "nan", "–"} & set(value[name].dropna().astype(str)), name
    texts = shown_text(at)
    assert not [t for t in texts if re.search(r"\bNone\b|\bnan\b", t)], texts


def test_page_text_follows_the_settings_of_the_load(tmp_path, monkeypatch):
    folder = quiet_exports(tmp_path / "exports")
    load(folder, tmp_path / "default.duckdb")
    load(folder, tmp_path / "thirty.duckdb", DEFAULTS.with_overrides(["quiet_drop_pct=30"]))
    default = open_app(tmp_path / "default.duckdb", monkeypatch, "app_pages/quiet_accounts.py")
    thirty = open_app(tmp_path / "thirty.duckdb", monkeypatch, "app_pages/quiet_accounts.py")
    assert "at least 50 % below" in default.caption[0].value
    assert "at least 30 % below" in thirty.caption[0].value
    overview = open_app(tmp_path / "thirty.duckdb", monkeypatch)
    quiet = next(m for m in overview.metric if m.label == "Quiet accounts")
    assert "at least 30 %" in quiet.proto.help
