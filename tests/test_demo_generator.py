"""The demo generator: same seed, same bytes; the files a user would export; the planted stories.

Expected numbers are the planted facts of data/demo/README.md (default seed). The quiet-account
check re-derives the contract's definition in numpy straight from usage.parquet, independent of
the SQL in queries/, and holds it to the accounts the generator planted.
"""

import csv
import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from aftermath import schema
from aftermath.demo import BAD_DATE_VALUE, DEFAULT_SEED, FEATURES, write_demo
from tests.helpers import PROJECT_DIR, rows

FILES = (
    "incidents.json",
    "status_updates.jsonl",
    "postmortems.json",
    "action_items.csv",
    "tickets.csv",
    "ticket_events.jsonl",
    "accounts.csv",
    "usage.parquet",
)
BILLING = "INC-305"
FIRST_DAY = date(2026, 4, 1)
DAYS = 183  # 2026-04-01 .. 2026-09-30


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo_generator")
    write_demo(folder)
    return folder


@pytest.fixture(scope="module")
def truth(demo: Path) -> dict:
    return json.loads((demo / "truth.json").read_text())


def read(folder: Path, name: str) -> list[dict]:
    """Rows of one JSON, JSON-lines or CSV export, values as the file has them."""
    path = folder / name
    if name.endswith(".json"):
        return json.loads(path.read_text())
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in path.read_text().splitlines()]
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def at(text: str) -> datetime:
    """A timestamp of the export as naive UTC, offsets converted (the loader's reading)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


@pytest.fixture(scope="module")
def tickets(demo: Path) -> list[dict]:
    return read(demo, "tickets.csv")


@pytest.fixture(scope="module")
def billing_tickets(tickets: list[dict], truth: dict) -> list[dict]:
    caused = {t for t, i in truth["ticket_incident"].items() if i == BILLING}
    return sorted((t for t in tickets if t["ticket_id"] in caused), key=lambda t: t["created_at"])


def test_same_seed_gives_byte_identical_files_in_another_process(demo: Path, tmp_path: Path):
    # another process with another string hash seed: no set or dict order may leak into a file
    again = tmp_path / "again"
    code = "import sys, pathlib; from aftermath.demo import write_demo; "
    code += "write_demo(pathlib.Path(sys.argv[1]))"
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-c", code, str(again)], check=True, env=env, cwd=PROJECT_DIR)
    names = sorted(p.name for p in demo.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (demo / name).read_bytes() == (again / name).read_bytes(), name


def test_another_seed_gives_other_data_but_the_same_stories(truth: dict, tmp_path: Path):
    write_demo(tmp_path, seed=DEFAULT_SEED + 1)
    other = json.loads((tmp_path / "truth.json").read_text())
    assert other["ticket_incident"] != truth["ticket_incident"]
    assert other["planted_quiet"] != truth["planted_quiet"]
    for incident_id, facts in truth["incidents"].items():
        for key in ("caused_tickets", "linked_tickets", "impact_end_at", "quiet_accounts"):
            assert other["incidents"][incident_id][key] == facts[key], (incident_id, key)


def test_every_contract_table_is_written_with_contract_columns(demo: Path):
    assert sorted(p.name for p in demo.iterdir()) == sorted((*FILES, "truth.json"))
    for name in FILES:
        spec = schema.TABLES[name.split(".")[0]]
        if name.endswith(".parquet"):
            columns = set(pq.read_schema(demo / name).names)
        else:
            data = read(demo, name)
            columns = set(data[0])
            assert all(set(row) == columns for row in data), name
        assert columns <= set(spec.column_names), name
        assert {c.name for c in spec.columns if c.required} <= columns, name


def test_row_counts(demo: Path, truth: dict):
    counts = {name: len(read(demo, name)) for name in FILES if name != "usage.parquet"}
    counts["usage.parquet"] = pq.read_metadata(demo / "usage.parquet").num_rows
    assert counts == truth["row_counts"]
    assert counts["incidents.json"] == 12
    # 4 updates for 7 incidents, 3 for INC-309, INC-311, INC-312, 2 for INC-302, INC-308,
    # none for INC-310: 28 + 9 + 4
    assert counts["status_updates.jsonl"] == 37
    # INC-301..312: 3 + 1 + 0 + 5 + 4 + 2 + 2 + 1 + 2 + 1 + 1 + 0
    assert counts["action_items.csv"] == 22
    assert counts["postmortems.json"] == 10  # none for INC-303 (missing) and INC-312 (ongoing)
    assert counts["accounts.csv"] == 2000
    # The fixed seed's draws: about 30 tickets a day over 183 days, 2.6 comments a ticket.
    assert counts["tickets.csv"] == 5457
    assert counts["ticket_events.jsonl"] == 14044
    assert counts["usage.parquet"] == 1_287_025
    assert sum(not t["account_id"] for t in read(demo, "tickets.csv")) == 17  # prospects


def test_accounts_have_segments_and_a_realistic_mrr_spread(demo: Path):
    accounts = read(demo, "accounts.csv")
    by_segment: dict[str, list[float]] = {}
    for a in accounts:
        by_segment.setdefault(a["segment"], []).append(float(a["mrr"]))
    assert {s: len(v) for s, v in by_segment.items()} == {
        "Enterprise": 140,
        "Mid-Market": 560,
        "SMB": 1300,
    }
    # Lognormal around a median per segment (15,000 / 2,500 / 250), clipped to the plan's range
    # (Mid-Market 800..9,500 and SMB 29..990 reach their clips); the fixed seed's lowest, middle
    # and highest MRR.
    spread = {}
    for segment, mrr in by_segment.items():
        mrr = sorted(mrr)
        spread[segment] = (mrr[0], mrr[len(mrr) // 2], mrr[-1])
    assert spread == {
        "Enterprise": (4780.38, 14798.57, 60262.89),
        "Mid-Market": (800.0, 2441.17, 9500.0),
        "SMB": (38.37, 255.53, 990.0),
    }
    assert len({a["account_id"] for a in accounts}) == len({a["name"] for a in accounts}) == 2000


def test_background_tickets_follow_office_hours_and_weekdays(tickets: list[dict]):
    created = [at(t["created_at"]) for t in tickets if t["created_at"] != BAD_DATE_VALUE]
    per_day: dict[date, int] = {}
    per_hour = [0] * 24
    for moment in created:
        per_day[moment.date()] = per_day.get(moment.date(), 0) + 1
        per_hour[moment.hour] += 1
    weekday = [n for d, n in per_day.items() if d.weekday() < 5]
    weekend = [n for d, n in per_day.items() if d.weekday() >= 5]
    assert len(created) == 5456  # 29.8 a day over 183 days; one ticket's date is the bad one
    assert sum(weekday) / len(weekday) > 2.5 * sum(weekend) / len(weekend)
    assert max(per_hour) > 4 * min(per_hour)


@pytest.fixture(scope="module")
def cube(demo: Path) -> tuple[list[str], np.ndarray]:
    """Usage as an (account, feature, day) array, zeros where the export has no row."""
    table = pq.read_table(demo / "usage.parquet")
    accounts = sorted(a["account_id"] for a in read(demo, "accounts.csv"))
    a = pc.index_in(table["account_id"], value_set=pa.array(accounts)).to_numpy()
    f = pc.index_in(table["feature"], value_set=pa.array(FEATURES)).to_numpy()
    d = (table["day"].to_numpy() - np.datetime64(FIRST_DAY.isoformat())).astype(int)
    values = table["value"].to_numpy()
    cube = np.zeros((len(accounts), len(FEATURES), DAYS))
    cube[a, f, d] = values
    assert (values > 0).all()
    assert len(np.unique((a * len(FEATURES) + f) * DAYS + d)) == len(values)  # one row per key
    return accounts, cube


def test_usage_has_a_weekly_rhythm_over_the_whole_period_for_every_account(cube):
    accounts, usage = cube
    per_day = usage.sum(axis=(0, 1))
    weekdays = np.array([(FIRST_DAY + timedelta(days=d)).weekday() for d in range(DAYS)])
    assert per_day[weekdays >= 5].mean() < 0.5 * per_day[weekdays < 5].mean()
    per_account = usage.sum(axis=1)
    assert (per_account[:, :7].sum(axis=1) > 0).all()  # everyone active in the first week
    assert (per_account[:, -7:].sum(axis=1) > 0).all()  # and in the last


def quiet_reference(
    usage: np.ndarray, accounts: list[str], incident: dict, openers: set[str], measure: str
) -> dict[str, set[str]]:
    """The contract's quiet-account rule, in numpy. measure: 'affected' or 'all' features."""
    start = (at(incident["started_at"]).date() - FIRST_DAY).days
    resolved = (at(incident["resolved_at"]).date() - FIRST_DAY).days
    scoped = [FEATURES.index(s) for s in incident["services"] if s in FEATURES]
    touched = scoped or list(range(len(FEATURES)))  # no feature named: every feature counts
    exposed = usage[:, touched, start - 7 : start].sum(axis=(1, 2)) > 0
    exposed |= np.isin(accounts, sorted(openers))
    daily = usage[:, touched if measure == "affected" else slice(None), :].sum(axis=1)
    baseline = daily[:, start - 28 : start].mean(axis=1)
    before = daily[:, start - 7 : start].mean(axis=1)
    after = daily[:, resolved + 1 : resolved + 15].mean(axis=1)
    recovery = daily[:, resolved + 15 : resolved + 31].mean(axis=1)
    judged = exposed & (baseline >= 1)
    already = judged & (before <= 0.5 * baseline)
    quiet = judged & ~already & (after <= 0.5 * baseline)
    names = np.array(accounts)
    return {
        "quiet": set(names[quiet]),
        "already_quiet": set(names[already]),
        "recovered": set(names[quiet & (recovery >= 0.8 * baseline)]),
    }


@pytest.mark.parametrize("measure", ["affected", "all"])
def test_quiet_accounts_are_exactly_the_planted_ones(demo, truth, tickets, cube, measure):
    accounts, usage = cube
    incidents = {i["incident_id"]: i for i in read(demo, "incidents.json")}
    account_of = {t["ticket_id"]: t["account_id"] for t in tickets}
    for incident_id, incident in incidents.items():
        if incident["resolved_at"] is None:
            continue  # ongoing: no days after resolution to measure
        openers = {account_of[t] for t, i in truth["ticket_incident"].items() if i == incident_id}
        found = quiet_reference(usage, accounts, incident, openers, measure)
        assert found["quiet"] == set(truth["planted_quiet"][incident_id]), incident_id
        assert found["quiet"] - openers == set(truth["planted_silent_quiet"][incident_id])
        assert found["already_quiet"] == set(truth["planted_already_quiet"][incident_id])
        assert found["recovered"] == set(truth["planted_recovered"][incident_id])
    # INC-305: 25 quiet (6 wrote a ticket, 19 silent), 8 back by day 30, 6 already quiet before;
    # INC-304: 3 quiet, all wrote a ticket, 2 back
    assert [len(truth["planted_quiet"][i]) for i in (BILLING, "INC-304")] == [25, 3]
    assert [len(truth["planted_silent_quiet"][i]) for i in (BILLING, "INC-304")] == [19, 0]
    assert [len(truth["planted_recovered"][i]) for i in (BILLING, "INC-304")] == [8, 2]
    assert len(truth["planted_already_quiet"][BILLING]) == 6


def test_billing_quiet_accounts_drop_at_least_70_pct_on_billing(truth, cube):
    accounts, usage = cube
    billing = usage[:, FEATURES.index("billing"), :]
    start = (date(2026, 7, 14) - FIRST_DAY).days
    recovered = set(truth["planted_recovered"][BILLING])
    for account in truth["planted_quiet"][BILLING]:
        row = billing[accounts.index(account)]
        baseline = row[start - 28 : start].mean()
        assert row[start + 1 : start + 15].mean() <= 0.3 * baseline, account
        later = row[start + 15 : start + 31].mean() / baseline
        assert (later >= 0.8) if account in recovered else (later <= 0.3), account


def test_silent_quiet_billing_accounts_include_big_enterprise_customers(demo, truth, tickets):
    accounts = {a["account_id"]: a for a in read(demo, "accounts.csv")}
    silent = truth["planted_silent_quiet"][BILLING]
    enterprise = sorted(float(a["mrr"]) for a in accounts.values() if a["segment"] == "Enterprise")
    top_decile = enterprise[-14]
    assert sum(float(accounts[a]["mrr"]) >= top_decile for a in silent) == 4
    # silent means silent: no ticket at all from the start of the outage to the end of the data
    since = datetime(2026, 7, 14, 9, 50)
    assert not [t for t in tickets if t["account_id"] in silent and t["created_at"] >= str(since)]


def test_billing_outage_lasts_40_minutes_and_is_declared_sev3(demo):
    incident = next(i for i in read(demo, "incidents.json") if i["incident_id"] == BILLING)
    assert incident["severity"] == "SEV3"
    assert incident["services"] == ["billing"]
    assert at(incident["started_at"]) == datetime(2026, 7, 14, 10, 20)
    assert at(incident["resolved_at"]) - at(incident["started_at"]) == timedelta(minutes=40)


def test_billing_tickets_keep_coming_after_resolution_until_1630(billing_tickets):
    resolved = datetime(2026, 7, 14, 11, 0)
    created = [at(t["created_at"]) for t in billing_tickets]
    assert len(created) == 43
    assert created[0] == datetime(2026, 7, 14, 10, 24)
    assert sum(c <= resolved for c in created) == 13
    after = [c for c in created if c > resolved]
    run, previous = [], resolved
    for moment in after:
        if moment - previous >= timedelta(hours=2):
            break
        run.append(moment)
        previous = moment
    # 16 tickets after 11:00, each within 2 hours of the one before; the longest gap is
    # 14:10 -> 15:48 (98 minutes); the next ticket, 18:45, comes 135 minutes after 16:30
    assert len(run) == 16
    assert run[-1] == datetime(2026, 7, 14, 16, 30)
    gaps = [b - a for a, b in zip([resolved, *run], run, strict=False)]
    assert max(gaps) == timedelta(minutes=98)
    assert after[16] == datetime(2026, 7, 14, 18, 45)
    # long tail: 07-22 09:40, 07-24 15:10, 07-30 11:25 are more than 7 days after 11:00
    assert sum(c > resolved + timedelta(days=7) for c in created) == 3


def test_billing_tickets_only_partly_linked_and_the_rest_findable(billing_tickets):
    linked = [t for t in billing_tickets if t["incident_id"] == BILLING]
    unlinked = [t for t in billing_tickets if not t["incident_id"]]
    assert (len(linked), len(unlinked)) == (16, 27)
    for ticket in unlinked:
        text = f"{ticket['subject']} {ticket['description']}".lower()
        assert re.search(r"billing|charge|invoice|payment", text), ticket["ticket_id"]
        assert at(ticket["created_at"]) <= datetime(2026, 7, 17, 11, 0)  # inside 72 hours


def test_billing_tickets_carry_every_signal(billing_tickets):
    text = [f"{t['subject']} {t['description']}".lower() for t in billing_tickets]
    for words in (
        ("charged twice", "refund", "cancel"),
        ("by hand", "spreadsheet", "personal card"),
        ("payroll", "invoice due"),
        ("did it go through", "not sure if"),
    ):
        assert sum(any(w in t for w in words) for t in text) >= 5, words


def test_customers_wrote_before_the_status_page_and_after_it_said_resolved(demo, billing_tickets):
    updates = [u for u in read(demo, "status_updates.jsonl") if u["incident_id"] == BILLING]
    assert [(at(u["posted_at"]).strftime("%H:%M"), u["status"]) for u in updates] == [
        ("10:41", "investigating"),
        ("10:50", "identified"),
        ("10:56", "monitoring"),
        ("11:00", "resolved"),
    ]
    assert at(billing_tickets[0]["created_at"]) < at(updates[0]["posted_at"])
    assert not [u for u in updates if re.search(r"charge|refund|twice", u["body"].lower())]


def test_billing_customers_keep_commenting_for_days(demo, billing_tickets):
    ids = {int(t["ticket_id"]) for t in billing_tickets}
    later = [
        e
        for e in read(demo, "ticket_events.jsonl")
        if e["ticket_id"] in ids
        and e["author_role"] == "customer"
        and at(e["created_at"]) > datetime(2026, 7, 21, 11, 0)
    ]
    assert len(later) >= 5


def test_billing_postmortem_is_late_undercounts_and_names_only_a_few(demo, truth):
    postmortem = next(p for p in read(demo, "postmortems.json") if p["incident_id"] == BILLING)
    published = at(postmortem["published_at"])
    assert published == datetime(2026, 7, 26, 15, 0)  # written as 17:00+02:00
    assert published - datetime(2026, 7, 14, 11, 0) > timedelta(days=12)
    assert postmortem["stated_ticket_count"] == 12  # against 43 tickets caused
    assert len(postmortem["affected_accounts"]) == 4
    assert not set(postmortem["affected_accounts"]) & set(truth["planted_silent_quiet"][BILLING])


def test_billing_action_items_are_all_engineering_and_miss_the_complaints(demo):
    items = [a for a in read(demo, "action_items.csv") if a["incident_id"] == BILLING]
    assert len(items) == 4
    assert {a["team"] for a in items} == {"Engineering"}
    for item in items:
        text = f"{item['title']} {item['description']} {item['tags']}".lower()
        assert not re.search(r"charge|refund|invoice|customer|manual|hand|double", text)


def test_other_stories(demo, truth):
    incidents = {i["incident_id"]: i for i in read(demo, "incidents.json")}
    postmortems = {p["incident_id"] for p in read(demo, "postmortems.json")}
    updated = {u["incident_id"] for u in read(demo, "status_updates.jsonl")}
    facts = truth["incidents"]
    # the one done right: on time, and it names exactly the accounts that wrote in
    accounts = {t["ticket_id"]: t["account_id"] for t in read(demo, "tickets.csv")}
    wrote = {accounts[t] for t, i in truth["ticket_incident"].items() if i == "INC-301"}
    named = next(p for p in read(demo, "postmortems.json") if p["incident_id"] == "INC-301")
    assert set(named["affected_accounts"]) == wrote and len(wrote) == 5
    assert named["stated_ticket_count"] == facts["INC-301"]["caused_tickets"] == 5
    # a 25-minute search blip at night: one ticket, nobody quiet, postmortem the next day
    assert facts["INC-302"]["outage_minutes"] == 25
    assert facts["INC-302"]["caused_tickets"] == 1
    assert facts["INC-302"]["postmortem_days_after_resolved"] == 1.35  # 05-21 11:00
    # the ongoing one: no resolution, a few linked tickets
    assert incidents["INC-312"]["resolved_at"] is None
    assert facts["INC-312"]["linked_tickets"] == 4
    # a significant login outage nobody wrote up
    assert facts["INC-303"]["caused_tickets"] == 25 and "INC-303" not in postmortems
    # status updates for all but the 15-minute API blip
    assert set(incidents) - updated == {"INC-310"}
    # two incidents overlapping on different services
    assert at(incidents["INC-308"]["started_at"]) < at(incidents["INC-307"]["resolved_at"])
    # severities in the words teams use
    assert {i["severity"] for i in incidents.values()} >= {"SEV2", "P3", "major", "minor"}


def test_exactly_two_bad_ticket_rows(demo, tickets, truth):
    incident_ids = {i["incident_id"] for i in read(demo, "incidents.json")}
    bad_dates = []
    for n, ticket in enumerate(tickets, start=1):
        try:
            at(ticket["created_at"])
        except ValueError:
            bad_dates.append((n, ticket["ticket_id"], "created_at", ticket["created_at"]))
    bad_refs = [
        (n, t["ticket_id"], "incident_id", t["incident_id"])
        for n, t in enumerate(tickets, start=1)
        if t["incident_id"] and t["incident_id"] not in incident_ids
    ]
    planted = [
        (b["row_number"], b["ticket_id"], b["column"], b["value"])
        for b in truth["bad_rows"]["tickets.csv"]
    ]
    assert sorted(bad_refs + bad_dates) == sorted(planted)
    assert [b[3] for b in sorted(bad_refs + bad_dates, key=lambda b: b[2])] == [
        "2026-06-31 09:15:00",
        "INC-299",
    ]


def test_the_loader_accounts_for_every_row(demo_db: Path, truth: dict):
    for table, read_, loaded, rejected, merged in rows(
        demo_db,
        "select table_name, rows_read, rows_loaded, rows_rejected, duplicates_merged "
        "from load_report",
    ):
        assert read_ == loaded + rejected + merged, table
    counts = truth["row_counts"]
    assert rows(demo_db, "select count(*) from tickets") == [(counts["tickets.csv"] - 1,)]
    # the bad date is rejected; the unknown incident is kept with a warning
    kind = {"created_at": "rejected", "incident_id": "warning"}
    assert sorted(rows(demo_db, 'select row_number, "column", value, kind from rejects')) == sorted(
        (b["row_number"], b["column"], b["value"], kind[b["column"]])
        for b in truth["bad_rows"]["tickets.csv"]
    )


def test_readme_tells_the_numbers_the_generator_plants(truth: dict):
    readme = (PROJECT_DIR / "data" / "demo" / "README.md").read_text()

    def cell(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, str) and value[:2] == "20":
            return value.replace("T", " ")[:16]
        return str(value)

    table = [
        [c.strip() for c in line.strip("|").split("|")]
        for line in readme.splitlines()
        if line.startswith("| INC-")
    ]
    keys = (
        "severity_as_exported", "started_at", "resolved_at", "outage_minutes", "caused_tickets",
        "linked_tickets", "impact_end_at", "quiet_accounts", "silent_quiet_accounts",
        "postmortem_days_after_resolved",
    )  # fmt: skip
    assert [row[0] for row in table] == sorted(truth["incidents"])
    for row in table:
        facts = truth["incidents"][row[0]]
        expected = [", ".join(facts["services"]), *(cell(facts[k]) for k in keys)]
        assert row[1:] == expected, row[0]
    for name, count in truth["row_counts"].items():
        assert f"| `{name}` | {count:,} |" in readme, name
    for incident_id in (BILLING, "INC-304"):
        assert f"MRR {truth['incidents'][incident_id]['quiet_mrr']:,.2f}" in readme
    last_comment = truth["incidents"][BILLING]["last_customer_comment_at"][:10]
    assert f"the last one on {last_comment}" in readme
    for bad in truth["bad_rows"]["tickets.csv"]:
        row = f"| {bad['row_number']} | {bad['ticket_id']} | `{bad['column']}` | `{bad['value']}` |"
        assert row in readme
